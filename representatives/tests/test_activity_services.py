import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from representatives import services
from representatives.audit import timeline
from representatives.models import ActivityAttachment, ActivityKind, ActivityRecord, Membership, StateLog
from representatives.tests.factories import ActivityRecordFactory, MembershipFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def new_activity(deputy, by, **overrides):
    fields: dict[str, Any] = {
        "kind": ActivityKind.RESEARCH,
        "date": datetime.date(2025, 4, 1),
        "place": "白沙",
        "description": "调研",
    }
    fields.update(overrides)
    return services.activity_create(deputy=deputy, by=by, **fields)


@pytest.mark.django_db
class TestActivityCreate:
    def test_a_new_record_is_pending_and_starts_its_timeline(self, deputy_user_a):
        record = new_activity(deputy_user_a.deputy, deputy_user_a)
        assert record.status == ActivityRecord.Status.PENDING
        assert [(s.from_state, s.to_state) for s in timeline(record)] == [("", "pending")]

    def test_a_report_to_voters_needs_the_number_of_voters(self, deputy_user_a):
        with pytest.raises(ValidationError) as exc:
            new_activity(deputy_user_a.deputy, deputy_user_a, kind=ActivityKind.REPORT_TO_VOTERS)
        assert "voters_attended" in exc.value.error_dict
        assert ActivityRecord.objects.count() == 0

    def test_voter_figures_are_refused_on_other_kinds(self, deputy_user_a):
        with pytest.raises(ValidationError):
            new_activity(deputy_user_a.deputy, deputy_user_a, voters_attended=30)

    def test_a_future_date_is_refused(self, deputy_user_a):
        with pytest.raises(ValidationError):
            new_activity(deputy_user_a.deputy, deputy_user_a, date=datetime.date.today() + datetime.timedelta(days=2))

    def test_a_pdf_attachment_is_stored_under_a_random_name(self, deputy_user_a):
        upload = SimpleUploadedFile("../../etc/报告.pdf", PDF_BYTES, content_type="application/pdf")
        record = services.activity_create(
            deputy=deputy_user_a.deputy,
            by=deputy_user_a,
            files=[upload],
            kind=ActivityKind.RESEARCH,
            date=datetime.date(2025, 4, 1),
            place="白沙",
            description="调研",
        )
        attachment = record.attachments.get()
        assert attachment.content_type == "application/pdf"
        assert ".." not in attachment.file.name and attachment.file.name.endswith(".pdf")
        assert attachment.original_name == "报告.pdf"

    def test_a_file_that_only_claims_to_be_a_pdf_writes_nothing(self, deputy_user_a):
        upload = SimpleUploadedFile("evil.pdf", b"<script>alert(1)</script>", content_type="application/pdf")
        with pytest.raises(ValidationError):
            services.activity_create(
                deputy=deputy_user_a.deputy,
                by=deputy_user_a,
                files=[upload],
                kind=ActivityKind.RESEARCH,
                date=datetime.date(2025, 4, 1),
                place="白沙",
                description="调研",
            )
        assert ActivityRecord.objects.count() == 0
        assert ActivityAttachment.objects.count() == 0
        assert StateLog.objects.count() == 0

    def test_an_oversized_attachment_is_refused(self, deputy_user_a, settings):
        settings.ATTACHMENT_MAX_BYTES = 10
        upload = SimpleUploadedFile("big.pdf", PDF_BYTES, content_type="application/pdf")
        with pytest.raises(ValidationError, match="大小上限"):
            services.activity_create(
                deputy=deputy_user_a.deputy,
                by=deputy_user_a,
                files=[upload],
                kind=ActivityKind.RESEARCH,
                date=datetime.date(2025, 4, 1),
                place="白沙",
                description="调研",
            )


@pytest.mark.django_db
class TestActivityReview:
    def test_staff_of_the_region_confirm_a_pending_record(self, staff_a, deputy_a):
        record = ActivityRecordFactory(deputy=deputy_a)
        services.activity_confirm(record=record, by=staff_a)
        record.refresh_from_db()
        assert record.status == ActivityRecord.Status.CONFIRMED
        assert record.reviewed_by == staff_a
        assert timeline(record)[-1].to_state == "confirmed"

    def test_staff_of_another_county_cannot_confirm(self, staff_b, deputy_a):
        record = ActivityRecordFactory(deputy=deputy_a)
        with pytest.raises(services.TransitionError):
            services.activity_confirm(record=record, by=staff_b)
        record.refresh_from_db()
        assert record.status == ActivityRecord.Status.PENDING

    def test_city_staff_review_their_counties_records(self, city_staff, deputy_a):
        record = ActivityRecordFactory(deputy=deputy_a)
        services.activity_confirm(record=record, by=city_staff)
        assert ActivityRecord.objects.get(pk=record.pk).status == "confirmed"

    def test_a_deputy_cannot_confirm_their_own_record(self, deputy_user_a):
        record = ActivityRecordFactory(deputy=deputy_user_a.deputy)
        with pytest.raises(services.TransitionError):
            services.activity_confirm(record=record, by=deputy_user_a)

    def test_returning_needs_a_reason(self, staff_a, deputy_a):
        record = ActivityRecordFactory(deputy=deputy_a)
        with pytest.raises(services.TransitionError, match="理由"):
            services.activity_return(record=record, by=staff_a, reason="  ")
        assert ActivityRecord.objects.get(pk=record.pk).status == "pending"

    def test_a_returned_record_keeps_the_reason_in_its_timeline(self, staff_a, deputy_a):
        record = ActivityRecordFactory(deputy=deputy_a)
        services.activity_return(record=record, by=staff_a, reason="缺少照片")
        record.refresh_from_db()
        assert (record.status, record.return_reason) == ("returned", "缺少照片")
        assert timeline(record)[-1].note == "缺少照片"

    def test_a_confirmed_record_cannot_be_confirmed_or_returned_again(self, staff_a, deputy_a):
        record = ActivityRecordFactory(deputy=deputy_a, status="confirmed")
        with pytest.raises(services.TransitionError):
            services.activity_confirm(record=record, by=staff_a)
        with pytest.raises(services.TransitionError):
            services.activity_return(record=record, by=staff_a, reason="x")


@pytest.mark.django_db
class TestActivityUpdate:
    def test_the_deputy_edits_a_returned_record_and_it_goes_back_to_pending(self, deputy_user_a):
        record = ActivityRecordFactory(deputy=deputy_user_a.deputy, status="returned", return_reason="补充")
        services.activity_update(record=record, by=deputy_user_a, place="新地点")
        record.refresh_from_db()
        assert (record.status, record.place, record.return_reason) == ("pending", "新地点", "")

    def test_a_confirmed_record_cannot_be_edited(self, deputy_user_a):
        record = ActivityRecordFactory(deputy=deputy_user_a.deputy, status="confirmed")
        with pytest.raises(services.TransitionError):
            services.activity_update(record=record, by=deputy_user_a, place="改了")
        assert ActivityRecord.objects.get(pk=record.pk).place != "改了"

    def test_another_deputy_cannot_edit_the_record(self, deputy_user_a):
        other = ActivityRecordFactory()
        with pytest.raises(services.TransitionError):
            services.activity_update(record=other, by=deputy_user_a, place="改了")


@pytest.mark.django_db
class TestMembershipEnd:
    def test_staff_record_a_resignation_with_its_date(self, staff_a, deputy_a):
        membership = MembershipFactory(deputy=deputy_a)
        services.membership_end(membership=membership, status="resigned", on=datetime.date(2025, 6, 1), by=staff_a)
        membership.refresh_from_db()
        assert (membership.status, membership.status_date) == ("resigned", datetime.date(2025, 6, 1))

    def test_a_seat_that_already_ended_cannot_end_again(self, staff_a, deputy_a):
        membership = MembershipFactory(deputy=deputy_a, status="terminated", status_date=datetime.date(2025, 1, 1))
        with pytest.raises(services.TransitionError):
            services.membership_end(membership=membership, status="resigned", on=datetime.date(2025, 6, 1), by=staff_a)

    def test_staff_of_another_county_cannot_end_the_seat(self, staff_b, deputy_a):
        membership = MembershipFactory(deputy=deputy_a)
        with pytest.raises(services.TransitionError):
            services.membership_end(membership=membership, status="resigned", on=datetime.date(2025, 6, 1), by=staff_b)
        assert Membership.objects.get(pk=membership.pk).status == "serving"
