"""民生实事项目代表票决制: the government's candidate projects, the deputies' votes on them, the chosen projects'
year (progress reports, inspections) and the deputies' year-end satisfaction vote.

A secret vote keeps two things apart: ``VoteCount`` (how many chose what, per project) and ``Voter`` (who has
voted, to refuse a second ballot). No row of a secret vote links a deputy to a choice; ``Vote`` rows, which
do, are written only for an open (记名) vote. Neither kind is in django-auditlog (``audit.py``): its history
rows would carry the voter as actor next to the count that changed.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from representatives.models import Congress, Deputy, HandlingUnit


class Choice(models.TextChoices):
    FOR = "for", _("赞成")
    AGAINST = "against", _("反对")
    ABSTAIN = "abstain", _("弃权")
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Project(models.Model):
    """A candidate livelihood project (民生实事候选项目) the government proposes for a year."""

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("候选项目")
        ADOPTED = "adopted", _("票决通过")
        NOT_ADOPTED = "not_adopted", _("未获通过")
        COMPLETED = "completed", _("已完成")
        WITHDRAWN = "withdrawn", _("已撤回")

    congress = models.ForeignKey(
        Congress, verbose_name=_("人民代表大会"), on_delete=models.PROTECT, related_name="livelihood_projects"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField(_("项目名称"), max_length=200)
    description = models.TextField(_("项目内容"))
    unit = models.ForeignKey(
        HandlingUnit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="livelihood_projects"
    )
    budget = models.DecimalField(
        _("预算（万元）"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)], default=0
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.CANDIDATE)
    # The selection vote's result, copied when the vote closes (the tally stays on ``VoteCount``).
    votes_for = models.PositiveIntegerField(_("赞成票"), default=0)
    votes_against = models.PositiveIntegerField(_("反对票"), default=0)
    votes_abstain = models.PositiveIntegerField(_("弃权票"), default=0)
    rank = models.PositiveSmallIntegerField(_("得票排名"), null=True, blank=True)
    # The year-end satisfaction vote's result: (满意 + 基本满意) / votes, in percent.
    satisfaction_rate = models.DecimalField(_("满意度（%）"), max_digits=5, decimal_places=1, null=True, blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("民生实事项目")
        verbose_name_plural = _("民生实事项目")
        ordering = ["-year", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "year", "title"], name="livelihood_project_unique_title")
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self):
        return f"{self.year} {self.title}"

    @property
    def is_chosen(self) -> bool:
        return self.status in (self.Status.ADOPTED, self.Status.COMPLETED)


class Ballot(models.Model):
    """One vote at a session: the selection of the year's projects (票决) or the year-end satisfaction vote
    (满意度测评) on the chosen ones. Staff set the rule, open it and close it; the result is computed on close
    and published on the public site."""

    class Kind(models.TextChoices):
        SELECTION = "selection", _("项目票决")
        SATISFACTION = "satisfaction", _("满意度测评")

    class Status(models.TextChoices):
        DRAFT = "draft", _("未开始")
        OPEN = "open", _("投票中")
        CLOSED = "closed", _("已结束")

    class Majority(models.TextChoices):
        ELECTORATE = "electorate", _("赞成票超过全体代表的半数")
        VOTERS = "voters", _("赞成票超过参加投票代表的半数")

    congress = models.ForeignKey(
        Congress, verbose_name=_("人民代表大会"), on_delete=models.PROTECT, related_name="livelihood_ballots"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices, default=Kind.SELECTION)
    title = models.CharField(_("名称"), max_length=200)
    session_name = models.CharField(_("会议"), max_length=100, blank=True, help_text=_("例如：第一次会议"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    quorum_percent = models.PositiveSmallIntegerField(
        _("法定投票比例（%）"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("参加投票的代表须达到该届在任代表的这一比例，投票方为有效。"),
    )
    majority = models.CharField(_("通过规则"), max_length=12, choices=Majority.choices, default=Majority.ELECTORATE)
    seats = models.PositiveSmallIntegerField(
        _("确定项目数"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("留空则达到通过规则的项目全部确定；填写则按赞成票从多到少取前若干项。"),
    )
    secret = models.BooleanField(
        _("无记名投票"), default=True, help_text=_("无记名投票只保存票数，不保存谁投了什么票。")
    )
    # Serving deputies of the congress when the vote opened: the base of the quorum (and of the majority).
    electorate = models.PositiveIntegerField(_("应到代表"), default=0)
    voters = models.PositiveIntegerField(_("参加投票代表"), default=0)
    quorum_met = models.BooleanField(_("达到法定人数"), null=True, blank=True)
    opened_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("民生实事票决")
        verbose_name_plural = _("民生实事票决")
        ordering = ["-year", "-id"]
        constraints = [
            # Two open votes of one kind for one congress and year would each count a deputy once.
            models.UniqueConstraint(
                fields=["congress", "year", "kind"], condition=Q(status="open"), name="livelihood_one_open_ballot"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def choices(self) -> list[tuple[str, str]]:
        return choices_of(self.kind)

    @property
    def turnout(self) -> float | None:
        return round(100 * self.voters / self.electorate, 1) if self.electorate else None


SELECTION_CHOICES = (Choice.FOR, Choice.AGAINST, Choice.ABSTAIN)
SATISFACTION_CHOICES = (Choice.SATISFIED, Choice.BASIC, Choice.UNSATISFIED)


def choices_of(kind: str) -> list[tuple[str, str]]:
    chosen = SELECTION_CHOICES if kind == Ballot.Kind.SELECTION else SATISFACTION_CHOICES
    return [(choice.value, str(choice.label)) for choice in chosen]


class VoteCount(models.Model):
    """How many deputies chose ``choice`` for ``project`` in ``ballot``: the only record of a secret vote's
    choices. The rows are made when the vote opens (one per project and choice), so they are also the ballot's
    list of projects. No timestamp: it would date each vote."""

    ballot = models.ForeignKey(Ballot, verbose_name=_("票决"), on_delete=models.CASCADE, related_name="counts")
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="counts")
    choice = models.CharField(_("选项"), max_length=12, choices=Choice.choices)
    count = models.PositiveIntegerField(_("票数"), default=0)

    class Meta:
        verbose_name = _("票数")
        verbose_name_plural = _("票数")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "project", "choice"], name="livelihood_count_unique"),
        ]

    def __str__(self):
        return f"{self.project_id} {self.choice} {self.count}"


class Voter(models.Model):
    """A deputy who has voted in a ballot: refuses a second ballot and counts the turnout. Says nothing of how."""

    ballot = models.ForeignKey(Ballot, verbose_name=_("票决"), on_delete=models.CASCADE, related_name="voter_rows")
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("代表"), on_delete=models.PROTECT, related_name="livelihood_voted"
    )
    voted_at = models.DateTimeField(_("投票时间"), default=timezone.now)

    class Meta:
        verbose_name = _("已投票代表")
        verbose_name_plural = _("已投票代表")
        ordering = ["voted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["ballot", "deputy"], name="livelihood_vote_once")]

    def __str__(self):
        return f"{self.ballot_id} {self.deputy_id}"


class Vote(models.Model):
    """One deputy's choice on one project in an open (记名) vote. Never written for a secret vote."""

    ballot = models.ForeignKey(Ballot, verbose_name=_("票决"), on_delete=models.CASCADE, related_name="votes")
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="votes")
    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("选项"), max_length=12, choices=Choice.choices)

    class Meta:
        verbose_name = _("记名投票")
        verbose_name_plural = _("记名投票")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "project", "deputy"], name="livelihood_one_vote_per_project")
        ]

    def __str__(self):
        return f"{self.ballot_id} {self.project_id} {self.deputy_id}"


class ProgressReport(models.Model):
    """The responsible unit's report on a chosen project's progress (进展情况)."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="progress_reports"
    )
    date = models.DateField(_("报告日期"))
    percent = models.PositiveSmallIntegerField(
        _("完成进度（%）"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    text = models.TextField(_("进展情况"))
    problems = models.TextField(_("存在的问题"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报告人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        verbose_name = _("项目进展报告")
        verbose_name_plural = _("项目进展报告")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.project} {self.date}"


class Inspection(models.Model):
    """Deputies' inspection (视察) of a chosen project, recorded by the office or by a deputy who took part."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="inspections")
    date = models.DateField(_("视察日期"))
    participants = models.CharField(_("参加代表"), max_length=500)
    findings = models.TextField(_("视察发现"))
    advice = models.TextField(_("意见建议"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("代表视察")
        verbose_name_plural = _("代表视察")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.project} {self.date}"
