import pytest
from django.core.management import call_command
from django.urls import reverse

from representatives.demo import DEMO_PASSWORD
from representatives.models import User

from ..models import Ballot, Inspection, ProgressReport, Project, Vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_demo(db):
    # Only the builders this app's data stands on (regions, deputies, accounts, units) and its own: quicker, and
    # independent of the other apps' demo data (congress/tests/test_demo_crawl.py builds the whole demo).
    from representatives import demo

    ours = ("representatives.demo", "livelihood.demo")
    with demo.builders.narrowed(lambda name, step: step.build.__module__ in ours):
        call_command("seed_demo", deputies=400, verbosity=0)


def test_the_demo_holds_a_year_of_livelihood_projects_and_an_open_vote_for_the_demo_deputy(small_demo, client):
    closed = Ballot.objects.filter(status=Ballot.Status.CLOSED, quorum_met=True)
    assert closed.filter(kind=Ballot.Kind.SELECTION).count() >= 2
    assert closed.filter(kind=Ballot.Kind.SATISFACTION).exists()
    assert Project.objects.filter(status=Project.Status.COMPLETED, satisfaction_rate__isnull=False).exists()
    assert Project.objects.filter(status=Project.Status.NOT_ADOPTED).exists()
    assert ProgressReport.objects.exists() and Inspection.objects.exists()
    assert not Vote.objects.exists()  # every demo vote is secret
    open_vote = Ballot.objects.get(status=Ballot.Status.OPEN)
    assert client.login(username="deputy", password=DEMO_PASSWORD)
    page = client.get(reverse("me:livelihood_ballot", args=[open_vote.pk])).content.decode()
    assert 'id="ballot-form"' in page
    clerk = User.objects.get(username="clerk")
    assert Project.objects.filter(unit=clerk.unit, status=Project.Status.ADOPTED).exists()
    assert ProgressReport.objects.filter(reported_by=clerk).exists()
