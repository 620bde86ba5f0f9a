"""Deputies' suggestions, criticisms and opinions (代表建议、批评和意见) from draft to closing.

draft → submitted → registered (立案) or not registered (不予立案, handled as a letter) → assigned (交办) to a
lead unit and co-units, or split among units → replied (答复, class A/B/C) → rated by the deputy →
closed (办结), or re-handled (重新办理) when rated unsatisfied. B-class promises stay open until the unit
reports them done and the office confirms: "replied" and "actually solved" are two figures.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import StoredUpload
from representatives.models import Congress, Deputy, HandlingUnit, Region


class Category(models.TextChoices):
    ECONOMY = "economy", _("经济发展")
    URBAN = "urban", _("城乡建设")
    AGRICULTURE = "agriculture", _("农业农村")
    ENVIRONMENT = "environment", _("生态环境")
    EDUCATION = "education", _("教育科技")
    HEALTH = "health", _("医疗卫生")
    SOCIAL = "social", _("社会保障")
    TRANSPORT = "transport", _("交通运输")
    GOVERNANCE = "governance", _("政府治理与法治")
    OTHER = "other", _("其他")


class SuggestionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=Suggestion.OPEN_STATES)


class Suggestion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        REGISTERED = "registered", _("已立案")
        NOT_REGISTERED = "not_registered", _("不予立案")
        ASSIGNED = "assigned", _("办理中")
        REPLIED = "replied", _("已答复")
        CLOSED = "closed", _("已办结")

    class Period(models.TextChoices):
        SESSION = "session", _("大会期间")
        BETWEEN = "between", _("闭会期间")

    OPEN_STATES = ("submitted", "registered", "assigned", "replied")

    congress = models.ForeignKey(
        Congress, verbose_name=_("人民代表大会"), on_delete=models.PROTECT, related_name="suggestions"
    )
    # The congress's region, copied so that scoping by region is one indexed prefix match on this table.
    region = models.ForeignKey(Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="suggestions")
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("领衔代表"), on_delete=models.PROTECT, related_name="led_suggestions"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("编号"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    body = models.TextField(_("内容"), max_length=20000)
    period = models.CharField(_("提出时间"), max_length=10, choices=Period.choices, default=Period.BETWEEN)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    refusal_reason = models.TextField(_("不予立案理由"), blank=True, max_length=2000)
    is_key = models.BooleanField(_("重点督办"), default=False)
    supervising_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("领衔督办领导"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_suggestions",
    )
    is_complex = models.BooleanField(_("情况复杂"), default=False, help_text=_("办理期限为六个月。"))
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    source_opinion = models.CharField(_("来源选民意见"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    registered_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("代表建议")
        verbose_name_plural = _("代表建议")
        ordering = ["-year", "-number", "-id"]
        indexes = [
            models.Index(fields=["region", "status", "-id"]),
            models.Index(fields=["deputy", "-id"]),
            models.Index(fields=["status", "-id"]),
            models.Index(fields=["supervising_leader", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "year", "number"],
                condition=Q(number__isnull=False),
                name="suggestion_number_unique",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_registered") | ~Q(refusal_reason=""), name="suggestion_refusal_has_reason"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def number_label(self) -> str:
        return _("第%(n)d号") % {"n": self.number} if self.number else "—"


class CoSigner(models.Model):
    """A deputy invited to co-sign (联名/附议); they accept or decline on their own page."""

    class Status(models.TextChoices):
        INVITED = "invited", _("待确认")
        ACCEPTED = "accepted", _("已联名")
        DECLINED = "declined", _("已谢绝")

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="cosigners")
    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.CASCADE, related_name="cosignatures")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.INVITED)
    invited_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("联名代表")
        verbose_name_plural = _("联名代表")
        constraints = [models.UniqueConstraint(fields=["suggestion", "deputy"], name="cosigner_once")]
        indexes = [models.Index(fields=["deputy", "status"])]

    def __str__(self):
        return f"{self.deputy} · {self.suggestion}"


def attachment_path(instance, filename):
    # Stored under a random name; what the deputy called the file lives in original_name only.
    return f"attachments/suggestions/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


def reply_document_path(instance, filename):
    return f"attachments/replies/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class Attachment(StoredUpload):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)

    class Meta:
        verbose_name = _("建议附件")
        verbose_name_plural = _("建议附件")


class Assignment(models.Model):
    """One unit's part in handling a suggestion in one round."""

    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        CO = "co", _("协办")
        SPLIT = "split", _("分办")

    class Status(models.TextChoices):
        ACTIVE = "active", _("办理中")
        REASSIGN_REQUESTED = "reassign_requested", _("申请调整")
        REASSIGNED = "reassigned", _("已调整")
        DONE = "done", _("已完成")

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        HandlingUnit, verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("办理方式"), max_length=10, choices=Role.choices)
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    assigned_at = models.DateTimeField(_("交办时间"), default=timezone.now)
    deadline = models.DateField(_("答复期限"))
    reassign_reason = models.TextField(_("申请调整理由"), blank=True, max_length=2000)
    reassign_requested_at = models.DateTimeField(null=True, blank=True)
    co_opinion = models.TextField(_("协办意见"), blank=True, max_length=5000)
    co_opinion_at = models.DateTimeField(_("协办意见提交时间"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("交办")
        verbose_name_plural = _("交办")
        ordering = ["round", "role", "id"]
        indexes = [
            models.Index(fields=["unit", "status", "deadline"]),
            models.Index(fields=["status", "deadline"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "unit", "round"],
                condition=~Q(status="reassigned"),
                name="assignment_one_live_part_per_unit_and_round",
            ),
        ]

    def __str__(self):
        return f"{self.suggestion} → {self.unit} ({self.get_role_display()})"

    @property
    def replies_to_deputy(self) -> bool:
        return self.role in (self.Role.LEAD, self.Role.SPLIT)

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.ACTIVE and self.deadline < timezone.localdate()

    @property
    def is_rated(self) -> bool:
        """Whether the deputy has rated this part (``UnitRating``); no query when the page selected ``rating``."""
        return hasattr(self, "rating")  # the missing reverse one-to-one raises an AttributeError subclass


class ContactLog(models.Model):
    """办前有沟通、办中有联系、办后有反馈: the unit's contacts with the deputy."""

    class Stage(models.TextChoices):
        BEFORE = "before", _("办理前")
        DURING = "during", _("办理中")
        AFTER = "after", _("办理后")

    class Method(models.TextChoices):
        PHONE = "phone", _("电话")
        MEETING = "meeting", _("面商")
        VISIT = "visit", _("实地走访")
        OTHER = "other", _("其他")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="contacts")
    stage = models.CharField(_("阶段"), max_length=10, choices=Stage.choices)
    method = models.CharField(_("方式"), max_length=10, choices=Method.choices)
    date = models.DateField(_("日期"))
    note = models.TextField(_("情况"), max_length=2000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("沟通记录")
        verbose_name_plural = _("沟通记录")
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.get_stage_display()} {self.date}"


class ReplyClass(models.TextChoices):
    A = "A", _("A类：已解决或采纳")
    B = "B", _("B类：正在解决或列入计划")
    C = "C", _("C类：因条件限制留作参考")


class Reply(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="replies")
    reply_class = models.CharField(_("答复类别"), max_length=1, choices=ReplyClass.choices)
    text = models.TextField(_("答复内容"), max_length=20000)
    promised_date = models.DateField(_("承诺完成时间"), null=True, blank=True)
    reason = models.TextField(_("留作参考的原因"), blank=True, max_length=2000)
    # The lead unit waits for its co-units' opinions; when it may not, it says why it went ahead without them.
    ahead_reason = models.TextField(_("未等协办意见先行答复的理由"), blank=True, max_length=2000)
    document = models.FileField(_("答复函（盖章 PDF）"), upload_to=reply_document_path)
    replied_at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    promise_done_at = models.DateTimeField(_("单位报告完成时间"), null=True, blank=True)
    promise_done_note = models.TextField(_("完成情况"), blank=True, max_length=2000)
    promise_confirmed_at = models.DateTimeField(_("确认完成时间"), null=True, blank=True)
    promise_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["replied_at", "id"]
        indexes = [
            # The promises a unit has yet to report (its start page's figure, its list's narrowing): a province has
            # tens of thousands of B-class replies, and without it each unit's count scanned them all (20 ms).
            models.Index(
                fields=["assignment"],
                name="reply_open_promise",
                condition=Q(reply_class="B", promise_done_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reply_class="B") | Q(promised_date__isnull=False), name="reply_b_has_promised_date"
            ),
            models.CheckConstraint(condition=~Q(reply_class="C") | ~Q(reason=""), name="reply_c_has_reason"),
        ]

    def __str__(self):
        return f"{self.assignment} · {self.reply_class}"

    def clean(self):
        if self.reply_class == ReplyClass.B and not self.promised_date:
            raise ValidationError({"promised_date": _("B类答复须写明承诺完成时间。")})
        if self.reply_class == ReplyClass.C and not self.reason.strip():
            raise ValidationError({"reason": _("C类答复须说明留作参考的原因。")})

    @property
    def promise_open(self) -> bool:
        return self.reply_class == ReplyClass.B and self.promise_confirmed_at is None


class Evaluation(models.Model):
    """The rating of a suggestion's round as a whole, derived from the deputy's ratings of each unit's part
    (``UnitRating``) once all are in: the lowest of them (see ``figures``)."""

    class Value(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        UNSATISFIED = "unsatisfied", _("不满意")

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="evaluations")
    round = models.PositiveSmallIntegerField(_("办理轮次"))
    value = models.CharField(_("评价"), max_length=12, choices=Value.choices)
    comment = models.TextField(_("意见"), blank=True, max_length=2000)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("满意度评价")
        verbose_name_plural = _("满意度评价")
        ordering = ["round"]
        constraints = [models.UniqueConstraint(fields=["suggestion", "round"], name="evaluation_once_per_round")]

    def __str__(self):
        return f"{self.suggestion} · {self.get_value_display()}"


class UnitRating(models.Model):
    """The deputy's rating of one handling unit's part of a round (满意/基本满意/不满意).

    Lead and split units are rated on their reply, co-units on the opinion they gave the lead unit. When every
    part of the round that was handled is rated, the round's ``Evaluation`` is derived from them
    (``services.round_rating``) and the unsatisfied units handle their part again."""

    assignment = models.OneToOneField(
        Assignment, verbose_name=_("交办"), on_delete=models.CASCADE, related_name="rating"
    )
    value = models.CharField(_("评价"), max_length=12, choices=Evaluation.Value.choices)
    comment = models.TextField(_("意见"), blank=True, max_length=2000)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("承办单位评价")
        verbose_name_plural = _("承办单位评价")
        ordering = ["assignment_id"]

    def __str__(self):
        return f"{self.assignment} · {self.get_value_display()}"


class Supervision(models.Model):
    """督办 of a key suggestion by the leader and staff."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("实地督办")
        MEETING = "meeting", _("督办会议")
        UNANNOUNCED = "unannounced", _("暗访")
        REVIEW = "review", _("回头看")
        # 二次验收: after the unit has replied, the leader goes back to check that the work was really done.
        ACCEPTANCE = "acceptance", _("二次验收")

    class Result(models.TextChoices):
        PASSED = "passed", _("验收通过")
        FAILED = "failed", _("验收未通过")

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="supervisions")
    kind = models.CharField(_("方式"), max_length=12, choices=Kind.choices)
    date = models.DateField(_("日期"))
    note = models.TextField(_("情况"), max_length=5000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Only an acceptance has a result, and it always has one.
    result = models.CharField(_("验收结果"), max_length=8, choices=Result.choices, blank=True)

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="acceptance") & ~Q(result="")) | (~Q(kind="acceptance") & Q(result="")),
                name="supervision_result_iff_acceptance",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date}"
