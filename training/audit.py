"""Field history (django-auditlog) of courses, sessions and attendance."""

from representatives.audit import register

from .models import Attendance, Course, Question, Quiz, QuizAttempt, TrainingSession

register(Course, "congress__region")
register(TrainingSession, "course__congress__region")
register(Attendance, "session__course__congress__region")
register(Question, "region")
register(Quiz, "congress__region")
register(QuizAttempt, "quiz__congress__region")
