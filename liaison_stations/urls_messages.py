"""URL patterns for voters' messages to one deputy: the public form, and the deputy's own pages ("me")."""

from django.urls import path

from . import views_messages as views

public_patterns = [
    path("deputies/<uuid:public_id>/message/", views.deputy_message, name="deputy_message"),
    path("deputies/<uuid:public_id>/message/done/", views.deputy_message_done, name="deputy_message_done"),
]

deputy_patterns = [
    path("messages/", views.my_messages, name="messages"),
    path("messages/<int:pk>/", views.my_message, name="message"),
    path("messages/<int:pk>/answer/", views.message_answer, name="message_answer"),
    path("messages/<int:pk>/pass/", views.message_pass, name="message_pass"),
]
