"""A deputy hears of every event of their suggestion once: in-app always, by text or e-mail as they chose."""

import pytest

from core.models import Notification, OutgoingMessage
from suggestions import services


def notices_to(user, title):
    return Notification.objects.filter(recipient=user, title=title)


def prefer(user, *, sms=False, email=False, phone="13800002222"):
    user.notify_by_sms, user.notify_by_email, user.email = sms, email, "author@example.cn"
    user.save()
    user.deputy.phone = phone
    user.deputy.save()


@pytest.mark.django_db
class TestEachEventOnce:
    def test_registered_assigned_and_replied_each_reach_the_author_once_in_app_only_by_default(self, flow, author):
        flow.replied(with_co_unit=False)

        for title in ("您的建议已立案", "您的建议已交办承办单位", "您的建议已答复，请评价"):
            assert notices_to(author, title).count() == 1, title
        assert not OutgoingMessage.objects.filter(to__in=["author@example.cn", "13800002222"]).exists()

    def test_a_refusal_names_the_reason(self, flow, author, staff_a):
        suggestion = flow.submitted()

        services.suggestion_refuse(suggestion=suggestion, by=staff_a, reason="属于来信范围")

        notice = notices_to(author, "您的建议不予立案，转为来信处理").get()
        assert "属于来信范围" in notice.body and f"第{suggestion.number}号" in notice.body

    def test_a_refusal_without_a_reason_writes_no_notice(self, flow, author, staff_a):
        suggestion = flow.submitted()

        with pytest.raises(services.TransitionError):
            services.suggestion_refuse(suggestion=suggestion, by=staff_a, reason=" ")

        assert not notices_to(author, "您的建议不予立案，转为来信处理").exists()

    def test_an_invited_co_signer_is_told_once(self, flow, author, cosigner):
        suggestion = flow.draft()

        services.cosigners_invite(suggestion=suggestion, deputies=[cosigner.deputy], by=author)
        services.cosigners_invite(suggestion=suggestion, deputies=[cosigner.deputy], by=author)

        assert notices_to(cosigner, "邀请您联名提出建议").count() == 1


@pytest.mark.django_db
class TestPreferences:
    def test_a_deputy_who_asked_for_texts_gets_one_per_event_at_their_mobile(self, flow, author):
        prefer(author, sms=True)

        flow.registered()

        text = OutgoingMessage.objects.get(channel="sms", to="13800002222").body
        assert text.startswith("您的建议已立案：第") and "/me/suggestions/" in text
        assert not OutgoingMessage.objects.filter(channel="email", to="author@example.cn").exists()

    def test_a_landline_gets_no_text(self, flow, author):
        prefer(author, sms=True, phone="0750-3300001")

        flow.registered()

        assert not OutgoingMessage.objects.filter(channel="sms").exists()
        assert notices_to(author, "您的建议已立案").count() == 1

    def test_a_deputy_who_asked_for_mail_gets_it(self, flow, author):
        prefer(author, email=True)

        flow.registered()

        mail = OutgoingMessage.objects.get(channel="email", to="author@example.cn")
        assert mail.subject == "您的建议已立案"
        assert not OutgoingMessage.objects.filter(channel="sms").exists()
