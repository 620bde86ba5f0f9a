from typing import cast

import pytest
from django.urls import reverse

from motions.models import Motion, MotionCoSigner, MotionRule
from suggestions.models import Suggestion

M = Motion.Status
pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


def login(client, user):
    client.force_login(user)
    return client


# The deputy's pages -------------------------------------------------------------------------------------------


def test_a_deputy_drafts_invites_and_submits_a_motion(client, world):
    world.rule(2)
    login(client, world.author)
    response = client.post(
        reverse("me:motion_new"),
        {"congress": world.congress.pk, "title": "关于制定养老服务条例的议案", "grounds": "案据", "proposal": "方案"},
    )
    motion = Motion.objects.get()
    assert response.status_code == 302 and response.url == reverse("me:motion", args=[motion.pk])
    page = client.get(reverse("me:motion", args=[motion.pk]), {"q": "附议代表"})
    assert "附议代表0" in page.content.decode()
    deputies = [user.deputy.pk for user in world.seconders[:2]]
    client.post(reverse("me:motion_action", args=[motion.pk, "invite"]), {"deputies": deputies})
    assert motion.cosigners.count() == 2
    refused = client.post(
        reverse("me:motion_action", args=[motion.pk, "submit"]), {"version": motion.version}, follow=True
    )
    assert any("附议代表人数不足" in m for m in messages_of(refused))
    for user in world.seconders[:2]:
        invitation = motion.cosigners.get(deputy=user.deputy)
        login(client, user)
        client.post(reverse("me:motion_cosign", args=[invitation.pk, "accept"]))
    login(client, world.author)
    motion.refresh_from_db()
    done = client.post(
        reverse("me:motion_action", args=[motion.pk, "submit"]), {"version": motion.version}, follow=True
    )
    motion.refresh_from_db()
    assert motion.status == M.SUBMITTED
    assert any("议案第1号" in m for m in messages_of(done))


def test_a_draft_with_missing_fields_is_not_saved(client, world):
    login(client, world.author)
    response = client.post(reverse("me:motion_new"), {"congress": world.congress.pk, "title": "", "grounds": ""})
    assert response.status_code == 200 and not Motion.objects.exists()
    assert {"title", "grounds", "proposal"} <= set(response.context["form"].errors)


def test_an_invited_deputy_sees_the_invitation_and_may_decline(client, world):
    motion = world.seconded(accept=0)
    seconder = world.seconders[0]
    login(client, seconder)
    listed = client.get(reverse("me:motions"), {"tab": "invited"})
    assert motion.title in listed.content.decode()
    invitation = motion.cosigners.get(deputy=seconder.deputy)
    client.post(reverse("me:motion_cosign", args=[invitation.pk, "decline"]))
    invitation.refresh_from_db()
    assert invitation.status == MotionCoSigner.Status.DECLINED
    assert client.get(reverse("me:motion", args=[motion.pk])).status_code == 404


def test_another_deputy_does_not_find_a_motion(client, world, regions):
    from representatives.tests.factories import DeputyFactory, DeputyUserFactory

    motion = world.draft()
    stranger = DeputyUserFactory(deputy=DeputyFactory(region=regions.town_b), username="stranger")
    login(client, stranger)
    assert client.get(reverse("me:motion", args=[motion.pk])).status_code == 404
    assert client.post(reverse("me:motion_action", args=[motion.pk, "submit"]), {"version": 0}).status_code == 404


def test_the_deputy_home_shows_the_motions_panel(client, world):
    world.seconded(accept=0)
    login(client, world.seconders[0])
    page = client.get(reverse("me:home")).content.decode()
    assert reverse("me:motion_new") in page and "待我确认的附议邀请" in page


def test_the_panel_counts_equal_the_rows_of_its_lists(world):
    # The panel reads both figures in one query (a join to the co-signers); each must still equal its list.
    from motions import selectors

    world.seconded("甲", accept=0)
    world.seconded("乙", accept=1)
    world.submitted("丙")
    world.draft("丁")
    for user in [world.author, *world.seconders]:
        deputy_id = user.deputy.pk
        counts = selectors.home_counts(deputy_id)
        assert counts["invitations"] == selectors.invitations_for(deputy_id).count()
        assert counts["drafts"] == Motion.objects.filter(deputy_id=deputy_id, status=Motion.Status.DRAFT).count()
    assert selectors.home_counts(world.author.deputy.pk) == {"invitations": 0, "drafts": 3}
    assert selectors.home_counts(world.seconders[-1].deputy.pk) == {"invitations": 2, "drafts": 0}


# The office's pages -------------------------------------------------------------------------------------------


def test_staff_register_and_list_a_motion(client, world):
    motion = world.submitted()
    login(client, world.staff)
    client.post(reverse("staff:motion_action", args=[motion.pk, "register"]), {"version": motion.version})
    motion.refresh_from_db()
    assert motion.status == M.REGISTERED
    client.post(
        reverse("staff:motion_action", args=[motion.pk, "list"]),
        {"list-version": motion.version, "list-body": "presidium", "list-session": "第十七届人大第三次会议"},
    )
    motion.refresh_from_db()
    assert motion.status == M.LISTED and motion.session == "第十七届人大第三次会议"


def test_not_listing_without_reasons_shows_the_form_again_and_writes_nothing(client, world):
    motion = world.registered()
    login(client, world.staff)
    response = client.post(
        reverse("staff:motion_action", args=[motion.pk, "not_list"]),
        {"not_list-version": motion.version, "not_list-body": "presidium"},
    )
    assert response.status_code == 400
    assert "不列入议程必须说明理由" in response.content.decode()
    motion.refresh_from_db()
    assert motion.status == M.REGISTERED


def test_a_committee_decision_names_the_committee(client, world):
    motion = world.registered()
    login(client, world.staff)
    response = client.post(
        reverse("staff:motion_action", args=[motion.pk, "convert"]),
        {"convert-version": motion.version, "convert-body": "committee", "convert-committee": ""},
    )
    assert response.status_code == 400 and "请填写专门委员会的名称" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_turning_into_a_suggestion_links_both_pages(client, world):
    motion = world.registered()
    login(client, world.staff)
    client.post(
        reverse("staff:motion_action", args=[motion.pk, "convert"]),
        {
            "convert-version": motion.version,
            "convert-body": "committee",
            "convert-committee": "法制委员会",
            "convert-reason": "作为建议办理",
        },
    )
    motion.refresh_from_db()
    suggestion = motion.suggestion
    assert motion.status == M.CONVERTED and suggestion is not None
    staff_motion = client.get(reverse("staff:motion", args=[motion.pk])).content.decode()
    assert reverse("staff:suggestion", args=[suggestion.pk]) in staff_motion
    staff_suggestion = client.get(reverse("staff:suggestion", args=[suggestion.pk])).content.decode()
    assert reverse("staff:motion", args=[motion.pk]) in staff_suggestion and "由议案转来" in staff_suggestion
    login(client, world.author)
    my_suggestion = client.get(reverse("me:suggestion", args=[suggestion.pk])).content.decode()
    assert reverse("me:motion", args=[motion.pk]) in my_suggestion
    my_motion = client.get(reverse("me:motion", args=[motion.pk])).content.decode()
    assert reverse("me:suggestion", args=[suggestion.pk]) in my_motion


def test_a_suggestion_not_made_from_a_motion_shows_no_origin(client, world):
    from suggestions.tests.factories import SuggestionFactory

    suggestion = cast(
        Suggestion,
        SuggestionFactory(
            congress=world.congress, region=world.congress.region, deputy=world.author.deputy, status="submitted"
        ),
    )
    login(client, world.staff)
    assert "由议案转来" not in client.get(reverse("staff:suggestion", args=[suggestion.pk])).content.decode()


def test_staff_of_another_county_do_not_find_the_motion(client, world, staff_b):
    motion = world.registered()
    login(client, staff_b)
    assert client.get(reverse("staff:motion", args=[motion.pk])).status_code == 404
    assert motion.title not in client.get(reverse("staff:motions")).content.decode()


def test_leaders_read_but_may_not_decide(client, world, leader_a):
    motion = world.registered()
    login(client, leader_a)
    assert client.get(reverse("staff:motion", args=[motion.pk])).status_code == 200
    response = client.post(reverse("staff:motion_action", args=[motion.pk, "register"]), {"version": motion.version})
    assert response.status_code == 403


def test_drafts_are_not_on_the_staff_list(client, world):
    world.draft("草稿议案")
    login(client, world.staff)
    assert "草稿议案" not in client.get(reverse("staff:motions")).content.decode()


def test_the_export_lists_the_motions_with_the_decision(client, world):
    world.decided("not_list")
    login(client, world.staff)
    response = client.get(reverse("staff:motions"), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and "不属于本级人大职权范围。" in rows[1]


def test_staff_set_the_number_of_cosigners(client, world, congress):
    login(client, world.staff)
    page = client.get(reverse("staff:motion_rules")).content.decode()
    assert f'data-congress="{congress.pk}" data-min="10"' in page
    client.post(reverse("staff:motion_rules"), {"congress": congress.pk, "min_cosigners": 12})
    assert MotionRule.objects.get(congress=congress).min_cosigners == 12
    bad = client.post(reverse("staff:motion_rules"), {"congress": congress.pk, "min_cosigners": 0})
    assert bad.status_code == 400
    assert MotionRule.objects.get(congress=congress).min_cosigners == 12


def test_staff_may_not_set_another_county_rule(client, world, staff_b, congress):
    login(client, staff_b)
    response = client.post(reverse("staff:motion_rules"), {"congress": congress.pk, "min_cosigners": 3})
    assert response.status_code == 404 and not MotionRule.objects.exists()


# The public ---------------------------------------------------------------------------------------------------


def test_the_public_sees_decided_motions_only(client, world):
    listed = world.decided("list", "公开的议案")
    waiting = world.registered("待审议的议案")
    page = client.get(reverse("public:motions")).content.decode()
    assert "公开的议案" in page and "待审议的议案" not in page
    assert client.get(reverse("public:motion", args=[listed.pk])).status_code == 200
    assert client.get(reverse("public:motion", args=[waiting.pk])).status_code == 404


# Query counts -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 6])
def test_list_pages_run_a_constant_number_of_queries(client, world, size, django_assert_max_num_queries):
    for n in range(size):
        world.decided(["list", "not_list", "convert"][n % 3], f"议案{n}")
    login(client, world.staff)
    with django_assert_max_num_queries(20):
        client.get(reverse("staff:motions"))
    with django_assert_max_num_queries(12):
        client.get(reverse("public:motions"))
    login(client, world.author)
    with django_assert_max_num_queries(20):
        client.get(reverse("me:motions"))


@pytest.mark.parametrize("accepted", [1, 3])
def test_detail_pages_run_a_constant_number_of_queries(client, world, accepted, django_assert_max_num_queries):
    world.rule(1)
    motion = world.seconded(accept=accepted)
    login(client, world.author)
    with django_assert_max_num_queries(22):
        assert client.get(reverse("me:motion", args=[motion.pk])).status_code == 200
    motion = world.submitted("第二件")
    login(client, world.staff)
    with django_assert_max_num_queries(22):
        assert client.get(reverse("staff:motion", args=[motion.pk])).status_code == 200
