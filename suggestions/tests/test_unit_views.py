import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from representatives.tests.factories import ClerkFactory, HandlingUnitFactory
from suggestions import services, views_unit
from suggestions.models import Assignment, ContactLog, Reply, Suggestion
from suggestions.tests.factories import AssignmentFactory, SuggestionFactory, pdf

pytestmark = pytest.mark.django_db


def detail_url(suggestion):
    return reverse("unit:suggestion", args=[suggestion.pk])


def action_url(suggestion, action):
    return reverse("unit:suggestion_action", args=[suggestion.pk, action])


def reply_data(reply_class="A", **overrides):
    data = {"reply-reply_class": reply_class, "reply-text": "经研究，答复如下。", "reply-document": pdf()}
    data.update(overrides)
    return data


def lead_part(suggestion):
    return suggestion.assignments.get(role=Assignment.Role.LEAD, round=suggestion.round)


@pytest.fixture
def other_clerk(regions):
    return ClerkFactory(unit=HandlingUnitFactory(region=regions.county_a, name="区教育局"), username="other_clerk")


class TestTheList:
    def test_waiting_shows_the_units_parts_by_deadline_with_overdue_highlighted(self, client, flow, lead_clerk):
        late = flow.assigned(title="逾期的建议")
        flow.assigned(title="未到期的建议")
        Assignment.objects.filter(pk=lead_part(late).pk).update(deadline=timezone.localdate() - datetime.timedelta(3))
        client.force_login(lead_clerk)

        body = client.get(reverse("unit:suggestions")).content.decode()

        assert body.index("逾期的建议") < body.index("未到期的建议")
        assert "已逾期 3 天" in body and "table-danger" in body
        assert "主办" in body

    def test_a_replied_part_moves_from_waiting_to_done(self, client, flow, lead_clerk):
        flow.replied(title="已答复的建议")
        client.force_login(lead_clerk)

        waiting = client.get(reverse("unit:suggestions")).content.decode()
        done = client.get(reverse("unit:suggestions"), {"tab": "done"}).content.decode()

        assert "已答复的建议" not in waiting
        assert "已答复的建议" in done

    def test_a_rehandled_part_is_marked_as_such(self, client, flow, author, lead_clerk):
        suggestion = flow.replied()
        services.suggestion_rate(suggestion=suggestion, by=author, value="unsatisfied")
        client.force_login(lead_clerk)

        body = client.get(reverse("unit:suggestions")).content.decode()

        assert "重新办理（第 2 轮）" in body

    @pytest.mark.parametrize("count", [3, 30])
    def test_the_list_runs_a_constant_number_of_queries(self, client, lead_clerk, count, django_assert_max_num_queries):
        for _ in range(count):
            AssignmentFactory(unit=lead_clerk.unit)
        client.force_login(lead_clerk)

        with django_assert_max_num_queries(5):
            response = client.get(reverse("unit:suggestions"))

        assert response.status_code == 200


class TestTheDetail:
    def test_shows_the_deputys_contact_for_handling_but_not_private_data(self, client, flow, author, lead_clerk):
        deputy = author.deputy
        deputy.phone, deputy.phone_public, deputy.id_number, deputy.home_address = (
            "13800001111",
            False,
            "440703199001011234",
            "白沙街道某小区3栋",
        )
        deputy.save()
        suggestion = flow.assigned()
        client.force_login(lead_clerk)

        body = client.get(detail_url(suggestion)).content.decode()

        assert deputy.name in body and suggestion.body in body
        # The clerk of an open part calls the lead deputy before handling (办前沟通; test_lead_deputy_contact
        # covers when it stops); the identity number and home address stay private.
        assert "13800001111" in body
        for private in ("440703199001011234", "白沙街道某小区3栋"):
            assert private not in body

    def test_links_the_attachments_and_reply_documents(self, client, flow, lead_clerk):
        suggestion = flow.replied(files=[pdf("现场照片说明.pdf")])
        client.force_login(lead_clerk)

        body = client.get(detail_url(suggestion)).content.decode()

        assert reverse("suggestion_attachment", args=[suggestion.attachments.get().pk]) in body
        assert reverse("reply_document", args=[Reply.objects.get().pk]) in body

    def test_the_lead_unit_sees_the_co_units_opinion(self, client, flow, lead_clerk, co_clerk):
        suggestion = flow.assigned()
        co_part = suggestion.assignments.get(unit=flow.co_unit)
        services.co_opinion_submit(assignment=co_part, by=co_clerk, text="财政资金可在下年度安排。")
        client.force_login(lead_clerk)

        assert "财政资金可在下年度安排。" in client.get(detail_url(suggestion)).content.decode()

    def test_a_co_unit_sees_only_its_own_part(self, client, flow, regions, staff_a, lead_clerk, co_clerk):
        second = HandlingUnitFactory(region=regions.county_a, name="区住建局")
        second_clerk = ClerkFactory(unit=second)
        suggestion = services.suggestion_assign(
            suggestion=flow.registered(), by=staff_a, lead_unit=flow.lead_unit, co_units=[flow.co_unit, second]
        )
        services.co_opinion_submit(
            assignment=suggestion.assignments.get(unit=second), by=second_clerk, text="住建局的协办意见"
        )
        services.assignment_request_reassign(assignment=lead_part(suggestion), by=lead_clerk, reason="属住建局职责")
        client.force_login(co_clerk)

        body = client.get(detail_url(suggestion)).content.decode()

        assert "住建局的协办意见" not in body and "属住建局职责" not in body
        assert "其他承办单位" not in body
        assert "向主办单位提交协办意见" in body

    def test_the_detail_runs_a_constant_number_of_queries(self, client, lead_clerk, django_assert_max_num_queries):
        def build(count):
            suggestion = SuggestionFactory(status=Suggestion.Status.ASSIGNED, number=count)
            lead = AssignmentFactory(suggestion=suggestion, unit=lead_clerk.unit)
            for day in range(count):
                ContactLog.objects.create(
                    assignment=lead,
                    stage="during",
                    method="phone",
                    date=datetime.date(2026, 1, 1 + day % 28),
                    note="电话",
                )
            for _ in range(count - 1):
                AssignmentFactory(suggestion=suggestion, role=Assignment.Role.CO, co_opinion="同意主办单位意见")
            return suggestion

        client.force_login(lead_clerk)
        for suggestion in (build(3), build(30)):
            # 16: the part is open, so the lead deputy's contact is shown and its showing audited (办前沟通).
            with django_assert_max_num_queries(16):
                response = client.get(detail_url(suggestion))
            assert response.status_code == 200


class TestReplying:
    def test_a_b_reply_with_a_promised_date_and_a_pdf_is_accepted(self, client, flow, lead_clerk):
        suggestion = flow.assigned(with_co_unit=False)
        client.force_login(lead_clerk)
        promised = timezone.localdate() + datetime.timedelta(days=120)

        response = client.post(
            action_url(suggestion, "reply"), reply_data("B", **{"reply-promised_date": promised.isoformat()})
        )

        assert response.status_code == 302
        reply = Reply.objects.get()
        assert (reply.reply_class, reply.promised_date) == ("B", promised)
        with reply.document.open("rb") as stored:
            assert stored.read(4) == b"%PDF"
        suggestion.refresh_from_db()
        assert suggestion.status == Suggestion.Status.REPLIED

    def test_a_b_reply_without_a_promised_date_is_refused_and_nothing_is_written(self, client, flow, lead_clerk):
        suggestion = flow.assigned(with_co_unit=False)
        client.force_login(lead_clerk)

        response = client.post(action_url(suggestion, "reply"), reply_data("B"))

        assert response.status_code == 200
        assert "B类答复须写明承诺完成时间。" in response.content.decode()
        assert not Reply.objects.exists()
        assert lead_part(suggestion).status == Assignment.Status.ACTIVE

    def test_a_c_reply_needs_a_reason(self, client, flow, lead_clerk):
        suggestion = flow.assigned(with_co_unit=False)
        client.force_login(lead_clerk)

        refused = client.post(action_url(suggestion, "reply"), reply_data("C"))
        accepted = client.post(action_url(suggestion, "reply"), reply_data("C", **{"reply-reason": "受财力限制"}))

        assert "C类答复须说明留作参考的原因。" in refused.content.decode()
        assert accepted.status_code == 302
        assert Reply.objects.get().reason == "受财力限制"

    def test_a_document_that_is_not_a_pdf_is_refused(self, client, flow, lead_clerk):
        suggestion = flow.assigned(with_co_unit=False)
        client.force_login(lead_clerk)
        png = SimpleUploadedFile("答复函.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="application/pdf")

        response = client.post(action_url(suggestion, "reply"), reply_data("A", **{"reply-document": png}))

        assert response.status_code == 200
        assert "答复函必须是 PDF 文件。" in response.content.decode()
        assert not Reply.objects.exists()

    def test_a_co_unit_submits_its_opinion_and_cannot_reply(self, client, flow, co_clerk):
        suggestion = flow.assigned()
        client.force_login(co_clerk)

        page = client.get(detail_url(suggestion)).content.decode()
        refused = client.post(action_url(suggestion, "reply"), reply_data("A"), follow=True)
        opinion = client.post(action_url(suggestion, "co_opinion"), {"co_opinion-text": "同意主办单位意见"})

        assert action_url(suggestion, "reply") not in page
        assert "协办单位不直接答复代表" in refused.content.decode()
        assert not Reply.objects.exists()
        assert opinion.status_code == 302
        assert suggestion.assignments.get(unit=flow.co_unit).co_opinion == "同意主办单位意见"


class TestOtherActions:
    def test_a_reassignment_request_within_the_window_is_recorded(self, client, flow, lead_clerk):
        suggestion = flow.assigned()
        client.force_login(lead_clerk)

        response = client.post(action_url(suggestion, "request_reassign"), {"request_reassign-reason": "属财政职责"})

        assert response.status_code == 302
        part = lead_part(suggestion)
        assert (part.status, part.reassign_reason) == (Assignment.Status.REASSIGN_REQUESTED, "属财政职责")

    def test_a_reassignment_request_after_the_window_is_refused(self, client, flow, lead_clerk):
        suggestion = flow.assigned()
        Assignment.objects.filter(suggestion=suggestion).update(assigned_at=timezone.now() - datetime.timedelta(30))
        client.force_login(lead_clerk)

        page = client.get(detail_url(suggestion)).content.decode()
        response = client.post(
            action_url(suggestion, "request_reassign"), {"request_reassign-reason": "属财政职责"}, follow=True
        )

        assert "申请调整承办单位" not in page
        assert "申请调整须在交办后" in response.content.decode()
        assert lead_part(suggestion).status == Assignment.Status.ACTIVE

    def test_a_contact_with_the_deputy_is_logged(self, client, flow, lead_clerk):
        suggestion = flow.assigned()
        client.force_login(lead_clerk)

        response = client.post(
            action_url(suggestion, "contact"),
            {
                "contact-stage": "before",
                "contact-method": "phone",
                "contact-date": timezone.localdate().isoformat(),
                "contact-note": "电话了解诉求",
            },
        )

        assert response.status_code == 302
        log = ContactLog.objects.get()
        assert (log.assignment, log.stage, log.note) == (lead_part(suggestion), "before", "电话了解诉求")

    def test_a_contact_dated_in_the_future_is_refused_inline(self, client, flow, lead_clerk):
        suggestion = flow.assigned()
        client.force_login(lead_clerk)
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)

        response = client.post(
            action_url(suggestion, "contact"),
            {"contact-stage": "before", "contact-method": "phone", "contact-date": tomorrow, "contact-note": "x"},
        )

        assert "不能登记未来日期的沟通。" in response.content.decode()
        assert not ContactLog.objects.exists()

    def test_a_b_promise_is_reported_done(self, client, flow, lead_clerk):
        suggestion = flow.replied("B")
        reply = Reply.objects.get()
        client.force_login(lead_clerk)

        response = client.post(
            action_url(suggestion, "promise_done"),
            {"promise_done-reply": str(reply.pk), "promise_done-note": "道路已完成改造"},
        )

        assert response.status_code == 302
        reply.refresh_from_db()
        assert reply.promise_done_at is not None and reply.promise_done_note == "道路已完成改造"

    def test_an_unknown_action_is_not_found(self, client, flow, lead_clerk):
        suggestion = flow.assigned()
        client.force_login(lead_clerk)

        assert client.post(action_url(suggestion, "close")).status_code == 404


class TestWhoGetsIn:
    def test_another_units_clerk_gets_404_on_the_detail_the_actions_and_the_files(self, client, flow, other_clerk):
        suggestion = flow.replied(files=[pdf("说明.pdf")])
        client.force_login(other_clerk)

        assert client.get(detail_url(suggestion)).status_code == 404
        assert client.post(action_url(suggestion, "contact"), {}).status_code == 404
        assert client.post(action_url(suggestion, "reply"), reply_data("A")).status_code == 404
        attachment = suggestion.attachments.get()
        assert client.get(reverse("suggestion_attachment", args=[attachment.pk])).status_code == 404
        assert client.get(reverse("reply_document", args=[Reply.objects.get().pk])).status_code == 404
        assert not ContactLog.objects.exists()

    @pytest.mark.parametrize("who", ["staff_a", "author"])
    def test_staff_and_deputies_are_refused(self, client, flow, request, who):
        suggestion = flow.assigned()
        client.force_login(request.getfixturevalue(who))

        assert client.get(reverse("unit:suggestions")).status_code == 403
        assert client.get(detail_url(suggestion)).status_code == 403
        assert client.post(action_url(suggestion, "contact"), {}).status_code == 403

    def test_anonymous_visitors_are_sent_to_log_in(self, client, flow):
        suggestion = flow.assigned()

        for response in (client.get(reverse("unit:suggestions")), client.get(detail_url(suggestion))):
            assert response.status_code == 302 and reverse("login") in response["Location"]


class TestTheHomePanel:
    def test_counts_overdue_due_soon_reassignment_requests_and_open_promises(self, flow, lead_clerk):
        late = flow.assigned(title="逾期")
        Assignment.objects.filter(pk=lead_part(late).pk).update(deadline=timezone.localdate() - datetime.timedelta(1))
        soon = flow.assigned(title="将到期")
        Assignment.objects.filter(pk=lead_part(soon).pk).update(deadline=timezone.localdate() + datetime.timedelta(5))
        asking = flow.assigned(title="申请调整")
        services.assignment_request_reassign(assignment=lead_part(asking), by=lead_clerk, reason="不属本单位")
        flow.replied("B")
        request = RequestFactory().get("/unit/")
        request.user = lead_clerk

        shown = views_unit.unit_home_panel(request, lead_clerk.unit)

        assert shown is not None
        _template, context = shown
        figures = {key: context[key] for key in ("waiting", "overdue", "due_soon", "reassign", "promises")}
        assert figures == {"waiting": 3, "overdue": 1, "due_soon": 1, "reassign": 1, "promises": 1}

    def test_the_unit_home_shows_the_panel_with_links_to_the_list(self, client, flow, lead_clerk):
        flow.assigned()
        client.force_login(lead_clerk)

        body = client.get(reverse("unit:home")).content.decode()

        assert reverse("unit:suggestions") + "?tab=waiting&amp;show=overdue" in body

    def test_a_unit_with_no_suggestions_gets_no_panel(self, rf, lead_clerk):
        request = rf.get("/unit/")
        request.user = lead_clerk

        assert views_unit.unit_home_panel(request, lead_clerk.unit) is None

    def test_the_panel_links_narrow_the_list(self, client, flow, lead_clerk):
        late = flow.assigned(title="逾期的那件")
        flow.assigned(title="还早的那件")
        Assignment.objects.filter(pk=lead_part(late).pk).update(deadline=timezone.localdate() - datetime.timedelta(1))
        client.force_login(lead_clerk)

        body = client.get(reverse("unit:suggestions"), {"tab": "waiting", "show": "overdue"}).content.decode()

        assert "逾期的那件" in body and "还早的那件" not in body
