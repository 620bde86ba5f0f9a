import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from representatives.models import ActivityRecord, Deputy, Membership, Region, Role, StateLog, User
from representatives.services import activity_confirm
from representatives.tests.conftest import FEMALE_ID_NUMBER, roster_row, roster_upload
from representatives.tests.factories import (
    ActivityRecordFactory,
    ClerkFactory,
    CongressFactory,
    DeputyFactory,
    DeputyUserFactory,
    GroupFactory,
    HandlingUnitFactory,
    LeaderFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "region",
    "handlingunit",
    "user",
    "congress",
    "group",
    "deputy",
    "membership",
    "activityrecord",
    "statelog",
]


def changelist(model_name):
    return reverse(f"admin:representatives_{model_name}_changelist")


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def staff_client(client, staff_a):
    client.force_login(staff_a)
    return client


@pytest.fixture
def two_counties(regions, congress_a, congress_b):
    """A deputy with a seat and a pending activity in each county."""
    deputy_a = DeputyFactory(region=regions.town_a, name="甲县代表", code="A001")
    deputy_b = DeputyFactory(region=regions.town_b, name="乙县代表", code="B001")
    MembershipFactory(deputy=deputy_a, congress=congress_a)
    MembershipFactory(deputy=deputy_b, congress=congress_b)
    return type(
        "TwoCounties",
        (),
        {
            "deputy_a": deputy_a,
            "deputy_b": deputy_b,
            "activity_a": ActivityRecordFactory(deputy=deputy_a),
            "activity_b": ActivityRecordFactory(deputy=deputy_b),
        },
    )


# --- who may enter ------------------------------------------------------------------------------------


@pytest.mark.parametrize("model_name", CHANGELISTS)
def test_office_staff_can_open_every_admin_list(staff_client, two_counties, model_name):
    response = staff_client.get(changelist(model_name))

    assert response.status_code == 200


@pytest.mark.parametrize("model_name", CHANGELISTS)
def test_a_superuser_can_open_every_admin_list(client, two_counties, model_name):
    client.force_login(UserFactory(is_superuser=True))

    assert client.get(changelist(model_name)).status_code == 200


@pytest.mark.parametrize("make_user", ["deputy", "clerk", "leader"])
@pytest.mark.parametrize("model_name", ["deputy", "membership", "activityrecord", "user"])
def test_deputies_clerks_and_leaders_are_kept_out_of_the_admin(client, regions, deputy_user_a, make_user, model_name):
    user = {
        "deputy": lambda: deputy_user_a,
        "clerk": lambda: ClerkFactory(unit=HandlingUnitFactory(region=regions.county_a)),
        "leader": lambda: LeaderFactory(region=regions.city),
    }[make_user]()
    client.force_login(user)

    response = client.get(changelist(model_name))

    assert response.status_code in (302, 403)
    assert "/admin/login/" in response.get("Location", "/admin/login/")


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(changelist("deputy"))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- region scope -------------------------------------------------------------------------------------


def test_staff_of_county_a_do_not_see_county_b_deputies(staff_client, two_counties):
    response = staff_client.get(changelist("deputy"))

    assert list(response.context["cl"].result_list) == [two_counties.deputy_a]
    assert "乙县代表" not in response.content.decode()


def test_staff_of_county_a_cannot_open_a_county_b_deputy(staff_client, two_counties):
    url = reverse("admin:representatives_deputy_change", args=[two_counties.deputy_b.pk])

    response = staff_client.get(url)

    assert response.status_code == 302
    assert "乙县代表" not in staff_client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("model_name", "visible", "hidden"),
    [
        ("membership", "甲县代表", "乙县代表"),
        ("activityrecord", "甲县代表", "乙县代表"),
        ("congress", "蓬江区第十六届", "台山市第十六届"),
        ("region", "白沙街道", "台城街道"),
    ],
)
def test_each_list_is_cut_to_the_staff_members_region(staff_client, two_counties, model_name, visible, hidden):
    content = staff_client.get(changelist(model_name)).content.decode()

    assert visible in content
    assert hidden not in content


def test_city_staff_see_both_counties(client, city_staff, two_counties):
    client.force_login(city_staff)

    response = client.get(changelist("deputy"))

    assert set(response.context["cl"].result_list) == {two_counties.deputy_a, two_counties.deputy_b}


def test_region_choices_on_a_new_deputy_are_the_staff_members_subtree(staff_client, regions):
    response = staff_client.get(reverse("admin:representatives_deputy_add"))

    choices = set(response.context["adminform"].form.fields["region"].queryset)
    assert choices == {regions.county_a, regions.town_a}


def test_staff_cannot_create_a_deputy_in_another_county(staff_client, regions):
    response = staff_client.post(
        reverse("admin:representatives_deputy_add"),
        {
            "code": "X1",
            "name": "越界",
            "gender": "M",
            "ethnicity": "汉族",
            "region": regions.town_b.pk,
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "region" in response.context["adminform"].form.errors
    assert not Deputy.objects.filter(code="X1").exists()


def test_staff_can_create_a_deputy_with_a_seat_in_their_county(staff_client, regions, congress_a):
    response = staff_client.post(
        reverse("admin:representatives_deputy_add"),
        {
            "code": "X2",
            "name": "新代表",
            "gender": "F",
            "ethnicity": "汉族",
            "region": regions.town_a.pk,
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-congress": congress_a.pk,
            "memberships-0-election": "direct",
            "memberships-0-status": "serving",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Membership.objects.get(deputy__code="X2").congress == congress_a


def test_a_seat_cannot_be_given_in_another_countys_congress(staff_client, two_counties, congress_b):
    deputy = two_counties.deputy_a
    response = staff_client.post(
        reverse("admin:representatives_membership_add"),
        {"deputy": deputy.pk, "congress": congress_b.pk, "election": "direct", "status": "serving"},
    )

    assert response.status_code == 200
    assert "congress" in response.context["adminform"].form.errors
    assert not Membership.objects.filter(deputy=deputy, congress=congress_b).exists()


def test_staff_cannot_move_their_own_region(staff_client, staff_a, regions):
    url = reverse("admin:representatives_region_change", args=[regions.county_a.pk])

    response = staff_client.post(url, {"name": "改名"})

    assert response.status_code == 403
    regions.county_a.refresh_from_db()
    assert regions.county_a.name == "蓬江区"


def test_staff_may_add_a_township_under_their_county(staff_client, regions):
    response = staff_client.post(
        reverse("admin:representatives_region_add"),
        {"code": "440703002", "name": "潮连街道", "level": Region.Level.TOWNSHIP, "parent": regions.county_a.pk},
    )

    assert response.status_code == 302
    assert Region.objects.get(code="440703002").path == "44/4407/440703/440703002/"


def test_staff_cannot_add_a_region_without_a_parent(staff_client):
    response = staff_client.post(
        reverse("admin:representatives_region_add"),
        {"code": "45", "name": "广西壮族自治区", "level": Region.Level.PROVINCE},
    )

    assert response.status_code == 200
    assert not Region.objects.filter(code="45").exists()


# --- accounts -----------------------------------------------------------------------------------------


def _new_user_form(**fields):
    data = {"username": "new-user", "usable_password": "true", "password1": "Zz-9876-long", "password2": "Zz-9876-long"}
    data.update(fields)
    return data


def test_staff_can_create_a_deputy_account_for_a_deputy_in_their_county(staff_client, two_counties):
    response = staff_client.post(
        reverse("admin:representatives_user_add"),
        _new_user_form(role=Role.DEPUTY, deputy=two_counties.deputy_a.pk),
    )

    assert response.status_code == 302
    user = User.objects.get(username="new-user")
    assert (user.role, user.deputy, user.is_staff, user.is_superuser) == (
        Role.DEPUTY,
        two_counties.deputy_a,
        False,
        False,
    )


def test_staff_cannot_create_an_account_for_another_countys_deputy(staff_client, two_counties):
    response = staff_client.post(
        reverse("admin:representatives_user_add"),
        _new_user_form(role=Role.DEPUTY, deputy=two_counties.deputy_b.pk),
    )

    assert response.status_code == 200
    assert not User.objects.filter(username="new-user").exists()


@pytest.mark.parametrize("role", [Role.LEADER, ""])
def test_staff_cannot_hand_out_the_leader_role_or_no_role(staff_client, regions, role):
    response = staff_client.post(
        reverse("admin:representatives_user_add"), _new_user_form(role=role, region=regions.county_a.pk)
    )

    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors


def test_staff_cannot_make_anyone_a_superuser(staff_client, staff_a, regions):
    colleague = UserFactory(role=Role.STAFF, region=regions.town_a, username="colleague")
    url = reverse("admin:representatives_user_change", args=[colleague.pk])
    form = staff_client.get(url).context["adminform"].form
    assert "is_superuser" not in form.fields
    assert "user_permissions" not in form.fields

    staff_client.post(
        url,
        {
            "username": "colleague",
            "role": Role.STAFF,
            "region": regions.town_a.pk,
            "is_active": "on",
            "is_superuser": "on",
        },
    )

    colleague.refresh_from_db()
    assert not colleague.is_superuser


def test_staff_can_read_but_not_change_a_leader_account(staff_client, regions):
    leader = LeaderFactory(region=regions.county_a, username="leader")
    url = reverse("admin:representatives_user_change", args=[leader.pk])

    assert staff_client.get(url).status_code == 200
    assert staff_client.post(url, {"username": "renamed"}).status_code == 403
    assert staff_client.get(reverse("admin:auth_user_password_change", args=[leader.pk])).status_code in (403, 404)


def test_superusers_are_not_listed_for_staff(staff_client, staff_a):
    UserFactory(is_superuser=True, username="root", region=staff_a.region)

    response = staff_client.get(changelist("user"))

    assert "root" not in [user.username for user in response.context["cl"].result_list]


def test_unit_clerks_are_listed_by_their_units_region(staff_client, regions):
    own = ClerkFactory(unit=HandlingUnitFactory(region=regions.county_a), username="clerk-a")
    other = ClerkFactory(unit=HandlingUnitFactory(region=regions.county_b), username="clerk-b")

    result = set(staff_client.get(changelist("user")).context["cl"].result_list)

    assert own in result
    assert other not in result


# --- activity records and timelines --------------------------------------------------------------------


def test_confirming_selected_records_confirms_the_pending_ones_and_counts_the_rest(staff_client, staff_a, regions):
    deputy = DeputyFactory(region=regions.town_a)
    pending = ActivityRecordFactory(deputy=deputy)
    already = ActivityRecordFactory(deputy=deputy)
    activity_confirm(record=already, by=staff_a)

    response = staff_client.post(
        changelist("activityrecord"),
        {"action": "confirm_selected", "_selected_action": [pending.pk, already.pk]},
        follow=True,
    )

    pending.refresh_from_db()
    assert pending.status == ActivityRecord.Status.CONFIRMED
    assert pending.reviewed_by == staff_a
    texts = messages_of(response)
    assert "已确认 1 条履职记录。" in texts
    assert "1 条记录不是待确认状态或无权审核，未予确认。" in texts


def test_activity_records_cannot_be_added_or_edited_in_the_admin(staff_client, two_counties):
    record = two_counties.activity_a

    assert staff_client.get(reverse("admin:representatives_activityrecord_add")).status_code == 403
    url = reverse("admin:representatives_activityrecord_change", args=[record.pk])
    assert staff_client.get(url).status_code == 200
    staff_client.post(url, {"place": "改过"})
    record.refresh_from_db()
    assert record.place != "改过"


def test_the_state_log_is_read_only_and_scoped(staff_client, staff_a, staff_b, two_counties):
    activity_confirm(record=two_counties.activity_a, by=staff_a)
    activity_confirm(record=two_counties.activity_b, by=staff_b)
    log_b = StateLog.objects.get(object_id=two_counties.activity_b.pk, to_state="confirmed")

    result = list(staff_client.get(changelist("statelog")).context["cl"].result_list)

    assert [log.object_id for log in result] == [two_counties.activity_a.pk]
    assert staff_client.get(reverse("admin:representatives_statelog_add")).status_code == 403
    assert staff_client.get(reverse("admin:representatives_statelog_delete", args=[result[0].pk])).status_code == 403
    assert staff_client.get(reverse("admin:representatives_statelog_change", args=[log_b.pk])).status_code == 302


# --- constant query counts ----------------------------------------------------------------------------


def _fill(count, regions, congress, reviewer):
    """``count`` deputies, each with an account, a seat in a group, one pending and one confirmed record."""
    for _ in range(count):
        deputy = DeputyFactory(region=regions.town_a)
        DeputyUserFactory(deputy=deputy)
        MembershipFactory(deputy=deputy, congress=congress, representative_group=GroupFactory(region=regions.town_a))
        ActivityRecordFactory(deputy=deputy)
        activity_confirm(record=ActivityRecordFactory(deputy=deputy), by=reviewer)


@pytest.mark.parametrize("model_name", ["deputy", "membership", "activityrecord", "user", "group", "statelog"])
def test_a_list_page_takes_as_many_queries_for_sixty_rows_as_for_ten(
    staff_client, staff_a, regions, congress_a, model_name, django_assert_max_num_queries
):
    url = changelist(model_name)
    _fill(10, regions, congress_a, staff_a)
    staff_client.get(url)
    with CaptureQueriesContext(connection) as ten:
        assert staff_client.get(url).status_code == 200

    _fill(50, regions, congress_a, staff_a)
    with django_assert_max_num_queries(len(ten)):
        response = staff_client.get(url)

    assert response.context["cl"].result_count >= 60


# --- roster import through the admin ------------------------------------------------------------------


@pytest.fixture
def roster_ready(regions, congress_a, congress_b, city_congress, groups):
    return regions


def _import_url():
    return reverse("admin:representatives_membership_import")


def _written():
    return Deputy.objects.count(), Membership.objects.count(), LogEntry.objects.count()


def test_the_admin_import_previews_then_imports_on_confirmation(staff_client, roster_ready):
    rows = [
        roster_row(),
        roster_row(
            **{
                "代表编号": "D0002",
                "姓名": "王芳",
                "性别": "女",
                "身份证号": FEMALE_ID_NUMBER,
            }
        ),
    ]
    before = _written()

    preview = staff_client.post(_import_url(), {"resource": "0", "import_file": roster_upload(rows)})

    assert preview.status_code == 200
    assert preview.context["confirm_form"] is not None
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["new", "new"]
    assert _written() == before

    confirm = staff_client.post(
        reverse("admin:representatives_membership_process_import"),
        preview.context["confirm_form"].initial,
        follow=True,
    )

    assert confirm.redirect_chain[-1][0] == changelist("membership")
    assert Membership.objects.count() == 2
    assert "名册导入完成：新增 2 条，更新 0 条，未变化 0 条。" in messages_of(confirm)


def test_the_admin_preview_of_a_reimport_shows_updates_and_skips(staff_client, staff_a, roster_ready):
    from representatives.resources import import_roster

    rows = [
        roster_row(),
        roster_row(
            **{
                "代表编号": "D0002",
                "姓名": "王芳",
                "性别": "女",
                "身份证号": FEMALE_ID_NUMBER,
            }
        ),
    ]
    assert import_roster(roster_upload(rows), user=staff_a).ok
    rows[1]["职务"] = "副主任"

    preview = staff_client.post(_import_url(), {"resource": "0", "import_file": roster_upload(rows)})

    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["skip", "update"]


def test_a_csv_roster_imports_through_the_admin(staff_client, roster_ready):
    upload = roster_upload([roster_row()], file_format="csv", encoding="gb18030")

    preview = staff_client.post(_import_url(), {"resource": "0", "import_file": upload})
    staff_client.post(
        reverse("admin:representatives_membership_process_import"), preview.context["confirm_form"].initial
    )

    assert Deputy.objects.get(code="D0001").name == "李四"


def test_the_admin_import_shows_row_errors_and_offers_no_confirmation(staff_client, roster_ready):
    before = _written()
    rows = [roster_row(), roster_row(**{"代表编号": "D0002", "届别代码": "9999-99"})]

    response = staff_client.post(_import_url(), {"resource": "0", "import_file": roster_upload(rows)})

    assert response.status_code == 200
    assert "confirm_form" not in response.context
    content = response.content.decode()
    assert "届别代码“9999-99”不存在。" in content
    assert [row.number for row in response.context["result"].invalid_rows] == [3]
    assert _written() == before


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("名册.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100), "不是有效的 Excel"),
        (SimpleUploadedFile("名册.txt", b"hello"), "只能导入 Excel（.xlsx）或 CSV 文件"),
        (SimpleUploadedFile("名册.csv", "姓名\n张三\n".encode()), "文件缺少必需的列"),
        (SimpleUploadedFile("名册.csv", "代表编号,姓名,届别代码,所在区域代码\n".encode()), "没有数据行"),
    ],
    ids=["png as xlsx", "txt", "missing columns", "no rows"],
)
def test_the_admin_import_refuses_a_bad_file_with_a_clear_message(staff_client, roster_ready, upload, message):
    before = _written()

    response = staff_client.post(_import_url(), {"resource": "0", "import_file": upload})

    assert response.status_code == 200
    assert message in str(response.context["form"].errors["import_file"])
    assert "result" not in response.context
    assert _written() == before


def test_the_admin_import_refuses_an_oversized_file(staff_client, roster_ready, settings):
    settings.ROSTER_IMPORT_MAX_BYTES = 100
    before = _written()

    response = staff_client.post(_import_url(), {"resource": "0", "import_file": roster_upload([roster_row()])})

    assert "超过大小上限" in str(response.context["form"].errors["import_file"])
    assert _written() == before


def test_staff_of_county_a_cannot_import_county_b_through_the_admin(staff_client, roster_ready):
    before = _written()
    row = roster_row(**{"所在区域代码": "440781001", "届别代码": "440781-16", "代表小组": ""})

    response = staff_client.post(_import_url(), {"resource": "0", "import_file": roster_upload([row])})

    assert "confirm_form" not in response.context
    assert "不在您的管辖范围内" in response.content.decode()
    assert _written() == before


def test_a_confirmation_that_no_longer_validates_writes_nothing(staff_client, roster_ready, congress_a):
    preview = staff_client.post(_import_url(), {"resource": "0", "import_file": roster_upload([roster_row()])})
    # Between preview and confirmation someone renames the congress code the file refers to.
    congress_a.code = "renamed"
    congress_a.save()
    before = _written()

    response = staff_client.post(
        reverse("admin:representatives_membership_process_import"),
        preview.context["confirm_form"].initial,
        follow=True,
    )

    assert _written() == before
    texts = messages_of(response)
    assert "名册未导入，没有写入任何数据。原因如下：" in texts
    assert any("届别代码“440703-16”不存在" in text for text in texts)


# --- export from the admin ----------------------------------------------------------------------------


def test_the_filtered_roster_list_exports_to_xlsx_with_a_chinese_file_name(staff_client, two_counties):
    response = staff_client.post(reverse("admin:representatives_membership_export"), {"format": "0", "resource": "0"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=UTF-8''%E4%BB%A3%E8%A1%A8%E5%90%8D%E5%86%8C-" in response["Content-Disposition"]


def test_the_roster_csv_export_holds_only_the_staff_members_county(staff_client, two_counties):
    response = staff_client.post(reverse("admin:representatives_membership_export"), {"format": "1", "resource": "0"})

    content = response.content.decode("utf-8-sig")
    assert "A001" in content
    assert "B001" not in content


def test_selected_deputies_export_through_the_action(staff_client, two_counties):
    page = staff_client.post(
        changelist("deputy"),
        {"action": "export_admin_action", "_selected_action": [two_counties.deputy_a.pk]},
    )
    assert page.status_code == 200

    response = staff_client.post(
        reverse("admin:representatives_deputy_export"),
        {"format": "1", "resource": "0", "export_items": [two_counties.deputy_a.pk]},
    )

    assert response["Content-Type"] == "text/csv"
    assert "甲县代表" in response.content.decode("utf-8-sig")


def test_a_forged_selection_of_another_countys_deputy_exports_nothing(staff_client, two_counties):
    response = staff_client.post(
        reverse("admin:representatives_deputy_export"),
        {"format": "1", "resource": "0", "export_items": [two_counties.deputy_b.pk]},
    )

    assert response["Content-Type"].startswith("text/html")
    assert "乙县代表" not in response.content.decode()


def test_congress_choices_list_only_the_staff_members_congresses(staff_client, congress_a, congress_b, regions):
    CongressFactory(region=regions.town_a, term_number=3, code="town-3", start_date=datetime.date(2021, 1, 1))

    response = staff_client.get(reverse("admin:representatives_membership_add"))

    codes = {congress.code for congress in response.context["adminform"].form.fields["congress"].queryset}
    assert codes == {"440703-16", "town-3"}


def test_the_import_page_explains_the_required_columns(staff_client, roster_ready):
    response = staff_client.get(_import_url())

    assert response.status_code == 200
    assert "代表编号、姓名、届别代码、所在区域代码" in response.content.decode()


def test_the_deputy_autocomplete_offers_only_the_staff_members_deputies(staff_client, two_counties):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "representatives", "model_name": "membership", "field_name": "deputy", "term": "代表"},
    )

    assert [item["text"] for item in response.json()["results"]] == ["甲县代表"]
