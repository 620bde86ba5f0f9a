from django.urls import path

from . import views_deputy

patterns = [
    path("livelihood/", views_deputy.home, name="livelihood"),
    path("livelihood/ballots/<int:pk>/", views_deputy.ballot, name="livelihood_ballot"),
    path("livelihood/projects/<int:pk>/", views_deputy.project, name="livelihood_project"),
]
