"""Ballot papers sent at the same moment, on PostgreSQL (row locks): one deputy's two papers count once, and
papers racing the close are counted before it or refused, never lost from a result already computed."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from .. import services
from ..models import Ballot, VoteCount, Voter
from .conftest import open_ballot

needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="需要 PostgreSQL（行锁）。")
pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]


def race(*calls) -> list[str]:
    barrier, results = threading.Barrier(len(calls)), []

    def run(call):
        try:
            barrier.wait(5)
            try:
                call()
                results.append("ok")
            except services.TransitionError as exc:
                results.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    return results


def test_one_deputys_papers_sent_at_once_count_once(county):
    ballot = open_ballot(county)
    choices = {project.pk: "for" for project in county.projects}
    deputy = county.users[0]
    results = race(*[lambda: services.ballot_vote(ballot=ballot, by=deputy, choices=choices)] * 4)
    assert sorted(results) == ["ok"] + ["您已经投过票，不能重复投票。"] * 3
    assert Voter.objects.filter(ballot=ballot).count() == 1
    assert set(VoteCount.objects.filter(ballot=ballot, choice="for").values_list("count", flat=True)) == {1}


def test_papers_racing_the_close_are_in_the_result_or_refused(county):
    ballot = open_ballot(county)
    choices = {project.pk: "for" for project in county.projects}

    def vote(user) -> Callable[[], object]:
        return lambda: services.ballot_vote(ballot=ballot, by=user, choices=choices)

    race(*[vote(user) for user in county.users], lambda: services.ballot_close(ballot=ballot, by=county.staff))
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.CLOSED
    counted = Voter.objects.filter(ballot=ballot).count()
    assert ballot.voters == counted
    assert set(VoteCount.objects.filter(ballot=ballot, choice="for").values_list("count", flat=True)) == {counted}
