"""URL patterns for the public pages of the liaison stations app (mounted by congress/urls.py)."""

from django.urls import path

from . import views_public as views

patterns = [
    path("stations/", views.station_list, name="stations"),
    path("stations/<uuid:public_id>/", views.station_detail, name="station"),
    path("stations/<uuid:public_id>/qr.svg", views.station_qr, name="station_qr"),
    path("stations/<uuid:public_id>/opinion/", views.opinion_form, name="opinion_form"),
    path("stations/<uuid:public_id>/opinion/done/", views.opinion_done, name="opinion_done"),
    path("track/", views.track, name="track"),
    path("outcomes/", views.outcomes, name="outcomes"),
]
