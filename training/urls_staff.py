from django.urls import path

from . import views_staff

patterns = [
    path("training/", views_staff.course_list, name="training_courses"),
    path("training/new/", views_staff.course_new, name="training_course_new"),
    path("training/<int:pk>/", views_staff.course_detail, name="training_course"),
    path("training/sessions/<int:pk>/", views_staff.session_detail, name="training_session"),
    path("training/induction/", views_staff.induction, name="training_induction"),
]
