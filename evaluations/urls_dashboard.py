"""URL patterns for the evaluations app's dashboard pages (collected by evaluations/urls.py)."""

from django.urls import path

from . import views_dashboard

deputy_patterns = []
staff_patterns = [
    path("dashboard/", views_dashboard.dashboard_view, name="dashboard"),
    path("report/<int:year>/", views_dashboard.year_report, name="year_report"),
]
