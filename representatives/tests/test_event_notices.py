"""Notices of single events (core.notices.notify_event) and the activity review's notices."""

from typing import cast

import pytest

from core import notices
from core.models import Notification, OutgoingMessage
from representatives import services
from representatives.models import ActivityRecord
from representatives.tests.factories import ActivityRecordFactory


@pytest.mark.django_db
class TestNotifyEvent:
    def test_the_same_event_tells_each_user_once(self, deputy_user_a):
        assert notices.notify_event([deputy_user_a], key="thing:1:done", title="完成") == 1
        assert notices.notify_event([deputy_user_a], key="thing:1:done", title="完成") == 0

        assert Notification.objects.filter(recipient=deputy_user_a).count() == 1

    def test_texts_and_mail_follow_the_users_choice(self, deputy_user_a):
        deputy_user_a.notify_by_sms, deputy_user_a.notify_by_email = True, False
        deputy_user_a.email = "a@example.cn"
        deputy_user_a.save()
        deputy_user_a.deputy.phone = "+86 139-0000-1111"
        deputy_user_a.deputy.save()

        notices.notify_event([deputy_user_a], key="thing:2", title="完成", body="一件事", url="/me/")

        assert list(OutgoingMessage.objects.values_list("channel", "to")) == [("sms", "13900001111")]

    @pytest.mark.parametrize(("phone", "mobile"), [("13800001111", "13800001111"), ("0750-3300001", ""), ("", "")])
    def test_only_mainland_mobiles_take_texts(self, phone, mobile):
        assert notices.mobile_number(phone) == mobile


def pending_record(user) -> ActivityRecord:
    return cast(ActivityRecord, ActivityRecordFactory(deputy=user.deputy))


@pytest.mark.django_db
class TestActivityReviewNotices:
    def test_a_confirmation_reaches_the_deputy_once(self, staff_a, deputy_user_a):
        record = pending_record(deputy_user_a)

        services.activity_confirm(record=record, by=staff_a)

        notice = Notification.objects.get(recipient=deputy_user_a)
        assert notice.title == "您的履职记录已确认" and notice.url == f"/me/activities/{record.pk}/"

    def test_a_return_names_the_reason_and_each_later_return_is_a_new_event(self, staff_a, deputy_user_a):
        record = pending_record(deputy_user_a)

        services.activity_return(record=record, by=staff_a, reason="缺少照片")
        services.activity_update(record=record, by=deputy_user_a, place="白沙镇")
        services.activity_return(record=record, by=staff_a, reason="仍缺少照片")

        bodies = list(Notification.objects.filter(recipient=deputy_user_a).values_list("body", flat=True))
        assert len(bodies) == 2 and any("仍缺少照片" in body for body in bodies)

    def test_a_refused_return_tells_nobody(self, staff_b, deputy_user_a):
        record = pending_record(deputy_user_a)

        with pytest.raises(services.TransitionError):
            services.activity_return(record=record, by=staff_b, reason="缺少照片")

        assert not Notification.objects.exists()


@pytest.mark.django_db
class TestSettingsPage:
    def test_a_deputy_with_a_mobile_turns_texts_on(self, client, deputy_user_a, django_assert_max_num_queries):
        deputy_user_a.deputy.phone = "13900001111"
        deputy_user_a.deputy.save()
        client.force_login(deputy_user_a)
        with django_assert_max_num_queries(12):
            assert client.get("/accounts/inbox/settings/").status_code == 200

        response = client.post("/accounts/inbox/settings/", {"notify_by_sms": "on"})

        assert response.status_code == 302
        deputy_user_a.refresh_from_db()
        assert deputy_user_a.notify_by_sms and not deputy_user_a.notify_by_email

    def test_texts_without_a_mobile_on_file_are_refused_and_nothing_is_saved(self, client, deputy_user_a):
        deputy_user_a.deputy.phone = "0750-3300001"
        deputy_user_a.deputy.save()
        deputy_user_a.email = "a@example.cn"
        deputy_user_a.save()
        client.force_login(deputy_user_a)

        response = client.post("/accounts/inbox/settings/", {"notify_by_sms": "on", "notify_by_email": "on"})

        assert response.status_code == 200 and "没有登记手机号码" in response.content.decode()
        deputy_user_a.refresh_from_db()
        assert not deputy_user_a.notify_by_sms and not deputy_user_a.notify_by_email

    def test_mail_without_an_address_is_refused(self, client, staff_a):
        staff_a.email = ""
        staff_a.save()
        client.force_login(staff_a)

        response = client.post("/accounts/inbox/settings/", {"notify_by_email": "on"})

        assert "没有登记电子邮箱" in response.content.decode()
        staff_a.refresh_from_db()
        assert not staff_a.notify_by_email

    def test_anonymous_visitors_are_sent_to_log_in(self, client):
        response = client.get("/accounts/inbox/settings/")

        assert response.status_code == 302 and "login" in response["Location"]
