import datetime

import pytest
from django.core import mail

from core import notices, outbox
from core.models import NoticeRecord, Notification, OutgoingMessage
from liaison_stations import reminders, services
from liaison_stations.models import Opinion, Proposal
from liaison_stations.tests.factories import OpinionFactory, StationFactory
from representatives.tests.factories import ClerkFactory, HandlingUnitFactory

D = datetime.date
DEADLINE = D(2026, 3, 20)


@pytest.fixture
def unit(regions):
    return HandlingUnitFactory(region=regions.county_a, email="unit@example.gov.cn")


@pytest.fixture
def clerk(unit):
    return ClerkFactory(unit=unit, email="clerk@example.gov.cn")


@pytest.fixture
def make_assigned(regions, unit, staff_a):
    station = StationFactory(region=regions.town_a)

    def make(deadline=DEADLINE, target_unit=None):
        opinion = OpinionFactory(station=station)
        services.opinion_sort(opinion=opinion, category="urban", by=staff_a)
        services.opinion_propose(opinion=opinion, proposal=Proposal.REFER_UNIT, unit=target_unit or unit, by=staff_a)
        services.opinion_assign(opinion=opinion, by=staff_a)
        Opinion.objects.filter(pk=opinion.pk).update(deadline=deadline)
        return opinion

    return make


@pytest.mark.django_db
class TestSteps:
    @pytest.mark.parametrize(
        ("today", "expected"),
        [
            (D(2026, 3, 17), "before-3"),
            (D(2026, 3, 20), "due"),
            (D(2026, 3, 21), "overdue"),
            (D(2026, 3, 28), "overdue-1"),
            (D(2026, 4, 4), "overdue-2"),
        ],
    )
    def test_each_step_falls_on_its_day(self, make_assigned, clerk, today, expected):
        opinion = make_assigned()
        assert reminders.sweep(today) == (2 if expected.startswith("overdue-") else 1)
        assert NoticeRecord.objects.filter(key__startswith=f"opinion:{opinion.pk}:{expected}:").exists()

    @pytest.mark.parametrize("today", [D(2026, 3, 10), D(2026, 3, 18), D(2026, 3, 23)])
    def test_quiet_days_send_nothing(self, make_assigned, clerk, today):
        make_assigned()
        assert reminders.sweep(today) == 0

    def test_the_repeating_overdue_notice_escalates_to_the_regions_staff(self, make_assigned, clerk, staff_a, staff_b):
        make_assigned()
        reminders.sweep(D(2026, 3, 28))
        assert Notification.objects.filter(recipient=staff_a).count() == 1
        assert not Notification.objects.filter(recipient=staff_b).exists()

    def test_replied_opinions_are_not_chased(self, make_assigned, clerk):
        opinion = make_assigned()
        services.opinion_reply(opinion=opinion, by=clerk, text="已办")
        assert reminders.sweep(D(2026, 3, 20)) == 0


@pytest.mark.django_db
class TestNeverTwice:
    def test_a_second_run_right_after_the_first_sends_nothing(self, make_assigned, clerk):
        make_assigned()
        make_assigned()
        assert reminders.sweep(D(2026, 3, 20)) == 2
        assert reminders.sweep(D(2026, 3, 20)) == 0
        assert Notification.objects.count() == 1  # one digest for the unit's single clerk

    def test_each_unit_gets_one_digest_listing_its_items(self, make_assigned, clerk, regions):
        make_assigned()
        make_assigned()
        other_unit = HandlingUnitFactory(region=regions.county_a, email="other@example.gov.cn")
        other_clerk = ClerkFactory(unit=other_unit)
        make_assigned(target_unit=other_unit)
        reminders.sweep(D(2026, 3, 20))
        digest = Notification.objects.get(recipient=clerk)
        assert digest.body.count("·") == 2
        assert Notification.objects.get(recipient=other_clerk).body.count("·") == 1
        assert OutgoingMessage.objects.filter(channel="email", to="unit@example.gov.cn").count() == 1

    def test_an_overlapping_sweep_that_claimed_first_wins(self, make_assigned, clerk):
        opinion = make_assigned()
        # Another worker already claimed this step a moment earlier.
        notices.claim([f"opinion:{opinion.pk}:due:{DEADLINE:%Y%m%d}"])
        assert reminders.sweep(D(2026, 3, 20)) == 0

    def test_a_crash_before_the_sweep_commits_loses_nothing(self, make_assigned, clerk, monkeypatch):
        make_assigned()

        def crash(*args, **kwargs):
            raise RuntimeError("worker killed")

        monkeypatch.setattr(OutgoingMessage.objects, "bulk_create", crash)
        with pytest.raises(RuntimeError):
            reminders.sweep(D(2026, 3, 20))
        assert NoticeRecord.objects.count() == 0 and Notification.objects.count() == 0
        monkeypatch.undo()
        assert reminders.sweep(D(2026, 3, 20)) == 1

    def test_a_crash_after_commit_but_before_delivery_is_delivered_once_later(
        self, make_assigned, clerk, django_capture_on_commit_callbacks
    ):
        make_assigned()
        # on_commit callbacks are captured and never run: the worker "died" before queueing delivery.
        with django_capture_on_commit_callbacks(execute=False):
            reminders.sweep(D(2026, 3, 20))
        assert len(mail.outbox) == 0
        assert outbox.deliver_outbox() == 2  # the unit's address and the clerk's
        assert outbox.deliver_outbox() == 0
        assert sorted(m.to[0] for m in mail.outbox) == ["clerk@example.gov.cn", "unit@example.gov.cn"]

    def test_a_new_deadline_earns_new_notices(self, make_assigned, clerk):
        opinion = make_assigned()
        reminders.sweep(D(2026, 3, 20))
        Opinion.objects.filter(pk=opinion.pk).update(deadline=D(2026, 3, 27))
        assert reminders.sweep(D(2026, 3, 27)) == 1


@pytest.mark.django_db
def test_the_sweep_runs_a_bounded_number_of_queries(make_assigned, clerk, django_assert_max_num_queries):
    for _ in range(30):
        make_assigned()
    with django_assert_max_num_queries(12):
        assert reminders.sweep(D(2026, 3, 20)) == 30


@pytest.mark.django_db
def test_the_command_prints_how_many_it_sent(make_assigned, clerk, capsys, monkeypatch):
    from django.core.management import call_command
    from django.utils import timezone

    make_assigned(deadline=timezone.localdate())
    call_command("send_opinion_reminders")
    assert "1" in capsys.readouterr().out


@pytest.mark.django_db
class TestTexts:
    def test_a_unit_with_a_mobile_gets_a_text_naming_the_opinion_its_deadline_and_link(
        self, make_assigned, unit, clerk, settings
    ):
        settings.SITE_URL = "https://rd.example.gov.cn"
        unit.contact_phone = "139 0000 2222"
        unit.save()
        opinion = make_assigned()

        reminders.sweep(DEADLINE)

        text = OutgoingMessage.objects.get(channel="sms", to="13900002222").body
        assert text.startswith("选民意见办理提醒（1件）：")
        assert opinion.tracking_code in text and "期限2026-03-20" in text
        assert text.endswith(f"详见 https://rd.example.gov.cn/unit/opinions/{opinion.pk}/")

    def test_a_landline_gets_no_text(self, make_assigned, unit, clerk):
        unit.contact_phone = "0750-3300001"
        unit.save()
        make_assigned()

        assert reminders.sweep(DEADLINE) == 1

        assert not OutgoingMessage.objects.filter(channel="sms").exists()
