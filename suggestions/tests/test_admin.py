import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from representatives.models import StateLog
from representatives.tests.factories import (
    ClerkFactory,
    CongressFactory,
    DeputyFactory,
    HandlingUnitFactory,
    LeaderFactory,
    UserFactory,
)
from suggestions.models import (
    Assignment,
    Attachment,
    ContactLog,
    CoSigner,
    Evaluation,
    Reply,
    Suggestion,
    Supervision,
)

pytestmark = pytest.mark.django_db

MODELS = ["suggestion", "assignment", "reply", "evaluation", "supervision", "contactlog"]
NUMBERS = itertools.count(1)


def changelist(model_name):
    return reverse(f"admin:suggestions_{model_name}_changelist")


def change(obj):
    return reverse(f"admin:suggestions_{obj._meta.model_name}_change", args=[obj.pk])


def handled(congress, deputy, unit, by, count=1):
    """``count`` suggestions taken through a whole round, with one row of every workflow record each."""
    now = timezone.now()
    suggestions = Suggestion.objects.bulk_create(
        Suggestion(
            congress=congress,
            region=congress.region,
            deputy=deputy,
            year=2026,
            number=next(NUMBERS),
            title=f"关于{congress.region.name}第{n}条道路改造的建议",
            category="transport",
            body="道路破损。",
            status=Suggestion.Status.CLOSED,
            submitted_at=now,
            closed_at=now,
        )
        for n in range(count)
    )
    parts = Assignment.objects.bulk_create(
        Assignment(suggestion=s, unit=unit, role="lead", status="done", deadline=datetime.date(2026, 6, 30))
        for s in suggestions
    )
    Reply.objects.bulk_create(
        Reply(assignment=part, reply_class="A", text="已解决。", document="attachments/replies/x.pdf", by=by)
        for part in parts
    )
    Evaluation.objects.bulk_create(Evaluation(suggestion=s, round=1, value="satisfied", by=by) for s in suggestions)
    Supervision.objects.bulk_create(
        Supervision(suggestion=s, kind="visit", date=datetime.date(2026, 5, 1), note="实地察看。", by=by)
        for s in suggestions
    )
    ContactLog.objects.bulk_create(
        ContactLog(
            assignment=part, stage="before", method="phone", date=datetime.date(2026, 4, 1), note="电话沟通。", by=by
        )
        for part in parts
    )
    return suggestions


@pytest.fixture
def county_b_congress(regions):
    return CongressFactory(region=regions.county_b, level=4, code="440781-4-17", term_number=17)


@pytest.fixture
def two_counties(congress, county_b_congress, regions, staff_a, staff_b):
    unit_a = HandlingUnitFactory(region=regions.county_a, name="蓬江区交通运输局")
    unit_b = HandlingUnitFactory(region=regions.county_b, name="台山市交通运输局")
    (a,) = handled(congress, DeputyFactory(region=regions.town_a), unit_a, staff_a)
    (b,) = handled(county_b_congress, DeputyFactory(region=regions.town_b), unit_b, staff_b)
    CoSigner.objects.create(suggestion=a, deputy=DeputyFactory(region=regions.town_a, name="联名甲"))
    Attachment.objects.create(
        suggestion=a,
        file="attachments/suggestions/x.pdf",
        original_name="现场照片说明.pdf",
        content_type="application/pdf",
        extension="pdf",
        size=10,
    )
    return a, b


def records_of(suggestion):
    part = suggestion.assignments.get()
    return {
        "suggestion": suggestion,
        "assignment": part,
        "reply": part.replies.get(),
        "evaluation": suggestion.evaluations.get(),
        "supervision": suggestion.supervisions.get(),
        "contactlog": part.contacts.get(),
    }


@pytest.fixture
def staff_client(client, staff_a):
    client.force_login(staff_a)
    return client


# --- who may enter ------------------------------------------------------------------------------------


@pytest.mark.parametrize("model_name", MODELS)
def test_staff_see_their_countys_records_and_not_the_others(staff_client, two_counties, model_name):
    a, b = two_counties

    response = staff_client.get(changelist(model_name))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [records_of(a)[model_name]]
    assert staff_client.get(change(records_of(a)[model_name])).status_code == 200
    # Another county's record answers like a missing one.
    assert staff_client.get(change(records_of(b)[model_name])).status_code == 302


@pytest.mark.parametrize("model_name", MODELS)
def test_city_staff_and_superusers_see_both_counties(client, city_staff, two_counties, model_name):
    for user in (city_staff, UserFactory(is_superuser=True)):
        client.force_login(user)
        response = client.get(changelist(model_name))
        assert response.status_code == 200
        assert response.context["cl"].result_count == 2


@pytest.mark.parametrize("who", ["deputy", "clerk", "leader", "anonymous"])
@pytest.mark.parametrize("model_name", MODELS)
def test_everyone_but_office_staff_is_kept_out(client, regions, author, two_counties, who, model_name):
    user = {
        "deputy": lambda: author,
        "clerk": lambda: ClerkFactory(unit=HandlingUnitFactory(region=regions.county_a)),
        "leader": lambda: LeaderFactory(region=regions.county_a),
        "anonymous": lambda: None,
    }[who]()
    if user is not None:
        client.force_login(user)

    for url in (changelist(model_name), change(records_of(two_counties[0])[model_name])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


# --- read-mostly --------------------------------------------------------------------------------------


@pytest.mark.parametrize("model_name", MODELS[1:])
def test_workflow_records_cannot_be_added_changed_or_deleted(staff_client, two_counties, model_name):
    record = records_of(two_counties[0])[model_name]

    page = staff_client.get(change(record))

    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert 'name="_save"' not in page.content.decode()
    assert staff_client.get(reverse(f"admin:suggestions_{model_name}_add")).status_code == 403
    assert staff_client.get(reverse(f"admin:suggestions_{model_name}_delete", args=[record.pk])).status_code == 403


def test_the_suggestion_page_shows_its_parts_cosigners_and_attachments_read_only(staff_client, two_counties):
    a, _b = two_counties

    page = staff_client.get(change(a)).content.decode()

    assert "蓬江区交通运输局" in page and "联名甲" in page
    assert reverse("suggestion_attachment", args=[a.attachments.get().pk]) in page
    assert "/media/" not in page
    assert 'name="assignments-0-deadline"' not in page


def test_staff_may_correct_what_the_deputy_typed_but_not_the_workflows_fields(staff_client, two_counties):
    a, _b = two_counties
    version, number = a.version, a.number

    response = staff_client.post(
        change(a),
        {
            "title": "关于蓬江区道路改造的建议（更正）",
            "category": "urban",
            "period": "between",
            "body": "道路破损严重。",
            "status": "draft",
            "number": "999",
            "is_key": "on",
            "cosigners-TOTAL_FORMS": "0",
            "cosigners-INITIAL_FORMS": "1",
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "1",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "1",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    a.refresh_from_db()
    assert (a.title, a.category, a.body) == ("关于蓬江区道路改造的建议（更正）", "urban", "道路破损严重。")
    assert (a.status, a.number, a.is_key) == (Suggestion.Status.CLOSED, number, False)
    assert a.version == version + 1


def test_suggestions_are_not_added_in_the_admin_and_only_superusers_delete(client, staff_client, two_counties):
    a, _b = two_counties

    assert staff_client.get(reverse("admin:suggestions_suggestion_add")).status_code == 403
    assert staff_client.get(reverse("admin:suggestions_suggestion_delete", args=[a.pk])).status_code == 403
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(reverse("admin:suggestions_suggestion_delete", args=[a.pk])).status_code == 200


def test_drafts_stay_with_the_deputy(staff_client, congress, regions):
    Suggestion.objects.create(
        congress=congress, region=congress.region, deputy=DeputyFactory(region=regions.town_a), year=2026, title="草稿"
    )

    assert staff_client.get(changelist("suggestion")).context["cl"].result_count == 0


def test_a_suggestions_timeline_is_readable_by_its_regions_staff_only(client, flow, staff_a, staff_b):
    suggestion = flow.registered()

    client.force_login(staff_a)
    seen_a = list(client.get(reverse("admin:representatives_statelog_changelist")).context["cl"].result_list)
    client.force_login(staff_b)
    seen_b = list(client.get(reverse("admin:representatives_statelog_changelist")).context["cl"].result_list)

    assert {log.to_state for log in seen_a if log.object_id == suggestion.pk} >= {"submitted", "registered"}
    assert not [log for log in seen_b if isinstance(log, StateLog) and log.object_id == suggestion.pk]


# --- constant query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("model_name", MODELS)
def test_a_list_takes_as_many_queries_for_sixty_rows_as_for_ten(
    staff_client, staff_a, regions, congress, model_name, django_assert_max_num_queries
):
    units = [HandlingUnitFactory(region=regions.county_a) for _ in range(3)]
    url = changelist(model_name)

    def fill(count):
        for n in range(count):
            handled(congress, DeputyFactory(region=regions.town_a), units[n % 3], staff_a)

    fill(10)
    staff_client.get(url)
    with CaptureQueriesContext(connection) as ten:
        assert staff_client.get(url).status_code == 200

    fill(50)
    with django_assert_max_num_queries(len(ten)):
        response = staff_client.get(url)

    assert response.context["cl"].result_count == 60
