import datetime
from decimal import Decimal
from typing import cast

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from representatives.models import HandlingUnit, StateLog
from representatives.tests.factories import (
    CongressFactory,
    DeputyFactory,
    DeputyUserFactory,
    HandlingUnitFactory,
    MembershipFactory,
)

from .. import services
from ..models import Ballot, Project, Vote, VoteCount, Voter
from .conftest import open_ballot

pytestmark = pytest.mark.django_db
TransitionError = services.TransitionError


def all_for(ballot, choice="for"):
    return {project.pk: choice for project in services.ballot_items(ballot)}


def counts(ballot) -> dict[tuple[int, str], int]:
    return {(c.project_id, c.choice): c.count for c in VoteCount.objects.filter(ballot=ballot)}


class TestSecretVote:
    def test_the_tally_and_the_roll_are_stored_but_no_row_links_a_deputy_to_a_choice(self, county):
        ballot = open_ballot(county, secret=True)
        first, second = county.projects[:2]
        choices = {first.pk: "for", second.pk: "against", county.projects[2].pk: "abstain"}
        services.ballot_vote(ballot=ballot, by=county.users[0], choices=choices)

        assert counts(ballot)[(first.pk, "for")] == 1
        assert counts(ballot)[(second.pk, "against")] == 1
        assert Voter.objects.filter(ballot=ballot, deputy=county.deputies[0]).exists()
        assert not Vote.objects.exists()
        # Nothing else holds a deputy beside a choice: no model of the app has both but ``Vote``, which is empty,
        # no audit history of the counts or the roll, and no timeline step by the deputy.
        for model in apps.get_app_config("livelihood").get_models():
            names = {field.name for field in model._meta.get_fields()}
            if "choice" in names and "deputy" in names:
                assert model is Vote
        for model in (VoteCount, Voter, Vote):
            assert not LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model)).exists()
        assert not StateLog.objects.filter(actor=county.users[0]).exists()
        # The counts carry no time that would date each vote.
        assert not any(field.get_internal_type() == "DateTimeField" for field in VoteCount._meta.concrete_fields)

    def test_an_open_vote_keeps_who_voted_how(self, county):
        ballot = open_ballot(county, secret=False)
        services.ballot_vote(ballot=ballot, by=county.users[0], choices=all_for(ballot))
        assert Vote.objects.filter(ballot=ballot, deputy=county.deputies[0], choice="for").count() == 3

    def test_a_second_vote_is_refused_and_changes_nothing(self, county):
        ballot = open_ballot(county)
        services.ballot_vote(ballot=ballot, by=county.users[0], choices=all_for(ballot))
        before = counts(ballot)
        with pytest.raises(TransitionError, match="已经投过票"):
            services.ballot_vote(ballot=ballot, by=county.users[0], choices=all_for(ballot, "against"))
        assert counts(ballot) == before
        ballot.refresh_from_db()
        assert ballot.voters == 1

    @pytest.mark.parametrize("problem", ["missing", "invalid"])
    def test_a_paper_without_a_valid_choice_for_every_project_is_refused_whole(self, county, problem):
        ballot = open_ballot(county)
        choices = all_for(ballot)
        if problem == "missing":
            choices.popitem()
        else:
            choices[county.projects[0].pk] = "satisfied"  # a satisfaction answer on a selection ballot
        with pytest.raises(TransitionError):
            services.ballot_vote(ballot=ballot, by=county.users[0], choices=choices)
        assert sum(counts(ballot).values()) == 0
        assert not Voter.objects.exists()

    def test_only_deputies_serving_in_the_congress_vote_and_only_while_open(self, county, regions):
        ballot = services.ballot_create(
            congress=county.congress, year=2025, kind="selection", title="t", by=county.staff
        )
        with pytest.raises(TransitionError, match="尚未开始或已经结束"):
            services.ballot_vote(ballot=ballot, by=county.users[0], choices={})
        ballot = services.ballot_open(ballot=ballot, by=county.staff)
        with pytest.raises(TransitionError, match="在任代表"):
            services.ballot_vote(ballot=ballot, by=county.resigned_user, choices=all_for(ballot))
        other = DeputyFactory(region=regions.town_b)
        MembershipFactory(deputy=other, congress=CongressFactory(region=regions.county_b))
        with pytest.raises(TransitionError, match="在任代表"):
            services.ballot_vote(ballot=ballot, by=DeputyUserFactory(deputy=other), choices=all_for(ballot))
        with pytest.raises(TransitionError):
            services.ballot_vote(ballot=ballot, by=county.staff, choices=all_for(ballot))
        services.ballot_close(ballot=ballot, by=county.staff)
        with pytest.raises(TransitionError, match="尚未开始或已经结束"):
            services.ballot_vote(ballot=ballot, by=county.users[0], choices=all_for(ballot))
        assert not Voter.objects.exists()


class TestResult:
    def test_a_project_is_chosen_with_more_than_half_of_all_serving_deputies_and_ranked_by_votes(self, county):
        ballot = open_ballot(county, quorum_percent=50)
        assert ballot.electorate == 5  # the resigned deputy is not counted
        a, b, c = county.projects
        for user in county.users:
            services.ballot_vote(ballot=ballot, by=user, choices={a.pk: "for", b.pk: "for", c.pk: "against"})
        # 3 of 5 voted: quorum met; a and b have 3 votes for, more than half of 5.
        ballot = services.ballot_close(ballot=ballot, by=county.staff)
        assert ballot.quorum_met and ballot.voters == 3
        statuses = dict(Project.objects.values_list("pk", "status"))
        assert statuses == {a.pk: "adopted", b.pk: "adopted", c.pk: "not_adopted"}
        assert Project.objects.get(pk=a.pk).rank == 1 and Project.objects.get(pk=c.pk).votes_against == 3

    def test_the_seats_limit_the_chosen_to_the_most_votes(self, county):
        ballot = open_ballot(county, seats=1)
        a, b, c = county.projects
        for i, user in enumerate(county.users):
            services.ballot_vote(
                ballot=ballot, by=user, choices={a.pk: "for", b.pk: "for" if i < 3 else "against", c.pk: "for"}
            )
        services.ballot_close(ballot=ballot, by=county.staff)
        assert Project.objects.filter(status="adopted").count() == 1

    def test_majority_of_those_voting(self, county):
        ballot = open_ballot(county, quorum_percent=40, majority=Ballot.Majority.VOTERS)
        a, b, c = county.projects
        services.ballot_vote(ballot=ballot, by=county.users[0], choices={a.pk: "for", b.pk: "for", c.pk: "abstain"})
        services.ballot_vote(ballot=ballot, by=county.users[1], choices={a.pk: "for", b.pk: "against", c.pk: "for"})
        services.ballot_close(ballot=ballot, by=county.staff)
        # 2 voters: 2 votes for is more than half of 2; 1 is not.
        assert set(Project.objects.filter(status="adopted").values_list("pk", flat=True)) == {a.pk}

    def test_without_a_quorum_nothing_is_decided(self, county):
        ballot = open_ballot(county, quorum_percent=60)
        services.ballot_vote(ballot=ballot, by=county.users[0], choices=all_for(ballot))
        ballot = services.ballot_close(ballot=ballot, by=county.staff)
        assert ballot.quorum_met is False
        assert set(Project.objects.values_list("status", flat=True)) == {"candidate"}
        # The candidates may go to a new vote.
        assert open_ballot(county).status == Ballot.Status.OPEN

    def test_the_satisfaction_vote_rates_the_chosen_projects(self, county):
        ballot = open_ballot(county)
        for user in county.users:
            services.ballot_vote(ballot=ballot, by=user, choices=all_for(ballot))
        services.ballot_close(ballot=ballot, by=county.staff)
        rating = open_ballot(county, kind=Ballot.Kind.SATISFACTION)
        assert services.ballot_items(rating).count() == 3
        first = county.projects[0].pk
        for user, value in zip(county.users, ["satisfied", "basic", "unsatisfied"], strict=True):
            choices = dict.fromkeys(all_for(rating), value)
            services.ballot_vote(ballot=rating, by=user, choices=choices)
        services.ballot_close(ballot=rating, by=county.staff)
        assert Project.objects.get(pk=first).satisfaction_rate == Decimal("66.7")
        assert not Vote.objects.exists()


class TestSteps:
    def test_only_one_open_vote_of_a_kind_per_congress_and_year(self, county):
        open_ballot(county)
        second = services.ballot_create(
            congress=county.congress, year=2025, kind="selection", title="二", by=county.staff
        )
        assert "open" not in services.available_steps(county.staff, second)
        with pytest.raises(TransitionError, match="正在进行"):
            services.ballot_open(ballot=second, by=county.staff)

    def test_the_rule_is_fixed_once_voting_starts_and_projects_on_the_ballot_stay_as_they_are(self, county):
        ballot = open_ballot(county)
        with pytest.raises(TransitionError, match="不能再修改规则"):
            services.ballot_update(ballot=ballot, by=county.staff, title="x", quorum_percent=10)
        project = county.projects[0]
        with pytest.raises(TransitionError, match="正在票决中"):
            services.project_update(
                project=project, by=county.staff, title="新", description="d", unit=county.unit, budget=1
            )
        with pytest.raises(TransitionError, match="正在票决中"):
            services.project_withdraw(project=project, by=county.staff, reason="r")

    def test_another_countys_staff_and_leaders_manage_nothing(self, county, staff_b):
        for user in (staff_b, county.leader):
            with pytest.raises(TransitionError):
                services.project_create(
                    congress=county.congress, year=2025, title="x", description="d", unit=county.unit, by=user
                )
            with pytest.raises(TransitionError):
                services.ballot_create(congress=county.congress, year=2025, kind="selection", title="t", by=user)

    def test_a_project_needs_a_unit_the_office_may_hand_work_to(self, county, regions):
        foreign = cast(HandlingUnit, HandlingUnitFactory(region=regions.county_b))
        with pytest.raises(TransitionError, match="交办的范围"):
            services.project_create(
                congress=county.congress, year=2025, title="x", description="d", unit=foreign, by=county.staff
            )
        assert Project.objects.count() == 3

    def test_withdrawing_needs_a_reason(self, county):
        with pytest.raises(TransitionError, match="撤回理由"):
            services.project_withdraw(project=county.projects[0], by=county.staff, reason=" ")
        services.project_withdraw(project=county.projects[0], by=county.staff, reason="资金未落实")
        assert Project.objects.get(pk=county.projects[0].pk).status == Project.Status.WITHDRAWN

    def test_the_responsible_unit_reports_progress_on_its_chosen_project_only(self, county, regions):
        project = county.projects[0]
        today = datetime.date.today()
        with pytest.raises(TransitionError, match="票决通过"):
            services.progress_report_add(project=project, by=county.clerk, date=today, percent=10, text="t")
        Project.objects.filter(pk=project.pk).update(status=Project.Status.ADOPTED)
        from representatives.tests.factories import ClerkFactory

        other_clerk = ClerkFactory(unit=HandlingUnitFactory(region=regions.county_a))
        with pytest.raises(TransitionError, match="责任单位"):
            services.progress_report_add(project=project, by=other_clerk, date=today, percent=10, text="t")
        with pytest.raises(TransitionError, match="0 到 100"):
            services.progress_report_add(project=project, by=county.clerk, date=today, percent=120, text="t")
        services.progress_report_add(project=project, by=county.clerk, date=today, percent=40, text="已开工")
        assert project.progress_reports.count() == 1

    def test_inspections_by_staff_or_a_serving_deputy_of_the_congress(self, county, staff_b):
        project = county.projects[0]
        Project.objects.filter(pk=project.pk).update(status=Project.Status.ADOPTED)
        today = datetime.date.today()
        services.inspection_record(project=project, by=county.users[0], date=today, participants="代表0", findings="f")
        services.inspection_record(project=project, by=county.staff, date=today, participants="代表1", findings="f")
        for user in (county.resigned_user, staff_b, county.clerk):
            with pytest.raises(TransitionError):
                services.inspection_record(project=project, by=user, date=today, participants="x", findings="f")
        with pytest.raises(TransitionError, match="晚于今天"):
            services.inspection_record(
                project=project,
                by=county.staff,
                date=today + datetime.timedelta(days=1),
                participants="x",
                findings="f",
            )
        assert project.inspections.count() == 2

    def test_completing_a_chosen_project(self, county):
        project = county.projects[0]
        with pytest.raises(TransitionError):
            services.project_complete(project=project, by=county.staff)
        Project.objects.filter(pk=project.pk).update(status=Project.Status.ADOPTED)
        services.project_complete(project=project, by=county.staff)
        assert Project.objects.get(pk=project.pk).status == Project.Status.COMPLETED
