from django.urls import path

from . import views_deputy

patterns = [
    path("training/", views_deputy.home, name="training"),
    path("training/quizzes/<int:pk>/start/", views_deputy.quiz_start, name="training_quiz_start"),
    path("training/attempts/<int:pk>/", views_deputy.attempt, name="training_attempt"),
]
