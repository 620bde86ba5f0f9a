from django.urls import path

from . import views_staff

patterns = [
    path("livelihood/", views_staff.project_list, name="livelihood_projects"),
    path("livelihood/new/", views_staff.project_new, name="livelihood_project_new"),
    path("livelihood/<int:pk>/", views_staff.project_detail, name="livelihood_project"),
    path("livelihood/<int:pk>/edit/", views_staff.project_edit, name="livelihood_project_edit"),
    path("livelihood/<int:pk>/<slug:action>/", views_staff.project_action, name="livelihood_project_action"),
    path("livelihood/ballots/", views_staff.ballot_list, name="livelihood_ballots"),
    path("livelihood/ballots/new/", views_staff.ballot_new, name="livelihood_ballot_new"),
    path("livelihood/ballots/<int:pk>/", views_staff.ballot_detail, name="livelihood_ballot"),
    path("livelihood/ballots/<int:pk>/edit/", views_staff.ballot_edit, name="livelihood_ballot_edit"),
    path("livelihood/ballots/<int:pk>/<slug:action>/", views_staff.ballot_action, name="livelihood_ballot_action"),
    path("livelihood/voters/", views_staff.voter_list, name="livelihood_voters"),
]
