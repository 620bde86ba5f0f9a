import datetime
import io
from typing import cast

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from representatives.tests.factories import HandlingUnitFactory

from .. import services
from ..models import Ballot, Project, VoteCount, Voter
from .conftest import open_ballot
from .factories import BallotFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def vote_data(ballot, choice="for"):
    return {f"p{project.pk}": choice for project in services.ballot_items(ballot)}


def vote_data_ids(ballot, choice="for"):
    return {project.pk: choice for project in services.ballot_items(ballot)}


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


class TestDeputyVoting:
    def test_the_deputy_votes_once_and_a_second_paper_is_refused(self, client, county):
        ballot = open_ballot(county)
        client.force_login(county.users[0])
        url = reverse("me:livelihood_ballot", args=[ballot.pk])
        page = client.get(url)
        assert page.status_code == 200 and 'id="ballot-form"' in page.content.decode()
        response = client.post(url, vote_data(ballot))
        assert response.status_code == 302 and "投票成功" in " ".join(texts(response))
        again = client.post(url, vote_data(ballot, "against"))
        assert again.status_code == 302 and "已经投过票" in " ".join(texts(again))
        assert Voter.objects.filter(ballot=ballot).count() == 1
        assert VoteCount.objects.filter(ballot=ballot, choice="against").exclude(count=0).count() == 0
        assert 'id="ballot-voted"' in client.get(url).content.decode()

    def test_an_incomplete_paper_is_shown_again_with_the_reason_and_nothing_counted(self, client, county):
        ballot = open_ballot(county)
        client.force_login(county.users[0])
        data = vote_data(ballot)
        data.popitem()
        response = client.post(reverse("me:livelihood_ballot", args=[ballot.pk]), data)
        assert response.status_code == 400 and "请对这个项目作出选择" in response.content.decode()
        assert not Voter.objects.exists()

    def test_the_start_page_asks_the_deputy_to_vote_until_they_have(self, client, county):
        ballot = open_ballot(county)
        client.force_login(county.users[0])
        assert "livelihood-panel" in client.get(reverse("me:home")).content.decode()
        client.post(reverse("me:livelihood_ballot", args=[ballot.pk]), vote_data(ballot))
        assert "livelihood-panel" not in client.get(reverse("me:home")).content.decode()

    def test_a_draft_ballot_and_another_congress_are_not_found(self, client, county, regions):
        draft = services.ballot_create(
            congress=county.congress, year=2025, kind="selection", title="t", by=county.staff
        )
        client.force_login(county.users[0])
        assert client.get(reverse("me:livelihood_ballot", args=[draft.pk])).status_code == 404

    def test_a_deputy_records_an_inspection(self, client, county):
        project = county.projects[0]
        Project.objects.filter(pk=project.pk).update(status=Project.Status.ADOPTED)
        client.force_login(county.users[0])
        url = reverse("me:livelihood_project", args=[project.pk])
        response = client.post(
            url, {"date": datetime.date.today().isoformat(), "participants": "代表0、代表1", "findings": "进度正常"}
        )
        assert response.status_code == 302
        assert project.inspections.get().participants == "代表0、代表1"


class TestStaffPages:
    def test_open_and_close_publish_the_result(self, client, county):
        ballot = services.ballot_create(
            congress=county.congress, year=2025, kind="selection", title="t", by=county.staff
        )
        client.force_login(county.staff)
        client.post(reverse("staff:livelihood_ballot_action", args=[ballot.pk, "open"]))
        ballot.refresh_from_db()
        assert ballot.status == Ballot.Status.OPEN
        public = reverse("public:livelihood_ballot", args=[ballot.pk])
        assert client.get(public).status_code == 404  # results only after the close
        for user in county.users:
            services.ballot_vote(ballot=ballot, by=user, choices={p.pk: "for" for p in county.projects})
        client.post(reverse("staff:livelihood_ballot_action", args=[ballot.pk, "close"]))
        client.logout()
        page = client.get(public).content.decode()
        assert "达到法定人数" in page and county.projects[0].title in page
        assert county.projects[0].title in client.get(reverse("public:livelihood")).content.decode()

    def test_the_counts_are_sealed_while_voting_is_open(self, client, county):
        ballot = open_ballot(county)
        services.ballot_vote(ballot=ballot, by=county.users[0], choices=vote_data_ids(ballot))
        client.force_login(county.staff)
        url = reverse("staff:livelihood_ballot", args=[ballot.pk])
        page = client.get(url).content.decode()
        assert 'id="counts-sealed"' in page and 'id="ballot-results"' not in page
        # No link offered to an export that would answer 404.
        assert "?export=xlsx" not in page
        assert client.get(url + "?export=xlsx").status_code == 404
        services.ballot_close(ballot=ballot, by=county.staff)
        page = client.get(url).content.decode()
        assert 'id="ballot-results"' in page and "?export=xlsx" in page
        assert client.get(url + "?export=xlsx").status_code == 200

    def test_a_leader_reads_but_cannot_open(self, client, county):
        ballot = services.ballot_create(
            congress=county.congress, year=2025, kind="selection", title="t", by=county.staff
        )
        client.force_login(county.leader)
        assert client.get(reverse("staff:livelihood_ballot", args=[ballot.pk])).status_code == 200
        assert client.post(reverse("staff:livelihood_ballot_action", args=[ballot.pk, "open"])).status_code == 403

    def test_create_a_project_through_the_form(self, client, county):
        client.force_login(county.staff)
        response = client.post(
            reverse("staff:livelihood_project_new"),
            {
                "congress": county.congress.pk,
                "year": 2025,
                "title": "老旧小区加装电梯",
                "description": "为 20 个老旧小区加装电梯",
                "unit": county.unit.pk,
                "budget": "1200",
            },
        )
        assert response.status_code == 302
        assert Project.objects.get(title="老旧小区加装电梯").created_by == county.staff

    def test_a_bad_form_says_why_and_writes_nothing(self, client, county, regions):
        client.force_login(county.staff)
        response = client.post(
            reverse("staff:livelihood_project_new"),
            {
                "congress": county.congress.pk,
                "year": 2025,
                "title": "项目0",
                "description": "d",
                "unit": county.unit.pk,
                "budget": "1",
            },
        )
        assert response.status_code == 200 and "同名项目" in response.content.decode()
        assert Project.objects.count() == 3

    def test_exports(self, client, county):
        ballot = services.ballot_close(ballot=open_ballot(county), by=county.staff)
        client.force_login(county.staff)
        response = client.get(reverse("staff:livelihood_projects") + "?export=xlsx")
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert sheet.max_row == 4 and sheet.cell(2, 3).value.startswith("项目")
        response = client.get(reverse("staff:livelihood_ballot", args=[ballot.pk]) + "?export=xlsx")
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        assert book.worksheets[1].max_row == 4

    @pytest.mark.parametrize(
        "name", ["staff:livelihood_projects", "staff:livelihood_ballots", "staff:livelihood_voters"]
    )
    def test_lists_take_the_same_queries_for_3_or_30_rows(self, client, county, name, django_assert_max_num_queries):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.force_login(county.staff)

        def count():
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(reverse(name)).status_code == 200
            return len(ctx.captured_queries)

        ballot = open_ballot(county)
        choices = {p.pk: "for" for p in services.ballot_items(ballot)}
        services.ballot_vote(ballot=ballot, by=county.users[0], choices=choices)
        small = count()
        for i in range(30):
            ProjectFactory(congress=county.congress, unit=county.unit, title=f"多{i}")
            BallotFactory(congress=county.congress, title=f"多{i}")
        for user in county.users[1:]:
            services.ballot_vote(ballot=ballot, by=user, choices=choices)
        with django_assert_max_num_queries(small):
            count()


class TestUnitPortal:
    def test_the_clerk_sees_and_reports_on_their_chosen_projects_only(self, client, county, regions):
        mine = county.projects[0]
        Project.objects.filter(pk=mine.pk).update(status=Project.Status.ADOPTED)
        other = cast(
            Project,
            ProjectFactory(
                congress=county.congress, unit=HandlingUnitFactory(region=regions.county_a), status="adopted"
            ),
        )
        client.force_login(county.clerk)
        page = client.get(reverse("unit:livelihood_projects")).content.decode()
        assert mine.title in page and other.title not in page
        assert client.get(reverse("unit:livelihood_project", args=[other.pk])).status_code == 404
        response = client.post(
            reverse("unit:livelihood_project", args=[mine.pk]),
            {"date": datetime.date.today().isoformat(), "percent": 30, "text": "完成选址"},
        )
        assert response.status_code == 302 and mine.progress_reports.get().percent == 30
