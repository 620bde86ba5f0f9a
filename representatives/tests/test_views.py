import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from representatives import services, tallies
from representatives.models import ActivityRecord, Membership
from representatives.tests.factories import (
    ActivityRecordFactory,
    ClerkFactory,
    DeputyFactory,
    DeputyUserFactory,
    LeaderFactory,
    MembershipFactory,
    UserFactory,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def serving_a(deputy_a):
    MembershipFactory(deputy=deputy_a)
    return deputy_a


def login(client, user):
    client.force_login(user)
    return client


# Public pages ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestPublicPages:
    def test_the_public_profile_shows_public_fields_and_hides_private_ones(self, client, serving_a):
        serving_a.phone_public = False
        serving_a.save()
        response = client.get(reverse("public:deputy", args=[serving_a.public_id]))
        body = response.content.decode()
        assert response.status_code == 200
        assert serving_a.name in body and serving_a.work_unit in body
        for private in (serving_a.phone, serving_a.id_number, serving_a.home_address):
            assert private not in body

    def test_a_published_phone_is_shown(self, client, serving_a):
        serving_a.phone_public = True
        serving_a.save()
        assert serving_a.phone in client.get(reverse("public:deputy", args=[serving_a.public_id])).content.decode()

    def test_a_deputy_with_no_serving_seat_has_no_public_profile(self, client, deputy_a):
        MembershipFactory(deputy=deputy_a, status="resigned", status_date=datetime.date(2024, 1, 1))
        assert client.get(reverse("public:deputy", args=[deputy_a.public_id])).status_code == 404

    def test_the_qr_code_is_an_svg_linking_to_the_profile(self, client, serving_a):
        response = client.get(reverse("public:deputy_qr", args=[serving_a.public_id]))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
        assert response.content.startswith(b"<svg")

    def test_the_contact_card_prints_the_name_and_a_qr_code(self, client, serving_a):
        body = client.get(reverse("public:deputy_card", args=[serving_a.public_id])).content.decode()
        assert serving_a.name in body and "<svg" in body and serving_a.id_number not in body

    def test_the_public_directory_filters_by_name(self, client, serving_a):
        other = DeputyFactory(name="李四")
        MembershipFactory(deputy=other)
        body = client.get(reverse("public:directory"), {"q": "张"}).content.decode()
        assert "张三" in body and "李四" not in body

    def test_the_public_directory_never_shows_private_data(self, client, serving_a):
        body = client.get(reverse("public:directory")).content.decode()
        assert serving_a.phone not in body and serving_a.id_number not in body

    def test_an_invalid_filter_value_is_a_form_error_not_a_crash(self, client, serving_a):
        response = client.get(reverse("public:directory"), {"region": "abc", "level": "9"})
        assert response.status_code == 200

    @pytest.mark.parametrize("rows", [10, 200])
    def test_the_public_directory_runs_a_constant_number_of_queries(
        self, client, regions, rows, django_assert_max_num_queries
    ):
        for membership in MembershipFactory.create_batch(rows, deputy__region=regions.town_a):
            assert membership.status == Membership.Status.SERVING
        with django_assert_max_num_queries(8):
            response = client.get(reverse("public:directory"))
        assert response.status_code == 200


# The deputy's own pages -------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestDeputyPages:
    def test_anonymous_visitors_are_sent_to_login(self, client):
        response = client.get(reverse("me:home"))
        assert response.status_code == 302 and reverse("login") in response["Location"]

    @pytest.mark.parametrize("factory", [UserFactory, ClerkFactory])
    def test_accounts_without_a_deputy_are_refused(self, client, factory):
        login(client, factory())
        assert client.get(reverse("me:home")).status_code == 403

    def test_staff_are_refused_from_the_deputy_pages(self, client, staff_a):
        login(client, staff_a)
        assert client.get(reverse("me:activity_new")).status_code == 403

    def test_the_deputy_logs_an_activity_with_an_attachment(self, client, deputy_user_a):
        login(client, deputy_user_a)
        response = client.post(
            reverse("me:activity_new"),
            {
                "kind": "research",
                "date": "2025-05-01",
                "place": "白沙街道",
                "description": "调研老旧小区改造",
                "attachments": SimpleUploadedFile("照片.pdf", PDF_BYTES),
            },
        )
        record = ActivityRecord.objects.get()
        assert response.status_code == 302
        assert record.deputy == deputy_user_a.deputy and record.status == "pending"
        assert record.attachments.count() == 1
        assert "待确认" in client.get(reverse("me:home")).content.decode()

    def test_bad_input_shows_the_error_and_writes_nothing(self, client, deputy_user_a):
        login(client, deputy_user_a)
        response = client.post(
            reverse("me:activity_new"),
            {"kind": "report", "date": "2025-05-01", "place": "x", "description": "述职"},
        )
        assert response.status_code == 200
        assert "选民人数" in response.content.decode()
        assert ActivityRecord.objects.count() == 0

    def test_a_disguised_attachment_is_refused_with_a_message(self, client, deputy_user_a):
        login(client, deputy_user_a)
        response = client.post(
            reverse("me:activity_new"),
            {
                "kind": "research",
                "date": "2025-05-01",
                "place": "x",
                "description": "y",
                "attachments": SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf"),
            },
        )
        assert "类型不受支持" in response.content.decode()
        assert ActivityRecord.objects.count() == 0

    def test_a_deputy_cannot_open_another_deputys_record(self, client, deputy_user_a):
        other = ActivityRecordFactory()
        login(client, deputy_user_a)
        assert client.get(reverse("me:activity", args=[other.pk])).status_code == 404
        assert client.get(reverse("me:activity_edit", args=[other.pk])).status_code == 404

    def test_a_confirmed_record_cannot_be_edited_through_the_page(self, client, deputy_user_a):
        record = ActivityRecordFactory(deputy=deputy_user_a.deputy, status="confirmed")
        login(client, deputy_user_a)
        response = client.post(
            reverse("me:activity_edit", args=[record.pk]),
            {"kind": "research", "date": "2025-05-01", "place": "改", "description": "改"},
        )
        assert response.status_code == 302
        record.refresh_from_db()
        assert record.place != "改"

    def test_the_deputy_sees_their_own_private_data(self, client, deputy_user_a):
        login(client, deputy_user_a)
        MembershipFactory(deputy=deputy_user_a.deputy)
        assert deputy_user_a.deputy.phone in client.get(reverse("me:home")).content.decode()

    @pytest.mark.parametrize("rows", [10, 200])
    def test_the_deputy_home_runs_a_constant_number_of_queries(
        self, client, deputy_user_a, rows, django_assert_max_num_queries
    ):
        MembershipFactory(deputy=deputy_user_a.deputy)
        ActivityRecordFactory.create_batch(rows, deputy=deputy_user_a.deputy)
        login(client, deputy_user_a)
        # 14 before the motions and 民生实事 panels; each of those two reads its figures in one query.
        with django_assert_max_num_queries(16):
            assert client.get(reverse("me:home")).status_code == 200


# Staff pages --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestStaffPages:
    @pytest.mark.parametrize("name", ["staff:home", "staff:directory", "staff:activities"])
    def test_deputies_and_clerks_are_refused(self, client, deputy_user_a, name):
        login(client, deputy_user_a)
        assert client.get(reverse(name)).status_code == 403
        login(client, ClerkFactory())
        assert client.get(reverse(name)).status_code == 403

    def test_staff_of_county_a_do_not_see_county_b(self, client, staff_a, regions):
        DeputyFactory(region=regions.town_a, name="甲县代表")
        DeputyFactory(region=regions.town_b, name="乙县代表")
        login(client, staff_a)
        body = client.get(reverse("staff:directory")).content.decode()
        assert "甲县代表" in body and "乙县代表" not in body

    def test_city_staff_see_both_counties(self, client, city_staff, regions):
        DeputyFactory(region=regions.town_a, name="甲县代表")
        DeputyFactory(region=regions.town_b, name="乙县代表")
        login(client, city_staff)
        body = client.get(reverse("staff:directory")).content.decode()
        assert "甲县代表" in body and "乙县代表" in body

    def test_another_countys_deputy_is_a_404(self, client, staff_b, deputy_a):
        login(client, staff_b)
        assert client.get(reverse("staff:deputy", args=[deputy_a.pk])).status_code == 404

    def test_staff_see_private_fields_of_their_deputies(self, client, staff_a, deputy_a):
        login(client, staff_a)
        body = client.get(reverse("staff:deputy", args=[deputy_a.pk])).content.decode()
        assert deputy_a.id_number in body and deputy_a.home_address in body

    def test_leaders_see_the_deputy_with_private_fields_masked(self, client, regions, deputy_a):
        login(client, LeaderFactory(region=regions.county_a))
        body = client.get(reverse("staff:deputy", args=[deputy_a.pk])).content.decode()
        assert deputy_a.name in body
        assert deputy_a.id_number not in body and deputy_a.phone not in body
        assert "138****5678" in body

    def test_the_directory_filters_by_level_and_status(self, client, staff_a, regions):
        serving = MembershipFactory(deputy__region=regions.town_a, deputy__name="在任者", congress__level=4)
        MembershipFactory(
            deputy__region=regions.town_a,
            deputy__name="辞职者",
            congress=serving.congress,
            status="resigned",
            status_date=datetime.date(2025, 1, 1),
        )
        login(client, staff_a)
        body = client.get(reverse("staff:directory"), {"status": "resigned", "level": "4"}).content.decode()
        assert "辞职者" in body and "在任者" not in body

    def test_the_directory_filters_by_group(self, client, staff_a, regions):
        from representatives.tests.factories import GroupFactory

        group = GroupFactory(region=regions.town_a)
        MembershipFactory(deputy__region=regions.town_a, deputy__name="组员", representative_group=group)
        MembershipFactory(deputy__region=regions.town_a, deputy__name="非组员")
        login(client, staff_a)
        body = client.get(reverse("staff:directory"), {"group": group.pk}).content.decode()
        assert "组员" in body and "非组员" not in body

    def test_the_activity_list_exports_the_filtered_rows_to_xlsx(self, client, staff_a, deputy_a, regions):
        ActivityRecordFactory(deputy=deputy_a, place="甲地")
        ActivityRecordFactory(deputy=DeputyFactory(region=regions.town_b), place="乙地")
        login(client, staff_a)
        response = client.get(reverse("staff:activities"), {"export": "xlsx"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        import io

        import openpyxl

        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        places = {cell.value for row in sheet.iter_rows() for cell in row}
        assert "甲地" in places and "乙地" not in places

    def test_staff_confirm_through_the_page(self, client, staff_a, deputy_a):
        record = ActivityRecordFactory(deputy=deputy_a)
        login(client, staff_a)
        client.post(reverse("staff:activity_confirm", args=[record.pk]))
        assert ActivityRecord.objects.get(pk=record.pk).status == "confirmed"

    @pytest.mark.parametrize(
        ("next_url", "lands_on_next"),
        [("/staff/activities/?status=pending", True), ("https://evil.example/", False), ("//evil.example/", False)],
    )
    def test_confirm_goes_back_only_to_a_page_of_this_site(self, client, staff_a, deputy_a, next_url, lands_on_next):
        record = ActivityRecordFactory(deputy=deputy_a)
        login(client, staff_a)
        response = client.post(reverse("staff:activity_confirm", args=[record.pk]), {"next": next_url})
        expected = next_url if lands_on_next else reverse("staff:activity", args=[record.pk])
        assert response.status_code == 302 and response["Location"] == expected

    def test_staff_return_with_a_reason_through_the_page(self, client, staff_a, deputy_a):
        record = ActivityRecordFactory(deputy=deputy_a)
        login(client, staff_a)
        client.post(reverse("staff:activity_return", args=[record.pk]), {"reason": "请补充照片"})
        assert ActivityRecord.objects.get(pk=record.pk).return_reason == "请补充照片"

    def test_a_return_without_a_reason_changes_nothing(self, client, staff_a, deputy_a):
        record = ActivityRecordFactory(deputy=deputy_a)
        login(client, staff_a)
        client.post(reverse("staff:activity_return", args=[record.pk]), {"reason": ""})
        assert ActivityRecord.objects.get(pk=record.pk).status == "pending"

    def test_leaders_read_but_cannot_confirm(self, client, regions, deputy_a):
        record = ActivityRecordFactory(deputy=deputy_a)
        login(client, LeaderFactory(region=regions.county_a))
        assert client.get(reverse("staff:activity", args=[record.pk])).status_code == 200
        assert client.post(reverse("staff:activity_confirm", args=[record.pk])).status_code == 403
        assert ActivityRecord.objects.get(pk=record.pk).status == "pending"

    def test_staff_of_another_county_cannot_confirm_through_the_page(self, client, staff_b, deputy_a):
        record = ActivityRecordFactory(deputy=deputy_a)
        login(client, staff_b)
        assert client.post(reverse("staff:activity_confirm", args=[record.pk])).status_code == 404
        assert ActivityRecord.objects.get(pk=record.pk).status == "pending"

    @pytest.mark.parametrize("rows", [10, 200])
    def test_staff_lists_run_a_constant_number_of_queries(
        self, client, staff_a, regions, rows, django_assert_max_num_queries
    ):
        for membership in MembershipFactory.create_batch(rows, deputy__region=regions.town_a):
            ActivityRecordFactory(deputy=membership.deputy)
        tallies.flush()  # the start page's counts are counted again with the changes, not by the page
        login(client, staff_a)
        for name in ("staff:directory", "staff:activities"):
            with django_assert_max_num_queries(12):
                assert client.get(reverse(name)).status_code == 200
        # The start page is the work queue: one count per queue, whatever the data (congress/tests/test_work_queue).
        with django_assert_max_num_queries(20):
            assert client.get(reverse("staff:home")).status_code == 200


# Attachments --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestAttachments:
    @pytest.fixture
    def attachment(self, deputy_user_a):
        record = services.activity_create(
            deputy=deputy_user_a.deputy,
            by=deputy_user_a,
            files=[SimpleUploadedFile("a.pdf", PDF_BYTES)],
            kind="research",
            date=datetime.date(2025, 5, 1),
            place="x",
            description="y",
        )
        return record.attachments.get()

    def test_the_owner_downloads_it_with_safe_headers(self, client, deputy_user_a, attachment):
        login(client, deputy_user_a)
        response = client.get(reverse("activity_attachment", args=[attachment.pk]))
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content) == PDF_BYTES
        response.close()

    def test_staff_of_the_region_download_it(self, client, staff_a, attachment):
        login(client, staff_a)
        response = client.get(reverse("activity_attachment", args=[attachment.pk]))
        response.close()
        assert response.status_code == 200

    @pytest.mark.parametrize("who", ["anonymous", "other_deputy", "other_staff", "clerk"])
    def test_everyone_else_gets_a_404(self, client, staff_b, attachment, who):
        if who == "other_deputy":
            login(client, DeputyUserFactory())
        elif who == "other_staff":
            login(client, staff_b)
        elif who == "clerk":
            login(client, ClerkFactory())
        assert client.get(reverse("activity_attachment", args=[attachment.pk])).status_code == 404


@pytest.mark.django_db
def test_home_sends_each_role_to_its_start_page(client, staff_a, deputy_user_a):
    assert client.get(reverse("home")).status_code == 200
    login(client, staff_a)
    assert client.get(reverse("home"))["Location"] == reverse("staff:home")
    login(client, deputy_user_a)
    assert client.get(reverse("home"))["Location"] == reverse("me:home")


@pytest.mark.django_db
def test_the_english_translation_switches_the_interface(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Find a deputy" in client.get(reverse("public:directory")).content.decode()


@pytest.mark.django_db
def test_seat_filters_hold_for_the_same_seat(client, staff_a, regions):
    from representatives.tests.factories import CongressFactory

    county = CongressFactory(region=regions.county_a, level=4)
    town = CongressFactory(region=regions.town_a, level=5)
    mixed = DeputyFactory(region=regions.town_a, name="混合者")
    MembershipFactory(deputy=mixed, congress=county, election="indirect")
    MembershipFactory(
        deputy=mixed, congress=town, election="direct", status="resigned", status_date=datetime.date(2025, 1, 1)
    )
    direct = DeputyFactory(region=regions.town_a, name="直选者")
    MembershipFactory(deputy=direct, congress=town, election="direct")
    client.force_login(staff_a)
    body = client.get(reverse("staff:directory"), {"status": "serving", "election": "direct"}).content.decode()
    assert "直选者" in body and "混合者" not in body
