from django.urls import path

from . import views_public

patterns = [
    path("livelihood/", views_public.home, name="livelihood"),
    path("livelihood/ballots/<int:pk>/", views_public.ballot, name="livelihood_ballot"),
    path("livelihood/projects/<int:pk>/", views_public.project, name="livelihood_project"),
]
