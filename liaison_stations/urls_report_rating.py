"""URL patterns for voters' rating of a report to voters: the public page and QR, and opening it (me, staff)."""

from django.urls import path

from . import views_report_rating as views

public_patterns = [
    path("report/<uuid:public_id>/", views.report_rating, name="report_rating"),
    path("report/<uuid:public_id>/qr.svg", views.report_rating_qr, name="report_rating_qr"),
]

deputy_patterns = [
    path("activities/<int:pk>/rating/", views.report_rating_open_me, name="report_rating_open"),
]

staff_patterns = [
    path("activities/<int:pk>/rating/", views.report_rating_open_staff, name="report_rating_open"),
]
