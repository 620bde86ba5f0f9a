from django.urls import path

from . import views_quiz_staff, views_staff

patterns = [
    path("training/", views_staff.course_list, name="training_courses"),
    path("training/new/", views_staff.course_new, name="training_course_new"),
    path("training/<int:pk>/", views_staff.course_detail, name="training_course"),
    path("training/sessions/<int:pk>/", views_staff.session_detail, name="training_session"),
    path("training/induction/", views_staff.induction, name="training_induction"),
    path("training/sessions/", views_staff.session_list, name="training_sessions"),
    path("training/attendance/", views_staff.attendance_list, name="training_attendances"),
    path("training/questions/", views_quiz_staff.question_list, name="training_questions"),
    path("training/questions/new/", views_quiz_staff.question_new, name="training_question_new"),
    path("training/questions/<int:pk>/", views_quiz_staff.question_edit, name="training_question"),
    path("training/quizzes/", views_quiz_staff.quiz_list, name="training_quizzes"),
    path("training/quizzes/new/", views_quiz_staff.quiz_new, name="training_quiz_new"),
    path("training/quizzes/<int:pk>/", views_quiz_staff.quiz_detail, name="training_quiz"),
    path("training/attempts/", views_quiz_staff.attempt_list, name="training_attempts"),
]
