"""URL patterns for a deputy's duty days and received opinions (mounted under the "me" namespace)."""

from django.urls import path

from . import views_deputy

patterns = [
    path("duty-days/", views_deputy.my_duty_days, name="duty_days"),
    path("duty-days/<int:pk>/", views_deputy.my_duty_day, name="duty_day"),
    path("opinions/", views_deputy.my_opinions, name="opinions"),
    path("opinions/new/", views_deputy.opinion_new, name="opinion_new"),
    path("opinions/<int:pk>/", views_deputy.my_opinion, name="opinion"),
]
