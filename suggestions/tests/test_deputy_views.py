import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from representatives.tests.factories import (
    CongressFactory,
    DeputyFactory,
    DeputyUserFactory,
    HandlingUnitFactory,
    MembershipFactory,
)
from suggestions import services
from suggestions.models import Assignment, Attachment, ContactLog, CoSigner, Evaluation, Reply, Suggestion
from suggestions.tests.factories import PDF_BYTES, AssignmentFactory, SuggestionFactory, pdf

pytestmark = pytest.mark.django_db


def draft_data(congress, **overrides):
    data = {
        "congress": congress.pk,
        "title": "关于增设学校门口人行横道的建议",
        "category": "transport",
        "body": "学生上学须横穿主干道。",
        "period": "between",
    }
    data.update(overrides)
    return data


def detail_url(suggestion):
    return reverse("me:suggestion", args=[suggestion.pk])


def action_url(suggestion, action):
    return reverse("me:suggestion_action", args=[suggestion.pk, action])


def page_text(response):
    return response.content.decode()


def cosigned(flow, cosigner):
    """A draft co-signed by ``cosigner``, through the real services."""
    suggestion = flow.draft()
    services.cosigners_invite(suggestion=suggestion, deputies=[cosigner.deputy], by=flow.author)
    services.cosign_respond(cosigner=suggestion.cosigners.get(), by=cosigner, accept=True)
    suggestion.refresh_from_db()
    return suggestion


class TestTheWholeDraftingFlow:
    def test_a_draft_is_written_cosigned_and_submitted_through_the_pages(self, client, congress, author, cosigner):
        client.force_login(author)
        response = client.post(
            reverse("me:suggestion_new"), {**draft_data(congress), "attachments": [pdf("照片说明.pdf")]}
        )
        suggestion = Suggestion.objects.get()
        assert response.status_code == 302 and response["Location"] == detail_url(suggestion)
        assert (suggestion.status, suggestion.deputy, suggestion.region) == ("draft", author.deputy, congress.region)
        assert suggestion.attachments.get().original_name == "照片说明.pdf"

        search = client.get(detail_url(suggestion), {"q": "联名"})
        assert "联名代表" in page_text(search) and f'value="{cosigner.deputy_id}"' in page_text(search)
        client.post(action_url(suggestion, "invite"), {"deputies": [cosigner.deputy_id]})
        invitation = CoSigner.objects.get(suggestion=suggestion)
        assert (invitation.deputy, invitation.status) == (cosigner.deputy, "invited")

        client.force_login(cosigner)
        waiting = client.get(reverse("me:suggestions"), {"tab": "invited"})
        assert suggestion.title in page_text(waiting)
        response = client.post(reverse("me:cosign_respond", args=[invitation.pk, "accept"]))
        assert response.status_code == 302
        invitation.refresh_from_db()
        assert invitation.status == "accepted"

        client.force_login(author)
        suggestion.refresh_from_db()
        client.post(action_url(suggestion, "submit"), {"version": suggestion.version})
        suggestion.refresh_from_db()
        assert (suggestion.status, suggestion.number) == ("submitted", 1)

        client.force_login(cosigner)
        assert suggestion.title in page_text(client.get(reverse("me:suggestions"), {"tab": "cosigned"}))

    def test_the_new_draft_form_offers_only_congresses_the_deputy_serves_in(self, client, congress, author, regions):
        other = CongressFactory(region=regions.county_b)
        client.force_login(author)
        response = client.post(reverse("me:suggestion_new"), draft_data(other))
        assert response.status_code == 200 and not Suggestion.objects.exists()
        assert str(congress) in page_text(response) and str(other) not in page_text(response)

    def test_a_deputy_without_a_serving_seat_is_told_they_cannot_draft(self, client, deputy_user_a):
        client.force_login(deputy_user_a)
        response = client.get(reverse("me:suggestion_new"))
        assert "没有在任的代表资格" in page_text(response)

    def test_a_declined_invitation_leaves_the_suggestion_out_of_sight(self, client, flow, cosigner):
        suggestion = flow.draft()
        services.cosigners_invite(suggestion=suggestion, deputies=[cosigner.deputy], by=flow.author)
        client.force_login(cosigner)
        client.post(reverse("me:cosign_respond", args=[suggestion.cosigners.get().pk, "decline"]))
        assert suggestion.cosigners.get().status == "declined"
        assert client.get(detail_url(suggestion)).status_code == 404

    def test_inviting_a_deputy_of_another_congress_is_refused(self, client, flow, regions):
        stranger = DeputyFactory(region=regions.town_b)
        MembershipFactory(deputy=stranger, congress=CongressFactory(region=regions.county_b))
        suggestion = flow.draft()
        client.force_login(flow.author)
        response = client.post(action_url(suggestion, "invite"), {"deputies": [stranger.pk]}, follow=True)
        assert "不是本届在任代表" in page_text(response)
        assert not CoSigner.objects.exists()


class TestWhoSeesWhat:
    def test_a_cosigner_sees_the_suggestion_and_its_attachment(self, client, flow, cosigner):
        suggestion = cosigned(flow, cosigner)
        services.suggestion_update(suggestion=suggestion, by=flow.author, files=[pdf()])
        client.force_login(cosigner)
        assert client.get(detail_url(suggestion)).status_code == 200
        download = client.get(reverse("suggestion_attachment", args=[suggestion.attachments.get().pk]))
        assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
        download.close()

    def test_another_deputy_gets_not_found_on_the_page_and_the_attachment(self, client, flow, outsider_deputy):
        suggestion = flow.draft(files=[pdf()])
        client.force_login(outsider_deputy)
        assert client.get(detail_url(suggestion)).status_code == 404
        assert client.get(reverse("me:suggestion_edit", args=[suggestion.pk])).status_code == 404
        assert client.post(action_url(suggestion, "submit"), {"version": 0}).status_code == 404
        attachment = suggestion.attachments.get()
        assert client.get(reverse("suggestion_attachment", args=[attachment.pk])).status_code == 404

    def test_a_cosigner_cannot_edit_or_submit_the_authors_draft(self, client, flow, cosigner):
        suggestion = cosigned(flow, cosigner)
        client.force_login(cosigner)
        client.post(reverse("me:suggestion_edit", args=[suggestion.pk]), draft_data(flow.congress, title="改"))
        response = client.post(action_url(suggestion, "submit"), {"version": suggestion.version}, follow=True)
        assert "只有领衔代表可以提交建议" in page_text(response)
        suggestion.refresh_from_db()
        assert (suggestion.status, suggestion.title) == ("draft", "关于整治校园周边交通的建议")

    @pytest.mark.parametrize(
        "name, args",
        [
            ("me:suggestions", []),
            ("me:suggestion_new", []),
            ("me:suggestion", ["pk"]),
            ("me:suggestion_edit", ["pk"]),
        ],
    )
    def test_staff_and_unit_clerks_are_refused_and_anonymous_visitors_sent_to_login(
        self, client, flow, staff_a, lead_clerk, name, args
    ):
        suggestion = flow.submitted()
        url = reverse(name, args=[suggestion.pk for _ in args])
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]
        for user in (staff_a, lead_clerk):
            client.force_login(user)
            assert client.get(url).status_code == 403

    def test_staff_cannot_post_actions_or_answer_invitations(self, client, flow, staff_a, cosigner):
        suggestion = flow.draft()
        services.cosigners_invite(suggestion=suggestion, deputies=[cosigner.deputy], by=flow.author)
        client.force_login(staff_a)
        assert client.post(action_url(suggestion, "submit"), {"version": 0}).status_code == 403
        invitation = suggestion.cosigners.get()
        assert client.post(reverse("me:cosign_respond", args=[invitation.pk, "accept"])).status_code == 403
        assert invitation.status == "invited"


class TestEditing:
    def test_the_author_edits_a_draft_and_adds_an_attachment(self, client, flow):
        suggestion = flow.draft()
        client.force_login(flow.author)
        response = client.post(
            reverse("me:suggestion_edit", args=[suggestion.pk]),
            {**draft_data(flow.congress, title="修改后的标题"), "version": suggestion.version, "attachments": [pdf()]},
        )
        assert response.status_code == 302
        suggestion.refresh_from_db()
        assert suggestion.title == "修改后的标题" and suggestion.attachments.count() == 1

    def test_editing_after_submission_is_refused(self, client, flow):
        suggestion = flow.submitted()
        client.force_login(flow.author)
        assert client.get(reverse("me:suggestion_edit", args=[suggestion.pk])).status_code == 302
        response = client.post(
            reverse("me:suggestion_edit", args=[suggestion.pk]),
            {**draft_data(flow.congress, title="提交后偷偷修改"), "version": suggestion.version},
            follow=True,
        )
        assert "建议提交后不能再修改" in page_text(response)
        suggestion.refresh_from_db()
        assert suggestion.title == "关于整治校园周边交通的建议"

    def test_bad_input_shows_errors_and_writes_nothing(self, client, congress, author):
        client.force_login(author)
        not_a_document = SimpleUploadedFile("病毒.exe", b"MZ\x90\x00" + b"\x00" * 64)
        response = client.post(
            reverse("me:suggestion_new"),
            {**draft_data(congress, title="", category="astrology"), "attachments": [not_a_document]},
        )
        assert response.status_code == 200
        assert "invalid-feedback" in page_text(response) and "类型不受支持" in page_text(response)
        assert not Suggestion.objects.exists() and not Attachment.objects.exists()

    def test_a_stale_version_on_edit_shows_the_message_and_changes_nothing(self, client, flow):
        suggestion = flow.draft()
        seen = suggestion.version
        services.suggestion_update(suggestion=suggestion, by=flow.author, title="另一个窗口里改的标题")
        client.force_login(flow.author)
        response = client.post(
            reverse("me:suggestion_edit", args=[suggestion.pk]),
            {**draft_data(flow.congress, title="旧页面上的标题"), "version": seen, "attachments": [pdf()]},
        )
        assert response.status_code == 200 and "刚被其他人修改过" in page_text(response)
        suggestion.refresh_from_db()
        assert suggestion.title == "另一个窗口里改的标题" and not suggestion.attachments.exists()

    def test_a_stale_version_on_submit_shows_the_message_and_changes_nothing(self, client, flow):
        suggestion = flow.draft()
        seen = suggestion.version
        services.suggestion_update(suggestion=suggestion, by=flow.author, title="另一个窗口里改的标题")
        client.force_login(flow.author)
        response = client.post(action_url(suggestion, "submit"), {"version": seen}, follow=True)
        assert "刚被其他人修改过" in page_text(response)
        suggestion.refresh_from_db()
        assert (suggestion.status, suggestion.number) == ("draft", None)


def rating(suggestion, value, comment=""):
    """The rating form's fields: the same rating for every part of the round."""
    data = {"version": suggestion.version}
    for part in suggestion.assignments.filter(round=suggestion.round, status="done"):
        data |= {f"value_{part.pk}": value, f"comment_{part.pk}": comment}
    return data


class TestRating:
    def test_the_author_sees_the_reply_and_its_signed_document(self, client, flow):
        suggestion = flow.replied(reply_class="B")
        client.force_login(flow.author)
        body = page_text(client.get(detail_url(suggestion)))
        reply = Reply.objects.get()
        assert "区交通运输局" in body and "2027-06-30" in body
        assert reverse("reply_document", args=[reply.pk]) in body and 'id="rate"' in body

    def test_unsatisfied_through_the_page_sends_it_back_for_a_second_round(self, client, flow):
        suggestion = flow.replied()
        client.force_login(flow.author)
        response = client.post(
            action_url(suggestion, "rate"),
            rating(suggestion, "unsatisfied", comment="问题没有解决"),
        )
        assert response.status_code == 302
        suggestion.refresh_from_db()
        assert (suggestion.status, suggestion.round) == ("assigned", 2)
        assert Evaluation.objects.get().value == "unsatisfied"

    def test_satisfied_through_the_page_closes_it(self, client, flow):
        suggestion = flow.replied()
        client.force_login(flow.author)
        client.post(action_url(suggestion, "rate"), rating(suggestion, "satisfied"))
        suggestion.refresh_from_db()
        assert suggestion.status == "closed" and suggestion.closed_at is not None

    def test_unsatisfied_without_a_reason_is_sent_back_to_the_form(self, client, flow):
        suggestion = flow.replied()
        client.force_login(flow.author)
        response = client.post(action_url(suggestion, "rate"), rating(suggestion, "unsatisfied"))
        assert response.status_code == 200 and "请说明理由" in page_text(response)
        suggestion.refresh_from_db()
        assert suggestion.status == "replied" and not Evaluation.objects.exists()

    def test_rating_by_a_cosigner_is_refused(self, client, flow, cosigner):
        suggestion = flow.replied()
        # Co-signing closes at registration; the row stands in for an invitation accepted while it was open.
        CoSigner.objects.create(suggestion=suggestion, deputy=cosigner.deputy, status=CoSigner.Status.ACCEPTED)
        client.force_login(cosigner)
        assert 'id="rate"' not in page_text(client.get(detail_url(suggestion)))
        response = client.post(action_url(suggestion, "rate"), rating(suggestion, "satisfied"), follow=True)
        assert "只有领衔代表可以评价答复" in page_text(response)
        suggestion.refresh_from_db()
        assert suggestion.status == "replied" and not Evaluation.objects.exists()


class TestHomePanel:
    def test_the_home_page_counts_invitations_replies_to_rate_and_drafts(self, client, flow, cosigner):
        flow.replied()
        invited = flow.draft(title="请联名的草稿")
        services.cosigners_invite(suggestion=invited, deputies=[cosigner.deputy], by=flow.author)
        client.force_login(cosigner)
        body = page_text(client.get(reverse("me:home")))
        assert "待我确认的联名邀请" in body and reverse("me:suggestions") + "?tab=invited" in body
        client.force_login(flow.author)
        response = client.get(reverse("me:home"))
        assert response.status_code == 200
        panel = page_text(response).split("代表建议", 1)[1]
        assert "?tab=mine&amp;status=replied" in panel and "?tab=mine&amp;status=draft" in panel


def many_suggestions(author, congress, cosigner, rows):
    for n in range(rows):
        SuggestionFactory(congress=congress, deputy=author.deputy, title=f"领衔建议{n}")
        other = SuggestionFactory(congress=congress, deputy=DeputyFactory(), title=f"联名建议{n}")
        CoSigner.objects.create(suggestion=other, deputy=author.deputy, status=CoSigner.Status.ACCEPTED)
        invited = SuggestionFactory(congress=congress, deputy=DeputyFactory(), title=f"邀请建议{n}")
        CoSigner.objects.create(suggestion=invited, deputy=author.deputy)


def a_busy_suggestion(flow, rows):
    """A suggestion with ``rows`` co-signers, attachments and handling parts, each part with a reply and a log."""
    suggestion = SuggestionFactory(
        congress=flow.congress, deputy=flow.author.deputy, status=Suggestion.Status.REPLIED, number=1
    )
    for n in range(rows):
        deputy = DeputyUserFactory().deputy
        CoSigner.objects.create(suggestion=suggestion, deputy=deputy, status=CoSigner.Status.ACCEPTED)
        Attachment.objects.create(
            suggestion=suggestion,
            file=f"attachments/x{n}.pdf",
            original_name=f"附件{n}.pdf",
            content_type="application/pdf",
            extension="pdf",
            size=100,
        )
        part = AssignmentFactory(
            suggestion=suggestion,
            unit=HandlingUnitFactory(),
            role=Assignment.Role.SPLIT,
            status=Assignment.Status.DONE,
        )
        ContactLog.objects.create(
            assignment=part, stage="before", method="phone", date=datetime.date(2026, 1, 5), note="电话沟通"
        )
        Reply.objects.create(assignment=part, reply_class="A", text="已解决", document=f"attachments/r{n}.pdf")
    return suggestion


class TestQueryCounts:
    @pytest.mark.parametrize("rows", [3, 30])
    @pytest.mark.parametrize("tab", ["mine", "cosigned", "invited"])
    def test_each_list_tab_takes_the_same_queries_for_3_or_30_rows(
        self, client, congress, author, cosigner, rows, tab, django_assert_max_num_queries
    ):
        many_suggestions(author, congress, cosigner, rows)
        client.force_login(author)
        with django_assert_max_num_queries(6):
            response = client.get(reverse("me:suggestions"), {"tab": tab})
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == min(rows, 25)

    @pytest.mark.parametrize("rows", [3, 30])
    def test_the_detail_page_takes_the_same_queries_for_3_or_30_cosigners_files_and_parts(
        self, client, flow, rows, django_assert_max_num_queries
    ):
        suggestion = a_busy_suggestion(flow, rows)
        client.force_login(flow.author)
        with django_assert_max_num_queries(12):
            response = client.get(detail_url(suggestion))
        assert response.status_code == 200
        assert page_text(response).count("附件") >= rows
