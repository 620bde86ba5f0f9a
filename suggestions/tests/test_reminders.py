import datetime
import itertools
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from core import notices, outbox
from core.models import NoticeRecord, Notification, OutgoingMessage
from representatives.tests.factories import ClerkFactory, HandlingUnitFactory, LeaderFactory
from suggestions import reminders, services, tasks
from suggestions.models import Assignment, Suggestion
from suggestions.tests.factories import pdf

D = datetime.date
LEAP_DEADLINE = D(2028, 2, 29)
NUMBERS = itertools.count(1000)


def set_deadline(part, deadline):
    Assignment.objects.filter(pk=part.pk).update(deadline=deadline)


@pytest.fixture
def lead_part(flow):
    """One assigned suggestion with only a lead part, due on 29 February 2028."""
    suggestion = flow.assigned(with_co_unit=False)
    part = flow.lead_part(suggestion)
    set_deadline(part, LEAP_DEADLINE)
    return part


def reminders_to(*users):
    return Notification.objects.filter(recipient__in=users, title="代表建议办理提醒")


def digest_of(user):
    return reminders_to(user).get()


def keys_for(part):
    return set(NoticeRecord.objects.filter(key__startswith=f"suggestion-part:{part.pk}:").values_list("key", flat=True))


def bulk_parts(congress, deputy, units, count, deadline, leader=None):
    """``count`` assigned suggestions with one lead part each, spread over ``units``: no services, no per-row work."""
    now = timezone.now()
    suggestions = Suggestion.objects.bulk_create(
        Suggestion(
            congress=congress,
            region=congress.region,
            deputy=deputy,
            year=2026,
            number=next(NUMBERS),
            title=f"关于第{n}条道路改造的建议",
            category="transport",
            body="道路破损。",
            status=Suggestion.Status.ASSIGNED,
            is_key=leader is not None,
            supervising_leader=leader,
            assigned_at=now,
        )
        for n in range(count)
    )
    return Assignment.objects.bulk_create(
        Assignment(suggestion=s, unit=units[n % len(units)], role="lead", deadline=deadline)
        for n, s in enumerate(suggestions)
    )


@pytest.mark.django_db
class TestSteps:
    @pytest.mark.parametrize(
        ("deadline", "today", "expected"),
        [
            (LEAP_DEADLINE, D(2028, 2, 14), "before-15"),
            (LEAP_DEADLINE, D(2028, 2, 26), "before-3"),
            (LEAP_DEADLINE, D(2028, 2, 29), "due"),
            (LEAP_DEADLINE, D(2028, 3, 1), "overdue"),
            (LEAP_DEADLINE, D(2028, 3, 8), "overdue-1"),
            (LEAP_DEADLINE, D(2028, 3, 15), "overdue-2"),
            (D(2026, 3, 31), D(2026, 3, 16), "before-15"),
            (D(2026, 3, 31), D(2026, 3, 31), "due"),
            (D(2026, 3, 31), D(2026, 4, 1), "overdue"),
            (D(2026, 3, 31), D(2026, 4, 8), "overdue-1"),
            (D(2026, 12, 31), D(2027, 1, 1), "overdue"),
            # A part overdue for months is still chased on its repeat days (the sweep asks only for due deadlines).
            (D(2026, 1, 1), D(2026, 1, 2) + datetime.timedelta(days=7 * 30), "overdue-30"),
        ],
    )
    def test_each_step_falls_on_its_day(self, lead_part, deadline, today, expected):
        set_deadline(lead_part, deadline)

        sent = reminders.sweep(today)

        # The repeating overdue notice also goes to the county's office staff (one person here).
        assert sent == (2 if expected.startswith("overdue-") else 1)
        assert f"suggestion-part:{lead_part.pk}:{expected}:{deadline:%Y%m%d}" in keys_for(lead_part)

    @pytest.mark.parametrize("today", [D(2028, 2, 13), D(2028, 2, 15), D(2028, 2, 28), D(2028, 3, 2), D(2028, 3, 7)])
    def test_quiet_days_send_nothing(self, lead_part, today):
        assert reminders.sweep(today) == 0
        assert not NoticeRecord.objects.filter(key__startswith="suggestion-part:").exists()

    def test_the_offsets_are_settings(self, lead_part, settings):
        settings.SUGGESTION_REMINDER_DAYS_BEFORE = [30]
        settings.SUGGESTION_OVERDUE_REPEAT_DAYS = 3

        assert reminders.sweep(D(2028, 1, 30)) == 1
        assert reminders.sweep(D(2028, 2, 14)) == 0
        assert reminders.sweep(D(2028, 3, 4)) == 2
        assert {key.split(":")[2] for key in keys_for(lead_part)} == {"before-30", "overdue-1"}

    def test_a_co_part_is_chased_against_its_own_co_opinion_deadline(self, flow, co_clerk):
        suggestion = flow.assigned()
        co_part = suggestion.assignments.get(role="co")
        lead_part = flow.lead_part(suggestion)
        assert co_part.deadline < lead_part.deadline

        assert reminders.sweep(co_part.deadline) == 1

        assert keys_for(co_part) == {f"suggestion-part:{co_part.pk}:due:{co_part.deadline:%Y%m%d}"}
        assert "协办意见今天到期" in digest_of(co_clerk).body

    def test_the_unit_digest_goes_to_clerks_by_inbox_and_mail_and_to_the_unit_by_sms(self, flow, lead_clerk):
        lead_clerk.email = "clerk@example.gov.cn"
        lead_clerk.save()
        flow.lead_unit.contact_phone = "138-0000-1111"
        flow.lead_unit.save()
        for _ in range(2):
            set_deadline(flow.lead_part(flow.assigned(with_co_unit=False)), LEAP_DEADLINE)

        assert reminders.sweep(LEAP_DEADLINE) == 2

        digest = digest_of(lead_clerk)
        assert digest.body.count("·") == 2 and digest.title == "代表建议办理提醒"
        sent = sorted(OutgoingMessage.objects.values_list("channel", "to"))
        assert sent == [
            ("email", "clerk@example.gov.cn"),
            ("email", "jt@example.gov.cn"),
            ("sms", "13800001111"),
        ]

    def test_a_landline_gets_no_text(self, flow, lead_part):
        flow.lead_unit.contact_phone = "0750-3300001"
        flow.lead_unit.save()

        assert reminders.sweep(LEAP_DEADLINE) == 1

        assert not OutgoingMessage.objects.filter(channel="sms").exists()

    def test_a_text_says_what_which_until_when_and_where(self, flow, lead_part, settings):
        settings.SITE_URL = "https://rd.example.gov.cn"
        flow.lead_unit.contact_phone = "13800001111"
        flow.lead_unit.save()
        suggestion = lead_part.suggestion
        Suggestion.objects.filter(pk=suggestion.pk).update(title="关于加快推进城区老旧小区雨污分流改造的建议")

        reminders.sweep(LEAP_DEADLINE)

        text = OutgoingMessage.objects.get(channel="sms").body
        assert text.startswith("代表建议办理提醒（1件）：")
        assert f"第{suggestion.number}号“关于加快推进城区老旧小区…”答复期限2028-02-29" in text
        assert text.endswith(f"详见 https://rd.example.gov.cn/unit/suggestions/{suggestion.pk}/")
        assert len(text) <= 300

    def test_a_digest_text_names_the_items_that_fit_and_links_to_the_list(self, flow, congress, author, settings):
        settings.SITE_URL = "https://rd.example.gov.cn"
        flow.lead_unit.contact_phone = "13800001111"
        flow.lead_unit.save()
        bulk_parts(congress, author.deputy, [flow.lead_unit], 30, LEAP_DEADLINE)

        assert reminders.sweep(LEAP_DEADLINE) == 30

        text = OutgoingMessage.objects.get(channel="sms").body
        assert text.startswith("代表建议办理提醒（30件）：第")
        assert "等30件" in text and text.endswith("详见 https://rd.example.gov.cn/unit/suggestions/")
        assert len(text) <= 300

    def test_each_unit_gets_its_own_digest(self, flow, lead_clerk, regions, congress, author):
        other_unit = HandlingUnitFactory(region=regions.county_a, name="区水利局")
        other_clerk = ClerkFactory(unit=other_unit)
        bulk_parts(congress, author.deputy, [flow.lead_unit, other_unit], 5, LEAP_DEADLINE)

        assert reminders.sweep(LEAP_DEADLINE) == 5

        assert digest_of(lead_clerk).body.count("·") == 3
        assert digest_of(other_clerk).body.count("·") == 2


@pytest.mark.django_db
class TestEscalation:
    def test_it_reaches_the_regions_staff_and_the_supervising_leader_not_other_counties(
        self, flow, lead_part, staff_a, staff_b, city_staff, leader_a
    ):
        Suggestion.objects.filter(pk=lead_part.suggestion_id).update(is_key=True, supervising_leader=leader_a)

        # The unit, county A's staff, the city's staff and the leader.
        assert reminders.sweep(D(2028, 3, 8)) == 4

        for user in (staff_a, city_staff, leader_a):
            notice = digest_of(user)
            assert "区交通运输局" in notice.body and "已逾期 8 天" in notice.body
            assert notice.url == f"/staff/suggestions/{lead_part.suggestion_id}/"
        assert not reminders_to(staff_b).exists()

    def test_the_first_overdue_day_is_not_escalated(self, lead_part, staff_a, leader_a):
        Suggestion.objects.filter(pk=lead_part.suggestion_id).update(supervising_leader=leader_a)

        reminders.sweep(D(2028, 3, 1))

        assert not reminders_to(staff_a, leader_a).exists()

    def test_an_inactive_leader_is_not_written_to(self, lead_part, staff_a):
        leader = LeaderFactory(region=staff_a.region, is_active=False)
        Suggestion.objects.filter(pk=lead_part.suggestion_id).update(supervising_leader=leader)

        assert reminders.sweep(D(2028, 3, 8)) == 2
        assert not reminders_to(leader).exists()

    def test_each_supervisor_gets_one_digest_however_many_items(self, flow, staff_a, leader_a, congress, author):
        bulk_parts(congress, author.deputy, [flow.lead_unit], 3, LEAP_DEADLINE)
        bulk_parts(congress, author.deputy, [flow.co_unit], 2, LEAP_DEADLINE, leader=leader_a)

        reminders.sweep(D(2028, 3, 8))

        assert digest_of(staff_a).body.count("·") == 5
        assert digest_of(leader_a).body.count("·") == 2


@pytest.mark.django_db
class TestWhatIsNotChased:
    def test_a_replied_part_is_not_chased(self, flow, lead_clerk):
        suggestion = flow.replied(with_co_unit=False)
        part = suggestion.assignments.get()
        set_deadline(part, LEAP_DEADLINE)

        assert reminders.sweep(LEAP_DEADLINE) == 0

    def test_a_co_part_whose_opinion_is_in_is_not_chased(self, flow, co_clerk):
        suggestion = flow.assigned()
        co_part = suggestion.assignments.get(role="co")
        services.co_opinion_submit(assignment=co_part, by=co_clerk, text="同意主办单位意见。")

        assert reminders.sweep(co_part.deadline) == 0

    def test_an_open_co_part_of_a_suggestion_replied_without_it_is_still_chased(self, flow, lead_clerk, co_clerk):
        suggestion = flow.assigned()
        services.reply_submit(
            assignment=flow.lead_part(suggestion),
            by=lead_clerk,
            reply_class="A",
            text="答复",
            document=pdf(),
            ahead_reason="代表要求尽快答复",
        )
        co_part = suggestion.assignments.get(role="co")
        assert co_part.status == Assignment.Status.ACTIVE

        # The suggestion cannot close until the co-unit has answered, so it is reminded.
        assert reminders.sweep(co_part.deadline) == 1
        assert "协办意见今天到期" in digest_of(co_clerk).body

    def test_a_part_waiting_for_reassignment_is_not_chased(self, lead_part, lead_clerk):
        services.assignment_request_reassign(assignment=lead_part, by=lead_clerk, reason="不属于本单位职责。")

        assert reminders.sweep(LEAP_DEADLINE) == 0

    def test_the_first_rounds_parts_are_not_chased_after_re_handling(self, flow, lead_clerk, author):
        suggestion = flow.replied()
        flow.rate(suggestion, lead="unsatisfied")
        first_round_co = suggestion.assignments.get(role="co", round=1)
        second_round = suggestion.assignments.get(round=2)
        set_deadline(first_round_co, LEAP_DEADLINE)

        assert reminders.sweep(LEAP_DEADLINE) == 0
        assert reminders.sweep(second_round.deadline) == 1
        assert keys_for(second_round)


@pytest.mark.django_db
class TestNeverTwice:
    def test_a_second_run_right_after_the_first_sends_nothing(self, lead_part, lead_clerk):
        assert reminders.sweep(LEAP_DEADLINE) == 1
        assert reminders.sweep(LEAP_DEADLINE) == 0
        assert reminders_to(lead_clerk).count() == 1
        assert OutgoingMessage.objects.count() == 1

    def test_an_overlapping_sweep_that_claimed_first_wins(self, lead_part):
        notices.claim([f"suggestion-part:{lead_part.pk}:due:{LEAP_DEADLINE:%Y%m%d}"])

        assert reminders.sweep(LEAP_DEADLINE) == 0
        assert not Notification.objects.filter(title="代表建议办理提醒").exists()

    def test_a_crash_between_writing_and_committing_records_nothing(self, lead_part, monkeypatch):
        def crash(*args, **kwargs):
            raise RuntimeError("worker killed")

        monkeypatch.setattr(OutgoingMessage.objects, "bulk_create", crash)
        with pytest.raises(RuntimeError):
            reminders.sweep(LEAP_DEADLINE)
        assert not NoticeRecord.objects.filter(key__startswith="suggestion-part:").exists()
        assert not Notification.objects.filter(title="代表建议办理提醒").exists()

        monkeypatch.undo()
        assert reminders.sweep(LEAP_DEADLINE) == 1

    def test_a_crash_after_commit_before_delivery_is_delivered_once_later(
        self, lead_part, lead_clerk, django_capture_on_commit_callbacks
    ):
        lead_clerk.email = "clerk@example.gov.cn"
        lead_clerk.save()
        # Captured and never run: the worker died before queueing the delivery.
        with django_capture_on_commit_callbacks(execute=False):
            reminders.sweep(LEAP_DEADLINE)
        assert mail.outbox == []

        assert outbox.deliver_outbox() == 2
        assert outbox.deliver_outbox() == 0
        assert sorted(message.to[0] for message in mail.outbox) == ["clerk@example.gov.cn", "jt@example.gov.cn"]

    def test_a_new_deadline_earns_new_notices(self, lead_part):
        reminders.sweep(LEAP_DEADLINE)
        set_deadline(lead_part, D(2028, 3, 31))

        assert reminders.sweep(D(2028, 3, 31)) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 50])
def test_the_sweep_runs_a_bounded_number_of_queries(
    count, flow, regions, congress, author, staff_a, city_staff, leader_a, django_assert_max_num_queries
):
    units = [flow.lead_unit, flow.co_unit, HandlingUnitFactory(region=regions.county_a)]
    for unit in units:
        ClerkFactory(unit=unit, email=f"clerk{unit.pk}@example.gov.cn")
    half = count // 2
    bulk_parts(congress, author.deputy, units, half, D(2028, 3, 1))
    # Overdue a week: escalated to two staff and, for key suggestions, their leader.
    bulk_parts(congress, author.deputy, units, count - half, D(2028, 2, 22), leader=leader_a)

    with django_assert_max_num_queries(12):
        sent = reminders.sweep(D(2028, 3, 1))

    assert sent == half + (count - half) * 4


@pytest.mark.django_db
def test_the_task_returns_the_count(lead_part, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: LEAP_DEADLINE)

    assert tasks.send_deadline_reminders.name == "suggestions.tasks.send_deadline_reminders"
    assert tasks.send_deadline_reminders() == 1


@pytest.mark.django_db
def test_the_command_prints_how_many_it_sent(flow):
    set_deadline(flow.lead_part(flow.assigned(with_co_unit=False)), timezone.localdate())
    out = StringIO()

    call_command("send_deadline_reminders", stdout=out)
    call_command("send_deadline_reminders", stdout=out)

    assert out.getvalue().splitlines() == ["已发送 1 条代表建议办理提醒。", "已发送 0 条代表建议办理提醒。"]
