"""Machine clients' routes: the versioned JSON API under ``api/v1/`` and Open311 GeoReport v2 under ``open311/``.
congress/urls.py mounts ``patterns`` at the site root."""

from django.urls import include, path, re_path

from . import open311, views

v1 = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(), name="docs"),
    path("deputies/", views.DeputyList.as_view(), name="deputies"),
    path("deputies/<str:public_id>/", views.DeputyDetail.as_view(), name="deputy"),
    path("stations/", views.StationList.as_view(), name="stations"),
    path("stations/<str:public_id>/", views.StationDetail.as_view(), name="station"),
    path("duty-days/", views.DutyDayList.as_view(), name="duty_days"),
    path("outcomes/", views.OutcomeList.as_view(), name="outcomes"),
    path("opinions/", views.OpinionCreate.as_view(), name="opinions"),
    path("opinions/<str:reference>/", views.OpinionDetail.as_view(), name="opinion"),
    path("unit/opinions/", views.UnitOpinionList.as_view(), name="unit_opinions"),
    path("unit/opinions/<str:reference>/", views.UnitOpinionDetail.as_view(), name="unit_opinion"),
    path("unit/opinions/<str:reference>/reply/", views.UnitOpinionReply.as_view(), name="unit_opinion_reply"),
    path("unit/suggestions/", views.UnitSuggestionList.as_view(), name="unit_suggestions"),
]

georeport = [
    re_path(r"^services\.(?P<fmt>json|xml)$", open311.ServiceList.as_view(), name="services"),
    re_path(r"^requests\.(?P<fmt>json|xml)$", open311.RequestList.as_view(), name="requests"),
    re_path(
        r"^requests/(?P<service_request_id>[A-Za-z0-9]+)\.(?P<fmt>json|xml)$",
        open311.RequestDetail.as_view(),
        name="request",
    ),
]

patterns: list = [
    path("api/v1/", include((v1, "api"))),
    path("open311/v2/", include((georeport, "open311"))),
]

__all__ = ["patterns"]
