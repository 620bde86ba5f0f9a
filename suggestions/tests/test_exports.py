import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from representatives.tests.factories import CongressFactory, DeputyFactory
from suggestions import services
from suggestions.models import Assignment, CoSigner, Suggestion
from suggestions.tests.factories import SuggestionFactory, pdf

S = Suggestion.Status
TIMESTAMP_COLUMNS = ("创建时间", "提交时间", "立案时间", "交办时间", "答复时间", "评价时间", "办结时间")
EXPORT_URL = reverse("staff:suggestions")
PROMISED = datetime.date(2027, 6, 30)


def export(client, user, **params):
    client.force_login(user)
    response = client.get(EXPORT_URL, {"export": "xlsx", **params})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return [dict(zip(header, ("" if value is None else value for value in row), strict=True)) for row in rows]


def local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def closed_after_two_rounds(flow, staff_a, leader_a, author, cosigner, lead_clerk, co_clerk):
    """Key, co-signed, rated unsatisfied, handled again with a B reply, rated satisfied, promise confirmed."""
    draft = flow.draft(title="关于整治校园周边交通的建议")
    services.cosigners_invite(suggestion=draft, deputies=[cosigner.deputy], by=author)
    services.cosign_respond(cosigner=CoSigner.objects.get(deputy=cosigner.deputy), by=cosigner, accept=True)
    suggestion = services.suggestion_submit(suggestion=draft, by=author)
    suggestion = services.suggestion_register(suggestion=suggestion, by=staff_a)
    suggestion = services.suggestion_assign(
        suggestion=suggestion, by=staff_a, lead_unit=flow.lead_unit, co_units=[flow.co_unit]
    )
    services.suggestion_mark_key(suggestion=suggestion, by=staff_a, leader=leader_a)
    # The lead unit's reply waits for the co-unit's opinion (services.PART_STEPS "reply").
    services.co_opinion_submit(assignment=suggestion.assignments.get(role="co"), by=co_clerk, text="同意。")
    services.reply_submit(
        assignment=flow.lead_part(suggestion), by=lead_clerk, reply_class="A", text="已处理。", document=pdf()
    )
    flow.rate(suggestion, lead="unsatisfied")  # the lead unit handles its part again, the co-unit does not
    suggestion = Suggestion.objects.get(pk=suggestion.pk)
    reply = services.reply_submit(
        assignment=flow.lead_part(suggestion),
        by=lead_clerk,
        reply_class="B",
        text="列入明年计划。",
        document=pdf(),
        promised_date=PROMISED,
    )
    services.suggestion_rate(suggestion=Suggestion.objects.get(pk=suggestion.pk), by=author, value="satisfied")
    services.promise_report_done(reply=reply, by=lead_clerk, note="已完工")
    services.promise_confirm(reply=reply, by=staff_a)
    return Suggestion.objects.get(pk=suggestion.pk)


@pytest.mark.django_db
class TestSuggestionExport:
    def test_the_export_has_every_lifecycle_timestamp(self, client, staff_a, closed_after_two_rounds):
        suggestion = closed_after_two_rounds
        (row,) = export(client, staff_a)
        for column, field in zip(
            TIMESTAMP_COLUMNS,
            ("created_at", "submitted_at", "registered_at", "assigned_at", "replied_at", "rated_at", "closed_at"),
            strict=True,
        ):
            assert row[column] == local(getattr(suggestion, field)), column

    def test_the_export_tells_the_whole_story_of_a_suggestion(self, client, staff_a, closed_after_two_rounds):
        suggestion = closed_after_two_rounds
        (row,) = export(client, staff_a)
        assert row["编号"] == suggestion.number and row["年度"] == suggestion.year
        assert row["届别"] == str(suggestion.congress)
        assert row["领衔代表"] == "领衔代表" and row["联名代表"] == "联名代表"
        assert row["类别"] == "交通运输" and row["状态"] == "已办结"
        assert row["重点督办"] == "是" and row["领衔督办领导"] == "leader_a"
        assert row["办理轮次"] == 2
        assert "第1轮 区交通运输局（主办）" in row["承办单位及办理方式"]
        assert "第1轮 区财政局（协办）" in row["承办单位及办理方式"]
        assert "第2轮 区交通运输局（主办）" in row["承办单位及办理方式"]
        assert "第2轮 区交通运输局：" in row["答复期限"]
        assert "第1轮 区交通运输局：A类" in row["答复类别及答复日期"]
        assert "第2轮 区交通运输局：B类" in row["答复类别及答复日期"]
        assert row["B类承诺完成时间"] == "第2轮 区交通运输局：2027-06-30"
        assert "已确认完成" in row["B类承诺落实情况"]
        assert row["代表评价（各轮）"] == "第1轮：不满意；第2轮：满意"

    def test_only_accepted_co_signers_are_exported(self, client, flow, staff_a, author, cosigner):
        draft = flow.draft()
        services.cosigners_invite(suggestion=draft, deputies=[cosigner.deputy], by=author)
        services.suggestion_submit(suggestion=draft, by=author)
        (row,) = export(client, staff_a)
        assert row["联名代表"] == ""

    def test_a_part_passed_to_another_unit_is_exported_as_transferred(self, client, flow, staff_a, lead_clerk, regions):
        from representatives.tests.factories import HandlingUnitFactory

        suggestion = flow.assigned(with_co_unit=False)
        part = flow.lead_part(suggestion)
        services.assignment_request_reassign(assignment=part, by=lead_clerk, reason="不属于本单位职责")
        services.reassign_accept(
            assignment=part, by=staff_a, new_unit=HandlingUnitFactory(region=regions.county_a, name="区住建局")
        )
        (row,) = export(client, staff_a)
        assert row["承办单位及办理方式"] == "区交通运输局（主办，已转其他单位办理）；区住建局（主办）"
        assert "区交通运输局" not in row["答复期限"]

    def test_a_title_that_looks_like_a_formula_is_exported_as_text(self, client, flow, staff_a):
        flow.submitted(title="=HYPERLINK(1)")
        (row,) = export(client, staff_a)
        assert row["标题"] == "'=HYPERLINK(1)"

    def test_the_export_holds_only_the_rows_the_user_may_see_and_has_filtered(
        self, client, flow, staff_a, staff_b, regions
    ):
        flow.submitted(title="已提交的建议")
        flow.registered(title="已立案的建议")
        congress_b = CongressFactory(region=regions.county_b, code="440781-4-17")
        SuggestionFactory(
            congress=congress_b, deputy=DeputyFactory(region=regions.town_b), status=S.SUBMITTED, number=1
        )
        flow.draft(title="草稿")
        assert sorted(row["标题"] for row in export(client, staff_a)) == ["已提交的建议", "已立案的建议"]
        assert [row["标题"] for row in export(client, staff_a, status="registered")] == ["已立案的建议"]
        assert "已提交的建议" not in [row["标题"] for row in export(client, staff_b)]

    def test_a_leader_may_export_and_a_deputy_may_not(self, client, flow, leader_a, author):
        flow.submitted()
        assert len(export(client, leader_a)) == 1
        client.force_login(author)
        assert client.get(EXPORT_URL, {"export": "xlsx"}).status_code == 403

    def test_the_export_runs_as_many_queries_for_30_suggestions_as_for_3(
        self, client, flow, staff_a, leader_a, lead_clerk, co_clerk, author, cosigner
    ):
        def add(count):
            for index in range(count):
                draft = flow.draft(title=f"建议{index}")
                services.cosigners_invite(suggestion=draft, deputies=[cosigner.deputy], by=author)
                services.cosign_respond(
                    cosigner=CoSigner.objects.get(suggestion=draft, deputy=cosigner.deputy), by=cosigner, accept=True
                )
                suggestion = services.suggestion_submit(suggestion=draft, by=author)
                suggestion = services.suggestion_register(suggestion=suggestion, by=staff_a)
                suggestion = services.suggestion_assign(
                    suggestion=suggestion, by=staff_a, lead_unit=flow.lead_unit, co_units=[flow.co_unit]
                )
                services.suggestion_mark_key(suggestion=suggestion, by=staff_a, leader=leader_a)
                services.co_opinion_submit(assignment=suggestion.assignments.get(role="co"), by=co_clerk, text="同意。")
                reply = services.reply_submit(
                    assignment=flow.lead_part(suggestion),
                    by=lead_clerk,
                    reply_class="B",
                    text="列入计划。",
                    document=pdf(),
                    promised_date=PROMISED,
                )
                services.suggestion_rate(suggestion=Suggestion.objects.get(pk=suggestion.pk), by=author, value="basic")
                services.promise_report_done(reply=reply, by=lead_clerk, note="已完工")

        client.force_login(staff_a)

        def queries():
            with CaptureQueriesContext(connection) as captured:
                assert client.get(EXPORT_URL, {"export": "xlsx"}).status_code == 200
            return len(captured)

        add(3)
        few = queries()
        add(27)
        assert queries() == few
        assert Assignment.objects.count() == 60
