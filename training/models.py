"""培训与测试: courses the office organises for deputies, their sessions, and who attended each one.

A session's invitees are its ``Attendance`` rows (written when the session is scheduled, from the roster of the
course's congress); staff then mark who came. Attendance feeds the deputy's file (一人一档) and the induction
coverage of a term (初任培训全覆盖: every deputy of the current term has attended a course marked as induction).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from representatives.models import Congress, Deputy, Level


class Course(models.Model):
    """A training course (培训班) for the deputies of one congress."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("人民代表大会"), on_delete=models.PROTECT, related_name="training_courses"
    )
    title = models.CharField(_("培训主题"), max_length=200)
    organiser = models.CharField(_("主办单位"), max_length=200)
    level = models.PositiveSmallIntegerField(_("培训层级"), choices=Level.choices)
    is_induction = models.BooleanField(_("初任培训"), default=False, help_text=_("本届新任代表须参加的初任履职培训。"))
    description = models.TextField(_("培训内容"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class TrainingSession(models.Model):
    """One sitting of a course: a date, a place and the hours that count for the deputies who attended."""

    course = models.ForeignKey(Course, verbose_name=_("培训班"), on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=200)
    hours = models.DecimalField(
        _("学时"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(99)],
    )
    attendance_recorded = models.BooleanField(_("已登记出勤"), default=False)

    class Meta:
        verbose_name = _("培训场次")
        verbose_name_plural = _("培训场次")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["date"])]

    def __str__(self):
        return f"{self.course} · {self.date:%Y-%m-%d}"


class Attendance(models.Model):
    """A deputy invited to a session, and whether they came."""

    session = models.ForeignKey(
        TrainingSession, verbose_name=_("培训场次"), on_delete=models.CASCADE, related_name="attendances"
    )
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("代表"), on_delete=models.CASCADE, related_name="training_attendances"
    )
    attended = models.BooleanField(_("出席"), default=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("培训出勤")
        verbose_name_plural = _("培训出勤")
        ordering = ["session_id", "deputy__name", "deputy_id"]
        constraints = [models.UniqueConstraint(fields=["session", "deputy"], name="training_attendance_once")]
        indexes = [models.Index(fields=["deputy", "attended"])]

    def __str__(self):
        return f"{self.deputy} · {self.session}"


class Question(models.Model):
    """A question of the bank (题库), kept by the office of a region under a topic."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("单选题")
        MULTIPLE = "multiple", _("多选题")
        TRUE_FALSE = "true_false", _("判断题")

    region = models.ForeignKey(
        "representatives.Region", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(_("专题"), max_length=50, db_index=True)
    kind = models.CharField(_("题型"), max_length=12, choices=Kind.choices, default=Kind.SINGLE)
    text = models.TextField(_("题目"))
    # The options in order; a true/false question has none (its options are 正确/错误).
    options = models.JSONField(_("选项"), default=list, blank=True)
    # Indexes into the options (true/false: [0] is 正确, [1] is 错误), sorted.
    answer = models.JSONField(_("答案"), default=list)
    explanation = models.TextField(_("解析"), blank=True)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("试题")
        verbose_name_plural = _("试题")
        ordering = ["topic", "id"]

    def __str__(self):
        return self.text[:40]

    @property
    def choices(self) -> list[str]:
        if self.kind == self.Kind.TRUE_FALSE:
            return [str(_("正确")), str(_("错误"))]
        return list(self.options)


class Quiz(models.Model):
    """A test drawn at random from topics of the bank, for the serving deputies of one congress."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("人民代表大会"), on_delete=models.PROTECT, related_name="training_quizzes"
    )
    title = models.CharField(_("名称"), max_length=200)
    topics = models.JSONField(_("专题"), default=list)
    question_count = models.PositiveSmallIntegerField(
        _("题数"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    minutes = models.PositiveSmallIntegerField(
        _("答题时限（分钟）"), default=20, validators=[MinValueValidator(1), MaxValueValidator(180)]
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("允许作答次数"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    is_open = models.BooleanField(_("开放作答"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("测试")
        verbose_name_plural = _("测试")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class QuizAttempt(models.Model):
    """One deputy's sitting of a quiz: started → submitted, or expired when the time ran out unsent. The
    deadline is the server's; an answer sent after it is refused."""

    class Status(models.TextChoices):
        STARTED = "started", _("答题中")
        SUBMITTED = "submitted", _("已交卷")
        EXPIRED = "expired", _("已超时")

    quiz = models.ForeignKey(Quiz, verbose_name=_("测试"), on_delete=models.CASCADE, related_name="attempts")
    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.CASCADE, related_name="quiz_attempts")
    number = models.PositiveSmallIntegerField(_("第几次"), default=1)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.STARTED)
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    deadline = models.DateTimeField(_("截止时间"))
    submitted_at = models.DateTimeField(_("交卷时间"), null=True, blank=True)
    correct = models.PositiveSmallIntegerField(_("答对题数"), default=0)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = _("答题记录")
        verbose_name_plural = _("答题记录")
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["quiz", "deputy", "number"], name="training_attempt_number")]

    def __str__(self):
        return f"{self.deputy} · {self.quiz}"


class AttemptAnswer(models.Model):
    """A question drawn for an attempt, in its order, and what the deputy chose."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    position = models.PositiveSmallIntegerField()
    chosen = models.JSONField(default=list)
    is_correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["attempt_id", "position"]
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="training_answer_once")]

    def __str__(self):
        return f"{self.attempt_id}:{self.position}"
