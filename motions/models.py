"""Deputies' motions (议案): drafted with co-signers, decided by the presidium or a special committee.

draft → submitted (the legal number of co-signers reached) → registered (登记, put before the presidium) →
listed on the agenda (列入议程, with the session), not listed (不列入, with the reasons), or turned into a
suggestion (转为建议: a suggestions.Suggestion is created and linked here; from then on it is a suggestion).
A motion differs from a suggestion in law (代表法 and the organic law: at county level and above ten deputies
jointly, five at township level), so the number of co-signers is a rule kept per congress (``MotionRule``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from representatives.models import Congress, Deputy, Level, Region

# The number of co-signers the law asks for where the office has not set its own rule: five at township level,
# ten above it (代表法第九条、第十条; 地方组织法).
LEGAL_COSIGNERS: dict[int, int] = {Level.TOWNSHIP.value: 5}
LEGAL_COSIGNERS_DEFAULT = 10


def legal_cosigners(congress: Congress) -> int:
    return LEGAL_COSIGNERS.get(congress.level, LEGAL_COSIGNERS_DEFAULT)


class MotionRule(models.Model):
    """How many co-signers (附议) a motion to this congress needs, set by the office."""

    congress = models.OneToOneField(
        Congress, verbose_name=_("人民代表大会"), on_delete=models.CASCADE, related_name="motion_rule"
    )
    min_cosigners = models.PositiveSmallIntegerField(
        _("附议代表最少人数"), help_text=_("不含领衔代表。县级以上一般为 10 人，乡级为 5 人。")
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("议案附议人数")
        verbose_name_plural = _("议案附议人数")
        constraints = [models.CheckConstraint(condition=Q(min_cosigners__gte=1), name="motion_rule_at_least_one")]

    def __str__(self):
        return f"{self.congress} · {self.min_cosigners}"


class Motion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        REGISTERED = "registered", _("已登记")
        LISTED = "listed", _("列入议程")
        NOT_LISTED = "not_listed", _("不列入议程")
        CONVERTED = "converted", _("转为建议")

    class Body(models.TextChoices):
        PRESIDIUM = "presidium", _("大会主席团")
        COMMITTEE = "committee", _("专门委员会")

    DECIDED_STATES = ("listed", "not_listed", "converted")

    congress = models.ForeignKey(
        Congress, verbose_name=_("人民代表大会"), on_delete=models.PROTECT, related_name="motions"
    )
    # The congress's region, copied so that scoping by region is one indexed prefix match on this table.
    region = models.ForeignKey(Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="motions")
    deputy = models.ForeignKey(Deputy, verbose_name=_("领衔代表"), on_delete=models.PROTECT, related_name="motions")
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("编号"), null=True, blank=True)
    title = models.CharField(_("案由"), max_length=200)
    grounds = models.TextField(_("案据"), max_length=10000, help_text=_("提出议案的理由和依据。"))
    proposal = models.TextField(_("方案"), max_length=10000, help_text=_("解决问题的具体方案或法规草案要点。"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    decision_body = models.CharField(_("审议机构"), max_length=10, choices=Body.choices, blank=True)
    committee = models.CharField(_("专门委员会名称"), max_length=100, blank=True)
    session = models.CharField(_("列入议程的会议"), max_length=100, blank=True)
    decision_reason = models.TextField(_("决定理由"), max_length=5000, blank=True)
    suggestion = models.OneToOneField(
        "suggestions.Suggestion",
        verbose_name=_("转成的建议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="source_motion",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    registered_at = models.DateTimeField(_("登记时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("议案")
        verbose_name_plural = _("议案")
        ordering = ["-year", "-number", "-id"]
        indexes = [
            models.Index(fields=["region", "status", "-id"]),
            models.Index(fields=["deputy", "-id"]),
            models.Index(fields=["year", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "year", "number"], condition=Q(number__isnull=False), name="motion_number_unique"
            ),
            models.CheckConstraint(
                condition=~Q(status="not_listed") | ~Q(decision_reason=""), name="motion_not_listed_has_reason"
            ),
            models.CheckConstraint(condition=~Q(status="listed") | ~Q(session=""), name="motion_listed_has_session"),
            models.CheckConstraint(
                condition=~Q(status="converted") | Q(suggestion__isnull=False), name="motion_converted_has_suggestion"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def number_label(self) -> str:
        return _("议案第%(n)d号") % {"n": self.number} if self.number else "—"

    @property
    def is_decided(self) -> bool:
        return self.status in self.DECIDED_STATES


class MotionCoSigner(models.Model):
    """A deputy invited to second the motion (附议); they accept or decline on their own page."""

    class Status(models.TextChoices):
        INVITED = "invited", _("待确认")
        ACCEPTED = "accepted", _("已附议")
        DECLINED = "declined", _("已谢绝")

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="cosigners")
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("代表"), on_delete=models.CASCADE, related_name="motion_cosignatures"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.INVITED)
    invited_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("附议代表")
        verbose_name_plural = _("附议代表")
        constraints = [models.UniqueConstraint(fields=["motion", "deputy"], name="motion_cosigner_once")]
        indexes = [models.Index(fields=["deputy", "status"])]

    def __str__(self):
        return f"{self.deputy} · {self.motion}"
