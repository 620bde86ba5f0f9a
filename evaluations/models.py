"""Annual evaluation: session attendance, the office's scoring rules, and the stored results.

Scores are computed in the database from what the other apps recorded (activities, suggestions, duty days,
attendance), never typed twice. A result row keeps the counts and points per metric, so a deputy can see how
each item was counted, and the rule-set version it was computed with.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from representatives.models import Congress, Deputy, Group, Region


class CongressSession(models.Model):
    """A plenary session of a congress (大会), whose attendance counts towards the year."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("人民代表大会"), on_delete=models.PROTECT, related_name="sessions"
    )
    name = models.CharField(_("名称"), max_length=100, help_text=_("例如：第十七届人民代表大会第五次会议"))
    start_date = models.DateField(_("开幕日期"))
    end_date = models.DateField(_("闭幕日期"))

    class Meta:
        verbose_name = _("代表大会会议")
        verbose_name_plural = _("代表大会会议")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="session_dates_ordered")
        ]

    def __str__(self):
        return self.name


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("出席")
        LEAVE = "leave", _("请假")
        ABSENT = "absent", _("缺席（未请假）")

    session = models.ForeignKey(CongressSession, on_delete=models.CASCADE, related_name="attendance")
    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(_("出席情况"), max_length=10, choices=Status.choices)
    speeches = models.PositiveSmallIntegerField(_("发言次数"), default=0)

    class Meta:
        verbose_name = _("出席记录")
        verbose_name_plural = _("出席记录")
        constraints = [models.UniqueConstraint(fields=["session", "deputy"], name="attendance_once")]
        indexes = [models.Index(fields=["deputy", "status"])]

    def __str__(self):
        return f"{self.deputy} · {self.session}"


class Metric(models.TextChoices):
    """What a rule item counts, and from which records (the source is fixed; points and caps are the office's)."""

    ATTENDANCE = "attendance", _("出席代表大会会议")
    ABSENCE = "absence", _("无故缺席代表大会会议")
    SUGGESTION_LED = "suggestion_led", _("领衔提出建议（已立案）")
    SUGGESTION_COSIGNED = "suggestion_cosigned", _("联名提出建议")
    CLOSED_SESSION = "closed_session", _("视察、调研、执法检查、听证")
    DUTY_DAY = "duty_day", _("进站接待选民")
    REPORT = "report", _("向选民述职")
    TRAINING = "training", _("学习培训")
    GROUP = "group", _("代表小组活动")
    OTHER = "other", _("其他履职活动")


METRICS = [m.value for m in Metric]


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


class Warning(models.TextChoices):  # noqa: A001 — the domain's own word (预警)
    NONE = "", _("无")
    YELLOW = "yellow", _("黄色预警")
    ORANGE = "orange", _("橙色预警")
    RED = "red", _("红色预警")


class RuleSet(models.Model):
    """One office's scoring rules for one year; copied from last year and edited in the admin."""

    region = models.ForeignKey(Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="rule_sets")
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=100)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    red_two_years_below = models.DecimalField(
        _("连续两年低于此分数为红色预警"), max_digits=6, decimal_places=1, null=True, blank=True, default=Decimal("40")
    )
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("考评规则")
        verbose_name_plural = _("考评规则")
        ordering = ["-year", "region__path"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="rule_set_one_per_region_year")]

    def __str__(self):
        return f"{self.region} {self.year} {self.name}"


class RuleItem(models.Model):
    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="items")
    metric = models.CharField(_("考评项目"), max_length=30, choices=Metric.choices)
    points = models.DecimalField(_("每次得分"), max_digits=6, decimal_places=1, help_text=_("扣分项填负数。"))
    cap = models.DecimalField(_("上限"), max_digits=6, decimal_places=1, null=True, blank=True)
    bonus = models.DecimalField(
        _("选民评议为“好”时加分"), max_digits=6, decimal_places=1, default=0, help_text=_("仅用于向选民述职。")
    )

    class Meta:
        verbose_name = _("考评项目")
        verbose_name_plural = _("考评项目")
        ordering = ["rule_set", "metric"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "metric"], name="rule_item_once_per_metric")]

    def __str__(self):
        return self.get_metric_display()

    def clean(self):
        if self.cap is not None and self.cap < 0:
            raise ValidationError({"cap": _("上限不能为负数。")})
        if self.metric == Metric.ABSENCE and self.points > 0:
            raise ValidationError({"points": _("缺席是扣分项，请填负数。")})


class GradeBand(models.Model):
    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="grades")
    grade = models.CharField(_("等次"), max_length=12, choices=Grade.choices)
    min_points = models.DecimalField(_("最低分"), max_digits=6, decimal_places=1)

    class Meta:
        verbose_name = _("等次")
        verbose_name_plural = _("等次")
        ordering = ["-min_points"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "grade"], name="grade_once")]

    def __str__(self):
        return f"{self.get_grade_display()} ≥ {self.min_points}"


class WarningBand(models.Model):
    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="warnings")
    level = models.CharField(_("预警"), max_length=10, choices=[c for c in Warning.choices if c[0]])
    below_points = models.DecimalField(_("低于"), max_digits=6, decimal_places=1)

    class Meta:
        verbose_name = _("预警线")
        verbose_name_plural = _("预警线")
        ordering = ["below_points"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "level"], name="warning_once")]

    def __str__(self):
        return f"{self.get_level_display()} < {self.below_points}"


class ScoreRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("计算中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="runs")
    rule_set_version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    deputies_scored = models.PositiveIntegerField(_("写入结果数"), default=0)
    # Results of the previous run that this one replaced: bulk SQL writes no per-row history, so the run
    # itself says how many rows it changed.
    scores_replaced = models.PositiveIntegerField(_("替换原有结果数"), default=0)
    error = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("考评计算")
        verbose_name_plural = _("考评计算")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.rule_set} · {self.get_status_display()}"

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


def _count_field(metric):
    return models.PositiveIntegerField(default=0)


def _points_field(metric):
    return models.DecimalField(max_digits=7, decimal_places=1, default=0)


class Score(models.Model):
    """One deputy's result for one rule set: counts and points per metric, total, grade and warning."""

    # No single-column indexes on the two keys: the composite indexes below start with them, and every extra
    # index is rewritten for each of a province's 300,000 rows at every run.
    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="scores", db_index=False)
    rule_set_version = models.PositiveIntegerField()
    year = models.PositiveSmallIntegerField()
    deputy = models.ForeignKey(Deputy, on_delete=models.CASCADE, related_name="scores", db_index=False)
    n_attendance = _count_field("attendance")
    n_absence = _count_field("absence")
    n_suggestion_led = _count_field("suggestion_led")
    n_suggestion_cosigned = _count_field("suggestion_cosigned")
    n_closed_session = _count_field("closed_session")
    n_duty_day = _count_field("duty_day")
    n_report = _count_field("report")
    n_report_good = models.PositiveIntegerField(default=0)
    n_training = _count_field("training")
    n_group = _count_field("group")
    n_other = _count_field("other")
    p_attendance = _points_field("attendance")
    p_absence = _points_field("absence")
    p_suggestion_led = _points_field("suggestion_led")
    p_suggestion_cosigned = _points_field("suggestion_cosigned")
    p_closed_session = _points_field("closed_session")
    p_duty_day = _points_field("duty_day")
    p_report = _points_field("report")
    p_training = _points_field("training")
    p_group = _points_field("group")
    p_other = _points_field("other")
    computed_total = models.DecimalField(_("计算得分"), max_digits=7, decimal_places=1, default=0)
    adjustment = models.DecimalField(_("调整分"), max_digits=7, decimal_places=1, default=0)
    total = models.DecimalField(_("总分"), max_digits=7, decimal_places=1, default=0)
    grade = models.CharField(_("等次"), max_length=12, choices=Grade.choices, blank=True)
    warning = models.CharField(_("预警"), max_length=10, choices=Warning.choices, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("考评结果")
        verbose_name_plural = _("考评结果")
        ordering = ["-total", "deputy_id"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "deputy"], name="score_once_per_rule_set")]
        indexes = [
            models.Index(fields=["rule_set", "-total"]),
            models.Index(fields=["deputy", "year"]),
            models.Index(fields=["rule_set", "grade"]),
            models.Index(fields=["rule_set", "warning"]),
        ]

    def __str__(self):
        return f"{self.deputy} {self.year}: {self.total}"

    def breakdown(self, items) -> list[dict]:
        """(metric, label, count, points, rule) rows for the rule set's items, for the deputy's page."""
        rows = []
        for item in items:
            rows.append(
                {
                    "metric": item.metric,
                    "label": item.get_metric_display(),
                    "count": getattr(self, f"n_{item.metric}"),
                    "points": getattr(self, f"p_{item.metric}"),
                    "item": item,
                    "good": self.n_report_good if item.metric == Metric.REPORT else None,
                }
            )
        return rows


class ScoreAdjustment(models.Model):
    """A staff member's correction of a computed score, with the reason; it survives re-runs."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="adjustments")
    deputy = models.ForeignKey(Deputy, on_delete=models.CASCADE, related_name="score_adjustments")
    points = models.DecimalField(_("调整分"), max_digits=6, decimal_places=1)
    reason = models.CharField(_("理由"), max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("考评调整")
        verbose_name_plural = _("考评调整")
        ordering = ["at"]
        indexes = [models.Index(fields=["rule_set", "deputy"])]

    def __str__(self):
        return f"{self.deputy} {self.points:+}"


class UnitRuleSet(models.Model):
    """How handling units are scored for a year: points for on-time replies, satisfaction and kept promises."""

    region = models.ForeignKey(Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="unit_rule_sets")
    year = models.PositiveSmallIntegerField(_("年度"))
    on_time_weight = models.DecimalField(_("按时答复率权重"), max_digits=5, decimal_places=1, default=40)
    satisfaction_weight = models.DecimalField(_("满意率权重"), max_digits=5, decimal_places=1, default=40)
    promise_weight = models.DecimalField(_("B类承诺兑现率权重"), max_digits=5, decimal_places=1, default=20)
    rehandle_penalty = models.DecimalField(_("每件重新办理扣分"), max_digits=5, decimal_places=1, default=2)
    overdue_penalty = models.DecimalField(_("每件逾期扣分"), max_digits=5, decimal_places=1, default=1)

    class Meta:
        verbose_name = _("承办单位考评规则")
        verbose_name_plural = _("承办单位考评规则")
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="unit_rule_set_one_per_region_year")]

    def __str__(self):
        return f"{self.region} {self.year}"


class GroupYearNote(models.Model):
    """What a representative group's "五个一" checklist cannot read from the records (a problem solved, an exchange)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="year_notes")
    year = models.PositiveSmallIntegerField(_("年度"))
    problem_solved = models.TextField(_("推动解决的问题"), blank=True, max_length=2000)
    exchange = models.TextField(_("交流活动"), blank=True, max_length=2000)
    research_report = models.TextField(_("调研报告"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("代表小组年度记录")
        verbose_name_plural = _("代表小组年度记录")
        constraints = [models.UniqueConstraint(fields=["group", "year"], name="group_note_once_per_year")]

    def __str__(self):
        return f"{self.group} {self.year}"


class Nomination(models.Model):
    """A nominee for the year's awards (三优三先): an outstanding deputy, suggestion or handling unit, chosen by an
    office from the records, decided with reasons and, once awarded, published on the public site."""

    class Category(models.TextChoices):
        DEPUTY = "deputy", _("优秀人大代表")
        SUGGESTION = "suggestion", _("优秀议案建议")
        UNIT = "unit", _("优秀建议承办单位")

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("已提名")
        AWARDED = "awarded", _("评为优秀")
        DECLINED = "declined", _("未评上")
        PUBLISHED = "published", _("已公布")

    region = models.ForeignKey(Region, verbose_name=_("评选单位"), on_delete=models.PROTECT, related_name="nominations")
    year = models.PositiveSmallIntegerField(_("年度"))
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices)
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("代表"), null=True, blank=True, on_delete=models.PROTECT, related_name="nominations"
    )
    suggestion = models.ForeignKey(
        "suggestions.Suggestion",
        verbose_name=_("建议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    unit = models.ForeignKey(
        "representatives.HandlingUnit",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    reason = models.TextField(_("提名理由"), max_length=2000)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.NOMINATED)
    decision_reason = models.TextField(_("评选意见"), max_length=2000, blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("提名人")
    )
    nominated_at = models.DateTimeField(_("提名时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("评选时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评优提名")
        verbose_name_plural = _("评优提名")
        ordering = ["-year", "category", "id"]
        constraints = [
            # Exactly the nominee the category names, and nothing else.
            models.CheckConstraint(
                condition=(
                    Q(category="deputy", deputy__isnull=False, suggestion__isnull=True, unit__isnull=True)
                    | Q(category="suggestion", deputy__isnull=True, suggestion__isnull=False, unit__isnull=True)
                    | Q(category="unit", deputy__isnull=True, suggestion__isnull=True, unit__isnull=False)
                ),
                name="nomination_names_its_nominee",
            ),
            models.CheckConstraint(
                condition=Q(status="nominated") | ~Q(decision_reason=""), name="nomination_decision_has_reason"
            ),
            models.UniqueConstraint(fields=["region", "year", "deputy"], name="nomination_deputy_once"),
            models.UniqueConstraint(fields=["region", "year", "suggestion"], name="nomination_suggestion_once"),
            models.UniqueConstraint(fields=["region", "year", "unit"], name="nomination_unit_once"),
        ]
        indexes = [models.Index(fields=["status", "year"])]

    def __str__(self):
        return f"{self.year} {self.get_category_display()} · {self.nominee}"

    @property
    def nominee(self) -> object:
        return self.deputy or self.suggestion or self.unit
