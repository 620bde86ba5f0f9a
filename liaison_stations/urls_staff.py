"""URL patterns for the staff pages of the liaison stations app (mounted by congress/urls.py)."""

from django.urls import path

from . import views_staff as views
from . import views_visits

patterns = [
    path("stations/", views.station_list, name="stations"),
    path("stations/new/", views.station_new, name="station_new"),
    path("stations/statistics/", views.station_statistics, name="station_statistics"),
    path("stations/deputies/", views.station_deputy_list, name="station_deputies"),
    path("stations/visits/", views_visits.station_visit_list, name="station_visits"),
    path("stations/visits/new/", views_visits.station_visit_new, name="station_visit_new"),
    path("stations/visits/<int:pk>/", views_visits.station_visit_detail, name="station_visit"),
    path("stations/visits/<int:pk>/edit/", views_visits.station_visit_edit, name="station_visit_edit"),
    path("stations/visits/<int:pk>/delete/", views_visits.station_visit_delete, name="station_visit_delete"),
    path("stations/<int:pk>/", views.station_detail, name="station"),
    path("stations/<int:pk>/edit/", views.station_edit, name="station_edit"),
    path("stations/<int:pk>/checks/", views.station_checks, name="station_checks"),
    path("stations/<int:pk>/deputies/", views.station_assign, name="station_assign"),
    path(
        "stations/<int:pk>/deputies/<int:deputy_pk>/remove/",
        views.station_remove_deputy,
        name="station_remove_deputy",
    ),
    path("duty-days/", views.duty_day_list, name="duty_days"),
    path("duty-days/new/", views.duty_day_new, name="duty_day_new"),
    path("duty-days/<int:pk>/", views.duty_day_detail, name="duty_day"),
    path("duty-days/<int:pk>/record/", views.duty_day_record, name="duty_day_record"),
    path("duty-days/<int:pk>/cancel/", views.duty_day_cancel, name="duty_day_cancel"),
    path("duty-days/<int:pk>/opinions/new/", views.duty_day_opinion_new, name="duty_day_opinion_new"),
    path("opinions/", views.opinion_list, name="opinions"),
    path("opinions/<int:pk>/", views.opinion_detail, name="opinion"),
    path(
        "opinions/<int:pk>/<slug:action>/",
        views.opinion_action,
        name="opinion_action",
    ),
]
