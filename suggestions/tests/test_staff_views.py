import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from representatives.tests.factories import (
    CongressFactory,
    DeputyFactory,
    HandlingUnitFactory,
    LeaderFactory,
    UserFactory,
)
from suggestions import services, views_staff
from suggestions.models import Assignment, CoSigner, Suggestion, Supervision
from suggestions.tests.factories import SuggestionFactory

S = Suggestion.Status
A = Assignment.Status
TODAY = timezone.localdate()


def login(client, user):
    client.force_login(user)
    return client


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


def act(client, suggestion, step, data, *, version=None, follow=True):
    """POST one of the office's steps the way the page's form does (fields prefixed with the step's name)."""
    payload = {f"{step}-{name}": value for name, value in data.items()}
    payload[f"{step}-version"] = suggestion.version if version is None else version
    return client.post(reverse("staff:suggestion_action", args=[suggestion.pk, step]), payload, follow=follow)


def fresh(suggestion):
    return Suggestion.objects.get(pk=suggestion.pk)


@pytest.fixture
def third_unit(regions):
    return HandlingUnitFactory(region=regions.county_a, name="区住房和城乡建设局")


@pytest.fixture
def suggestion_b(regions):
    """A suggestion of county B's congress, which county A's office must never reach."""
    congress = CongressFactory(region=regions.county_b, code="440781-4-17")
    return SuggestionFactory(
        congress=congress, deputy=DeputyFactory(region=regions.town_b), status=S.SUBMITTED, number=1, title="台城建议"
    )


# Who may open the pages ------------------------------------------------------------------------------------------


PAGES = ["staff:suggestions", "staff:suggestions_overdue"]


@pytest.mark.django_db
class TestAccess:
    @pytest.mark.parametrize("name", PAGES)
    def test_anonymous_visitors_are_sent_to_login(self, client, name):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("login") in response["Location"]

    def test_anonymous_visitors_cannot_act_on_a_suggestion(self, client, flow):
        suggestion = flow.submitted()
        response = act(client, suggestion, "register", {}, follow=False)
        assert response.status_code == 302 and reverse("login") in response["Location"]
        assert fresh(suggestion).status == S.SUBMITTED

    @pytest.mark.parametrize("who", ["author", "lead_clerk"])
    def test_deputies_and_unit_clerks_are_refused_every_office_page(self, client, flow, request, who):
        suggestion = flow.submitted()
        login(client, request.getfixturevalue(who))
        for url in [reverse(name) for name in PAGES] + [reverse("staff:suggestion", args=[suggestion.pk])]:
            assert client.get(url).status_code == 403
        assert act(client, suggestion, "register", {}, follow=False).status_code == 403
        assert fresh(suggestion).status == S.SUBMITTED

    def test_staff_of_another_county_find_neither_the_page_nor_the_actions(self, client, flow, staff_b):
        suggestion = flow.submitted()
        login(client, staff_b)
        assert client.get(reverse("staff:suggestion", args=[suggestion.pk])).status_code == 404
        for step in ("register", "refuse", "supervise"):
            assert act(client, suggestion, step, {"reason": "越权"}, follow=False).status_code == 404
        assert fresh(suggestion).status == S.SUBMITTED

    def test_staff_of_another_county_do_not_see_it_in_their_list(self, client, flow, staff_b):
        flow.submitted(title="蓬江校园交通")
        response = login(client, staff_b).get(reverse("staff:suggestions"))
        assert response.status_code == 200 and "蓬江校园交通" not in response.content.decode()

    def test_city_staff_see_and_handle_their_counties_suggestions(self, client, flow, city_staff):
        suggestion = flow.submitted()
        login(client, city_staff)
        assert client.get(reverse("staff:suggestion", args=[suggestion.pk])).status_code == 200
        act(client, suggestion, "register", {})
        assert fresh(suggestion).status == S.REGISTERED

    def test_an_unknown_step_is_not_found(self, client, flow, staff_a):
        suggestion = flow.submitted()
        assert act(login(client, staff_a), suggestion, "delete", {}, follow=False).status_code == 404

    def test_a_get_on_an_action_is_not_allowed(self, client, flow, staff_a):
        suggestion = flow.submitted()
        url = reverse("staff:suggestion_action", args=[suggestion.pk, "register"])
        assert login(client, staff_a).get(url).status_code == 405


@pytest.mark.django_db
class TestLeader:
    def test_a_leader_reads_the_list_the_detail_and_the_deadlines(self, client, flow, leader_a):
        suggestion = flow.assigned()
        login(client, leader_a)
        for url in [reverse(name) for name in PAGES] + [reverse("staff:suggestion", args=[suggestion.pk])]:
            assert client.get(url).status_code == 200

    def test_a_leader_sees_no_office_forms_on_an_ordinary_suggestion(self, client, flow, leader_a):
        suggestion = flow.submitted()
        response = login(client, leader_a).get(reverse("staff:suggestion", args=[suggestion.pk]))
        assert response.context["forms"] == {}

    def test_a_leader_cannot_register_or_assign(self, client, flow, leader_a, lead_unit):
        submitted, registered = flow.submitted(), flow.registered()
        login(client, leader_a)
        assert act(client, submitted, "register", {}, follow=False).status_code == 403
        assert act(client, registered, "assign", {"lead_unit": lead_unit.pk}, follow=False).status_code == 403
        assert fresh(submitted).status == S.SUBMITTED and fresh(registered).status == S.REGISTERED

    def test_a_leader_records_supervision_of_a_key_suggestion(self, client, flow, staff_a, leader_a):
        suggestion = services.suggestion_mark_key(suggestion=flow.assigned(), by=staff_a, leader=leader_a)
        response = login(client, leader_a).get(reverse("staff:suggestion", args=[suggestion.pk]))
        assert list(response.context["forms"]) == ["supervise"]
        response = act(
            client, suggestion, "supervise", {"kind": "visit", "date": TODAY.isoformat(), "note": "到学校门口实地查看"}
        )
        assert "督办情况已记录。" in messages_of(response)
        record = Supervision.objects.get(suggestion=suggestion)
        assert record.by == leader_a and record.kind == "visit"

    def test_supervision_of_an_ordinary_suggestion_is_refused(self, client, flow, leader_a):
        suggestion = flow.assigned()
        response = act(
            login(client, leader_a), suggestion, "supervise", {"kind": "visit", "date": TODAY.isoformat(), "note": "x"}
        )
        assert any("不能进行这一步" in message for message in messages_of(response))
        assert not Supervision.objects.exists()

    def test_a_leaders_supervised_suggestions_are_listed_above_the_list_and_marked(
        self, client, flow, staff_a, leader_a
    ):
        mine = services.suggestion_mark_key(suggestion=flow.assigned(title="我督办的"), by=staff_a, leader=leader_a)
        newer = flow.submitted(title="较新的建议")
        response = login(client, leader_a).get(reverse("staff:suggestions"))
        # The list itself keeps its newest-first order; the panel above it carries the leader's own.
        assert [row.pk for row in response.context["page"].object_list][:2] == [newer.pk, mine.pk]
        assert [item.pk for item in response.context["supervised"]] == [mine.pk]
        assert response.context["more_supervised"] is False
        html = response.content.decode()
        assert "我领衔督办的建议" in html and "我领衔督办" in html

    def test_a_leader_can_list_only_the_suggestions_they_supervise(self, client, flow, staff_a, leader_a):
        mine = services.suggestion_mark_key(suggestion=flow.assigned(title="我督办的"), by=staff_a, leader=leader_a)
        flow.submitted(title="别人的")
        response = login(client, leader_a).get(reverse("staff:suggestions"), {"mine": "on"})
        assert [row.pk for row in response.context["page"].object_list] == [mine.pk]

    def test_the_panel_says_when_a_leader_supervises_more_than_it_shows(self, client, flow, staff_a, leader_a):
        for n in range(views_staff.SUPERVISED_PANEL_SIZE + 1):
            services.suggestion_mark_key(suggestion=flow.assigned(title=f"督办{n}"), by=staff_a, leader=leader_a)
        response = login(client, leader_a).get(reverse("staff:suggestions"))
        assert len(response.context["supervised"]) == views_staff.SUPERVISED_PANEL_SIZE
        assert response.context["more_supervised"] is True

    def test_staff_see_no_panel_and_no_mine_filter(self, client, flow, staff_a, leader_a):
        services.suggestion_mark_key(suggestion=flow.assigned(), by=staff_a, leader=leader_a)
        response = login(client, staff_a).get(reverse("staff:suggestions"), {"mine": "on"})
        assert response.context["supervised"] == []
        assert "mine" not in response.context["filter"].form.fields
        assert len(response.context["page"].object_list) == 1


# The office's steps ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestSteps:
    def test_staff_register_a_submitted_suggestion_as_complex(self, client, flow, staff_a):
        suggestion = flow.submitted()
        response = act(login(client, staff_a), suggestion, "register", {"is_complex": "on"})
        assert "建议已立案。" in messages_of(response)
        suggestion = fresh(suggestion)
        assert suggestion.status == S.REGISTERED and suggestion.is_complex and suggestion.registered_at

    def test_staff_refuse_a_suggestion_with_a_reason(self, client, flow, staff_a):
        suggestion = flow.submitted()
        act(login(client, staff_a), suggestion, "refuse", {"reason": "属于信访事项"})
        suggestion = fresh(suggestion)
        assert suggestion.status == S.NOT_REGISTERED and suggestion.refusal_reason == "属于信访事项"

    def test_refusing_without_a_reason_shows_the_form_again_and_changes_nothing(self, client, flow, staff_a):
        suggestion = flow.submitted()
        response = act(login(client, staff_a), suggestion, "refuse", {"reason": ""}, follow=False)
        assert response.status_code == 200 and response.context["forms"]["refuse"].errors
        assert fresh(suggestion).status == S.SUBMITTED

    def test_a_submitted_suggestion_offers_register_and_refuse(self, client, flow, staff_a):
        suggestion = flow.submitted()
        response = login(client, staff_a).get(reverse("staff:suggestion", args=[suggestion.pk]))
        assert list(response.context["forms"]) == ["register", "refuse"]

    def test_staff_assign_a_lead_unit_and_a_co_unit(self, client, flow, staff_a, lead_unit, co_unit):
        suggestion = flow.registered()
        response = act(
            login(client, staff_a), suggestion, "assign", {"lead_unit": lead_unit.pk, "co_units": [co_unit.pk]}
        )
        assert "建议已交办。" in messages_of(response)
        parts = {part.unit_id: part.role for part in fresh(suggestion).assignments.all()}
        assert parts == {lead_unit.pk: "lead", co_unit.pk: "co"}
        assert fresh(suggestion).status == S.ASSIGNED

    def test_the_lead_unit_cannot_also_be_a_co_unit(self, client, flow, staff_a, lead_unit):
        suggestion = flow.registered()
        response = act(
            login(client, staff_a),
            suggestion,
            "assign",
            {"lead_unit": lead_unit.pk, "co_units": [lead_unit.pk]},
            follow=False,
        )
        assert response.status_code == 200 and "主办单位不能同时是协办单位。" in response.content.decode()
        assert not Assignment.objects.exists()

    def test_a_unit_of_another_county_is_not_offered(self, client, flow, staff_a, regions):
        other = HandlingUnitFactory(region=regions.county_b, name="台山市交通局")
        suggestion = flow.registered()
        response = act(login(client, staff_a), suggestion, "assign", {"lead_unit": other.pk}, follow=False)
        assert response.status_code == 200 and response.context["forms"]["assign"].errors
        assert not Assignment.objects.exists()

    def test_staff_split_a_suggestion_between_two_units(self, client, flow, staff_a, lead_unit, co_unit):
        suggestion = flow.registered()
        act(login(client, staff_a), suggestion, "split", {"units": [lead_unit.pk, co_unit.pk]})
        roles = sorted(fresh(suggestion).assignments.values_list("role", flat=True))
        assert roles == ["split", "split"]

    def test_splitting_to_one_unit_is_refused(self, client, flow, staff_a, lead_unit):
        suggestion = flow.registered()
        response = act(login(client, staff_a), suggestion, "split", {"units": [lead_unit.pk]}, follow=False)
        assert "分办至少需要两个承办单位。" in response.content.decode()
        assert fresh(suggestion).status == S.REGISTERED

    def test_staff_mark_a_suggestion_key_under_a_leader_of_the_region(self, client, flow, staff_a, leader_a):
        suggestion = flow.registered()
        act(login(client, staff_a), suggestion, "mark_key", {"leader": leader_a.pk})
        suggestion = fresh(suggestion)
        assert suggestion.is_key and suggestion.supervising_leader == leader_a

    def test_a_leader_of_another_county_is_not_offered_for_supervision(self, client, flow, staff_a, regions):
        other = LeaderFactory(region=regions.county_b, username="leader_b")
        suggestion = flow.registered()
        response = login(client, staff_a).get(reverse("staff:suggestion", args=[suggestion.pk]))
        choices = dict(response.context["forms"]["mark_key"].fields["leader"].choices)
        assert str(other.pk) not in choices

    def test_staff_move_a_part_to_another_unit_and_it_reads_as_transferred(
        self, client, flow, staff_a, lead_clerk, third_unit
    ):
        suggestion = flow.assigned()
        part = flow.lead_part(suggestion)
        services.assignment_request_reassign(assignment=part, by=lead_clerk, reason="不属于本单位职责")
        login(client, staff_a)
        page = client.get(reverse("staff:suggestion", args=[suggestion.pk]))
        assert "不属于本单位职责" in page.content.decode()
        response = act(client, fresh(suggestion), "reassign_accept", {"assignment": part.pk, "new_unit": third_unit.pk})
        assert any(third_unit.name in message for message in messages_of(response))
        part.refresh_from_db()
        assert part.status == A.REASSIGNED
        assert fresh(suggestion).assignments.get(unit=third_unit).role == "lead"
        detail = response.content.decode()
        assert "已转其他单位办理" in detail
        listing = client.get(reverse("staff:suggestions")).content.decode().split("<tbody>")[1]
        assert "已转办" in listing
        for misleading in ("拒绝", "不予立案", "退回"):
            assert misleading not in listing

    def test_staff_refuse_a_move_and_the_unit_carries_on(self, client, flow, staff_a, lead_clerk):
        suggestion = flow.assigned()
        part = flow.lead_part(suggestion)
        services.assignment_request_reassign(assignment=part, by=lead_clerk, reason="不属于本单位职责")
        act(login(client, staff_a), fresh(suggestion), "reassign_refuse", {"assignment": part.pk, "reason": "职责明确"})
        part.refresh_from_db()
        assert part.status == A.ACTIVE

    def test_refusing_a_move_without_a_reason_shows_that_parts_form_again(self, client, flow, staff_a, lead_clerk):
        suggestion = flow.assigned()
        part = flow.lead_part(suggestion)
        services.assignment_request_reassign(assignment=part, by=lead_clerk, reason="不属于本单位职责")
        response = act(
            login(client, staff_a),
            fresh(suggestion),
            "reassign_refuse",
            {"assignment": part.pk, "reason": ""},
            follow=False,
        )
        assert response.status_code == 200
        (shown,) = [row for row in response.context["parts"] if row.pk == part.pk]
        assert shown.refuse_form.errors["reason"]
        part.refresh_from_db()
        assert part.status == A.REASSIGN_REQUESTED

    def test_a_move_already_decided_is_not_decided_twice(self, client, flow, staff_a, lead_clerk, third_unit):
        suggestion = flow.assigned()
        part = flow.lead_part(suggestion)
        services.assignment_request_reassign(assignment=part, by=lead_clerk, reason="不属于本单位职责")
        services.reassign_refuse(assignment=part, by=staff_a, reason="职责明确")
        response = act(
            login(client, staff_a),
            fresh(suggestion),
            "reassign_accept",
            {"assignment": part.pk, "new_unit": third_unit.pk},
        )
        assert messages_of(response) and not fresh(suggestion).assignments.filter(unit=third_unit).exists()

    def test_staff_confirm_a_b_class_promise_the_unit_reported_done(self, client, flow, staff_a, lead_clerk):
        suggestion = flow.replied("B")
        reply = suggestion.assignments.get(role="lead").replies.get()
        services.promise_report_done(reply=reply, by=lead_clerk, note="道路已拓宽")
        response = act(login(client, staff_a), fresh(suggestion), "promise_confirm", {"reply": reply.pk})
        assert "已确认B类承诺事项完成。" in messages_of(response)
        reply.refresh_from_db()
        assert reply.promise_confirmed_at and reply.promise_confirmed_by == staff_a

    def test_a_promise_not_yet_reported_done_cannot_be_confirmed(self, client, flow, staff_a):
        suggestion = flow.replied("B")
        reply = suggestion.assignments.get(role="lead").replies.get()
        response = act(login(client, staff_a), fresh(suggestion), "promise_confirm", {"reply": reply.pk})
        assert messages_of(response)
        reply.refresh_from_db()
        assert reply.promise_confirmed_at is None

    def test_a_stale_page_shows_the_conflict_and_changes_nothing(self, client, flow, staff_a, leader_a, lead_unit):
        suggestion = flow.registered()
        stale_version = suggestion.version
        services.suggestion_mark_key(suggestion=suggestion, by=staff_a, leader=leader_a)
        response = act(login(client, staff_a), suggestion, "assign", {"lead_unit": lead_unit.pk}, version=stale_version)
        assert "这件建议刚被其他人修改过，请刷新页面后再操作。" in messages_of(response)
        assert fresh(suggestion).status == S.REGISTERED and not Assignment.objects.exists()

    def test_a_step_the_suggestion_has_moved_past_is_refused_with_its_state(self, client, flow, staff_a):
        suggestion = flow.registered()
        response = act(login(client, staff_a), suggestion, "refuse", {"reason": "迟到的页面"})
        assert any("已立案" in message for message in messages_of(response))
        assert fresh(suggestion).status == S.REGISTERED


# What the pages show ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestPages:
    def test_the_list_shows_number_deputy_units_and_an_overdue_deadline(self, client, flow, staff_a, lead_unit):
        suggestion = flow.assigned()
        Assignment.objects.filter(suggestion=suggestion).update(deadline=TODAY - datetime.timedelta(days=2))
        html = login(client, staff_a).get(reverse("staff:suggestions")).content.decode()
        assert suggestion.number_label in html and "领衔代表" in html and lead_unit.name in html
        assert "逾期" in html and 'class="table-danger"' in html

    def test_the_list_filters_by_overdue_and_key(self, client, flow, staff_a, leader_a):
        late = flow.assigned(title="逾期的建议")
        Assignment.objects.filter(suggestion=late).update(deadline=TODAY - datetime.timedelta(days=2))
        services.suggestion_mark_key(suggestion=flow.registered(title="重点的建议"), by=staff_a, leader=leader_a)
        login(client, staff_a)
        overdue = [s.title for s in client.get(reverse("staff:suggestions"), {"overdue": "on"}).context["page"]]
        key = [s.title for s in client.get(reverse("staff:suggestions"), {"is_key": "on"}).context["page"]]
        assert overdue == ["逾期的建议"] and key == ["重点的建议"]

    def test_the_detail_shows_co_signers_replies_contacts_and_the_timeline(self, client, flow, staff_a, lead_clerk):
        suggestion = flow.replied("B")
        part = suggestion.assignments.get(role="lead")
        services.contact_log_add(
            assignment=part, by=lead_clerk, stage="before", method="phone", date=TODAY, note="电话沟通办理思路"
        )
        CoSigner.objects.create(
            suggestion=suggestion, deputy=DeputyFactory(name="附议代表"), status=CoSigner.Status.ACCEPTED
        )
        reply = part.replies.get()
        html = login(client, staff_a).get(reverse("staff:suggestion", args=[suggestion.pk])).content.decode()
        for text in ("附议代表", "电话沟通办理思路", "B类：正在解决或列入计划", "2027-06-30", "区财政局"):
            assert text in html
        assert reverse("reply_document", args=[reply.pk]) in html

    def test_the_deadlines_page_sorts_parts_into_just_overdue_due_soon_and_long_overdue(self, client, flow, staff_a):
        for title, days in (("刚逾期", -3), ("快到期", 5), ("早已逾期", -40)):
            suggestion = flow.assigned(title=title, with_co_unit=False)
            Assignment.objects.filter(suggestion=suggestion).update(deadline=TODAY + datetime.timedelta(days=days))
        response = login(client, staff_a).get(reverse("staff:suggestions_overdue"))
        sections = {
            key: [part.suggestion.title for part in rows] for key, _title, rows, _more in response.context["sections"]
        }
        assert sections == {"just_overdue": ["刚逾期"], "due_soon": ["快到期"], "long_overdue": ["早已逾期"]}
        days = {part.suggestion.title: part.days for _k, _t, rows, _m in response.context["sections"] for part in rows}
        assert days == {"刚逾期": 3, "快到期": 5, "早已逾期": 40}

    def test_the_deadlines_page_lists_open_promises(self, client, flow, staff_a, lead_clerk):
        suggestion = flow.replied("B", title="承诺的建议")
        reply = suggestion.assignments.get(role="lead").replies.get()
        services.promise_report_done(reply=reply, by=lead_clerk, note="已完成")
        html = login(client, staff_a).get(reverse("staff:suggestions_overdue")).content.decode()
        assert "承诺的建议" in html and "2027-06-30" in html and "待确认" in html

    def test_the_unit_figures_count_assigned_on_time_overdue_and_average_days(
        self, client, flow, staff_a, lead_unit, co_unit
    ):
        flow.replied("A")
        late = flow.assigned(with_co_unit=False)
        Assignment.objects.filter(suggestion=late).update(deadline=TODAY - datetime.timedelta(days=1))
        response = login(client, staff_a).get(reverse("staff:suggestions_overdue"))
        figures = {row["unit__name"]: row for row in response.context["figures"]}
        lead = figures[lead_unit.name]
        assert (lead["assigned"], lead["done"], lead["on_time"], lead["overdue"]) == (2, 1, 1, 1)
        assert lead["on_time_rate"] == 100.0 and lead["average_days"] == 0.0
        # The lead unit's reply waited for the co-unit's opinion, which completes the co part.
        assert figures[co_unit.name]["assigned"] == 1 and figures[co_unit.name]["done"] == 1

    def test_the_unit_figures_leave_out_other_counties(self, client, flow, staff_b):
        flow.assigned()
        response = login(client, staff_b).get(reverse("staff:suggestions_overdue"))
        assert response.context["figures"] == []

    def test_the_staff_navigation_links_to_suggestions(self, client, staff_a):
        html = login(client, staff_a).get(reverse("staff:suggestions")).content.decode()
        assert f'href="{reverse("staff:suggestions")}"' in html


# Query counts ----------------------------------------------------------------------------------------------------


def _populate(flow, staff, leader, clerk, count):
    """A realistic mix: submitted, assigned with a co-unit and overdue, and key ones replied B with a report."""
    for index in range(count):
        kind = index % 3
        if kind == 0:
            flow.submitted(title=f"已提交{index}")
        elif kind == 1:
            suggestion = flow.assigned(title=f"办理中{index}")
            Assignment.objects.filter(suggestion=suggestion).update(deadline=TODAY - datetime.timedelta(days=index))
        else:
            suggestion = flow.replied("B", title=f"已答复{index}")
            services.suggestion_mark_key(suggestion=suggestion, by=staff, leader=leader)
            reply = suggestion.assignments.get(role="lead").replies.get()
            services.promise_report_done(reply=reply, by=clerk, note="已完成")


def _queries(client, url):
    # From a cold cache: the filter forms' option lists are cached after the first view (options_cache).
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
class TestQueryCounts:
    @pytest.mark.parametrize("name", PAGES)
    def test_the_list_and_the_deadlines_page_run_as_many_queries_for_30_suggestions_as_for_3(
        self, client, flow, staff_a, leader_a, lead_clerk, name
    ):
        login(client, staff_a)
        _populate(flow, staff_a, leader_a, lead_clerk, 3)
        few = _queries(client, reverse(name))
        _populate(flow, staff_a, leader_a, lead_clerk, 27)
        assert _queries(client, reverse(name)) == few

    def test_a_leaders_list_runs_as_many_queries_for_30_suggestions_as_for_3(
        self, client, flow, staff_a, leader_a, lead_clerk
    ):
        login(client, leader_a)
        _populate(flow, staff_a, leader_a, lead_clerk, 3)
        few = _queries(client, reverse("staff:suggestions"))
        _populate(flow, staff_a, leader_a, lead_clerk, 27)
        assert _queries(client, reverse("staff:suggestions")) == few

    def test_the_detail_runs_as_many_queries_with_30_records_as_with_3(
        self, client, flow, staff_a, leader_a, lead_clerk, congress
    ):
        suggestion = services.suggestion_mark_key(suggestion=flow.replied("B"), by=staff_a, leader=leader_a)
        part = suggestion.assignments.get(role="lead")
        services.promise_report_done(reply=part.replies.get(), by=lead_clerk, note="已完成")
        url = reverse("staff:suggestion", args=[suggestion.pk])
        login(client, staff_a)

        def add(count):
            for _ in range(count):
                CoSigner.objects.create(suggestion=suggestion, deputy=DeputyFactory(), status=CoSigner.Status.ACCEPTED)
                services.contact_log_add(
                    assignment=part, by=lead_clerk, stage="during", method="visit", date=TODAY, note="走访"
                )
                services.supervision_add(suggestion=suggestion, by=leader_a, kind="meeting", date=TODAY, note="督办会")

        add(3)
        few = _queries(client, url)
        add(27)
        assert _queries(client, url) == few


@pytest.mark.django_db
def test_an_account_without_a_role_is_refused(client, regions):
    user = UserFactory(username="no_role")
    assert login(client, user).get(reverse("staff:suggestions")).status_code == 403
