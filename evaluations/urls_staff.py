"""URL patterns for the office's evaluation pages (mounted under the "staff" namespace)."""

from django.urls import path

from . import views_awards, views_dashboard, views_file, views_term, views_units

patterns = [
    # Deputies' files and scores.
    path("deputies/<int:pk>/file/<int:year>/", views_file.staff_file, name="deputy_file"),
    # The term report (任期履职报告) and the deputies whose term ends, for renomination.
    path("deputies/<int:pk>/term/", views_term.staff_term_report, name="deputy_term"),
    path("deputies/<int:pk>/term/<int:congress>/", views_term.staff_term_report, name="deputy_term_congress"),
    path("terms/", views_term.terms_ending, name="terms_ending"),
    # The year's awards (三优三先).
    path("awards/", views_awards.awards_page, name="awards"),
    path("awards/nominate/", views_awards.nominate, name="awards_nominate"),
    path("awards/<int:pk>/<str:step>/", views_awards.nomination_step, name="nomination_step"),
    path("scores/", views_file.staff_scores, name="scores"),
    path("scores/<int:pk>/adjust/", views_file.score_adjust, name="score_adjust"),
    # Units' assessment and the representative groups.
    path("units/assessment/", views_units.unit_assessment_page, name="unit_assessment"),
    path("groups/", views_units.groups_page, name="groups"),
    path("groups/<int:pk>/note/<int:year>/", views_units.group_note, name="group_note"),
    # The dashboard and the year report.
    path("dashboard/", views_dashboard.dashboard_view, name="dashboard"),
    path("report/<int:year>/", views_dashboard.year_report, name="year_report"),
]
