"""Reads for machine clients, each held to the client's region (and, for a unit's system, its unit) here, so
no view filters on its own."""

import datetime

from django.db.models import Prefetch, QuerySet

from liaison_stations import permissions as station_permissions
from liaison_stations.models import DutyDay, DutyShift, Opinion, Station
from representatives.selectors import public_deputies
from suggestions import permissions as suggestion_permissions
from suggestions.models import Suggestion

from .models import ApiClient


def deputies(client: ApiClient) -> QuerySet:
    return (
        public_deputies()
        .filter(region__path__startswith=client.region.path)
        .select_related("region")
        .order_by("name", "pk")
    )


def stations(client: ApiClient) -> QuerySet[Station]:
    return (
        station_permissions.public_stations()
        .filter(region__path__startswith=client.region.path)
        .select_related("region")
        .order_by("region__path", "name", "pk")
    )


def duty_days(
    client: ApiClient, *, station=None, date_from: datetime.date | None = None, date_to: datetime.date | None = None
) -> QuerySet[DutyDay]:
    queryset = DutyDay.objects.filter(
        station__is_active=True, station__region__path__startswith=client.region.path
    ).exclude(status=DutyDay.Status.CANCELLED)
    if station is not None:
        queryset = queryset.filter(station=station)
    if date_from is not None:
        queryset = queryset.filter(date__gte=date_from)
    if date_to is not None:
        queryset = queryset.filter(date__lte=date_to)
    return (
        queryset.select_related("station")
        .prefetch_related(Prefetch("shifts", queryset=DutyShift.objects.select_related("deputy").order_by("pk")))
        .order_by("date", "start_time", "pk")
    )


def outcomes(client: ApiClient) -> QuerySet[Opinion]:
    return (
        Opinion.objects.published()
        .filter(region__path__startswith=client.region.path)
        .select_related("region", "station", "deputy")
        .order_by("-published_at", "-id")
    )


def unit_opinions(client: ApiClient) -> QuerySet[Opinion]:
    """What the unit's clerks see (assigned to the unit, from then on), inside the client's region."""
    if client.service_user is None:
        return Opinion.objects.none()
    return (
        station_permissions.opinions_for(client.service_user)
        .filter(region__path__startswith=client.region.path)
        .select_related("region", "station")
        .order_by("-assigned_at", "-id")
    )


def unit_suggestions(client: ApiClient) -> QuerySet[Suggestion]:
    if client.service_user is None:
        return Suggestion.objects.none()
    return (
        suggestion_permissions.suggestions_for(client.service_user)
        .filter(region__path__startswith=client.region.path)
        .select_related("deputy")
        .order_by("-assigned_at", "-id")
    )


def own_opinions(client: ApiClient) -> QuerySet[Opinion]:
    """The opinions this client passed in."""
    return Opinion.objects.filter(intake__client=client).select_related("intake", "station", "unit")


def opinion_by_reference(queryset: QuerySet[Opinion], reference: str) -> Opinion | None:
    pk = Opinion.pk_from_reference(reference)
    return queryset.filter(pk=pk).first() if pk is not None else None
