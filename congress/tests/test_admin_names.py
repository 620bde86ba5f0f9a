"""The Chinese admin names every app and model in Chinese, third-party ones included (congress/third_party.py)."""

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from representatives.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

THIRD_PARTY = {"auditlog": "审计日志", "axes": "登录限制", "otp_totp": "动态口令（TOTP）"}


def test_third_party_apps_and_models_have_chinese_names():
    with translation.override("zh-hans"):
        for label, name in THIRD_PARTY.items():
            config = apps.get_app_config(label)
            assert str(config.verbose_name) == name
            for model in config.get_models():
                assert not str(model._meta.verbose_name_plural).isascii(), model


def test_the_admin_index_shows_no_english_app_names(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for english in ("Audit log", "Axes", "Access attempts", "TOTP devices", "Otp_Totp"):
        assert english not in page
    assert "审计日志" in page and "登录失败锁定" in page and "动态口令设备" in page
