"""Two sends of the same request id at the same moment (a hotline retrying on a timeout): one opinion. On
PostgreSQL both sends pass the "already there?" check before either commits; the unique constraint makes
the second wait for the first and then find its row."""

import threading

import pytest
from django.db import connection

from api import services
from api.models import Intake
from liaison_stations import services as opinion_services
from liaison_stations.models import Opinion

from .factories import make_client


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sends_write_one_opinion(regions, station_a, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite takes the write lock when a transaction begins")
    api_client, _token = make_client(region=regions.county_a, scopes=["open311"])
    both_inside = threading.Barrier(2, timeout=20)
    receive = opinion_services.opinion_receive

    def receive_then_wait(**kwargs):
        opinion = receive(**kwargs)
        # Each send has written its opinion, uncommitted, past the existence check: now they race.
        both_inside.wait()
        return opinion

    monkeypatch.setattr(opinion_services, "opinion_receive", receive_then_wait)
    results, errors = [], []

    def send():
        try:
            results.append(
                services.opinion_intake(
                    client=api_client,
                    external_id="HL-SAME",
                    source=Opinion.Source.HOTLINE,
                    station=station_a,
                    voter_name="陈",
                    voter_phone="",
                    title="路灯",
                    content="路灯不亮",
                )
            )
        except Exception as exc:  # reported below, with the thread's error
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert sorted(result.created for result in results) == [False, True]
    assert results[0].opinion.pk == results[1].opinion.pk
    assert Opinion.objects.count() == 1 and Intake.objects.count() == 1
