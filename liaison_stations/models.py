"""Liaison stations, their duty roster, and the voter opinions collected there (选民意见)."""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.regions import ancestor_paths
from representatives.models import Deputy, HandlingUnit, Region


class Station(models.Model):
    class Kind(models.TextChoices):
        STATION = "station", _("代表联络站")
        HOME = "home", _("代表之家")
        POINT = "point", _("代表联络点")

    region = models.ForeignKey(
        Region, verbose_name=_("所在乡镇（街道）"), on_delete=models.PROTECT, related_name="stations"
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.STATION)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    address = models.CharField(_("地址"), max_length=200)
    # Where the station is (WGS-84), so an issue arriving with coordinates (the 12345 hotline's Open311 intake)
    # goes to the nearest station; optional, a station without them is only chosen by its region.
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    opening_hours = models.CharField(_("开放时间"), max_length=200, blank=True)
    responsible_person = models.CharField(_("负责人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    star_rating = models.PositiveSmallIntegerField(_("星级"), default=0, validators=[MaxValueValidator(5)])
    is_active = models.BooleanField(_("在用"), default=True)
    deputies = models.ManyToManyField(
        Deputy, verbose_name=_("编入代表"), through="StationMember", related_name="stations", blank=True
    )

    # What staff set on a station, in the order the form, the import sheet and the service take them.
    EDITABLE_FIELDS = (
        "region",
        "name",
        "kind",
        "address",
        "opening_hours",
        "responsible_person",
        "contact_phone",
        "star_rating",
        "is_active",
    )

    class Meta:
        verbose_name = _("代表联络站")
        verbose_name_plural = _("代表联络站")
        ordering = ["region__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="station_unique_name_in_region"),
            models.CheckConstraint(condition=Q(star_rating__lte=5), name="station_star_rating_0_to_5"),
        ]

    def __str__(self):
        return self.name

    def star_rating_refusal(self, passed: int | None = None) -> str | None:
        """Why the star rating is more than the station's "七有" checks support (see ``StarRule``), or None.

        ``passed`` is the number of passed checks when they are being saved with the rating (the admin's form).
        """
        if passed is None:
            passed = self.checks.filter(passed=True).count() if self.pk else 0
        rule = StarRule.for_region(self.region if self.region_id else None)
        return rule.refusal(self.star_rating or 0, passed)


class StationMember(models.Model):
    """A deputy assigned to a station (编入), of any level."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="members")
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("代表"), on_delete=models.CASCADE, related_name="station_memberships"
    )
    assigned_on = models.DateField(_("编入日期"), default=timezone.localdate)

    class Meta:
        verbose_name = _("编入代表")
        verbose_name_plural = _("编入代表")
        constraints = [models.UniqueConstraint(fields=["station", "deputy"], name="station_member_once")]
        indexes = [models.Index(fields=["deputy"])]

    def __str__(self):
        return f"{self.deputy} @ {self.station}"


class StandardItem(models.TextChoices):
    """The "七有" standard every station is checked against."""

    SITE = "site", _("有固定场所")
    EQUIPMENT = "equipment", _("有办公设施")
    PUBLICITY = "publicity", _("有公开信息")
    RULES = "rules", _("有工作制度")
    LEDGERS = "ledgers", _("有工作台账")
    FUNDS = "funds", _("有活动经费")
    PERSON = "person", _("有专人负责")


class StandardCheck(models.Model):
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="checks")
    item = models.CharField(_("标准项"), max_length=20, choices=StandardItem.choices)
    passed = models.BooleanField(_("达标"), default=False)
    evidence = models.CharField(_("佐证"), max_length=500, blank=True)
    checked_on = models.DateField(_("检查日期"), default=timezone.localdate)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("检查人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("“七有”检查")
        verbose_name_plural = _("“七有”检查")
        ordering = ["item"]
        constraints = [models.UniqueConstraint(fields=["station", "item"], name="standard_check_once_per_item")]

    def __str__(self):
        return f"{self.station} · {self.get_item_display()}"


class DutyDay(models.Model):
    """A planned day on which deputies receive voters at a station (进站接待日)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("已排班")
        HELD = "held", _("已接待")
        CANCELLED = "cancelled", _("已取消")

    station = models.ForeignKey(Station, verbose_name=_("联络站"), on_delete=models.CASCADE, related_name="duty_days")
    date = models.DateField(_("日期"))
    start_time = models.TimeField(_("开始时间"), null=True, blank=True)
    end_time = models.TimeField(_("结束时间"), null=True, blank=True)
    topic = models.CharField(_("主题"), max_length=200, blank=True)
    deputies = models.ManyToManyField(Deputy, verbose_name=_("值班代表"), through="DutyShift", related_name="duty_days")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    voters_received = models.PositiveIntegerField(_("接待选民人次"), default=0)
    summary = models.TextField(_("接待情况"), blank=True, max_length=5000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("接待日")
        verbose_name_plural = _("接待日")
        ordering = ["date", "start_time"]
        indexes = [models.Index(fields=["station", "date"]), models.Index(fields=["status", "date"])]

    def __str__(self):
        return f"{self.station} {self.date}"

    def clean(self):
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("结束时间必须晚于开始时间。")})


class DutyShift(models.Model):
    duty_day = models.ForeignKey(DutyDay, on_delete=models.CASCADE, related_name="shifts")
    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.CASCADE, related_name="duty_shifts")
    attended = models.BooleanField(_("到岗"), null=True, blank=True)

    class Meta:
        verbose_name = _("值班代表")
        verbose_name_plural = _("值班代表")
        constraints = [models.UniqueConstraint(fields=["duty_day", "deputy"], name="duty_shift_once")]
        indexes = [models.Index(fields=["deputy", "duty_day"])]

    def __str__(self):
        return f"{self.deputy} @ {self.duty_day}"


def new_tracking_code() -> str:
    # 12 characters from a 31-letter alphabet (no 0/O/1/I/L): about 59 bits, so codes cannot be guessed by
    # counting or by brute force over the public form's rate limit.
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(12))


class OpinionCategory(models.TextChoices):
    URBAN = "urban", _("城乡建设")
    TRANSPORT = "transport", _("交通出行")
    ENVIRONMENT = "environment", _("生态环境")
    EDUCATION = "education", _("教育")
    HEALTH = "health", _("医疗卫生")
    SOCIAL = "social", _("社会保障")
    AGRICULTURE = "agriculture", _("农业农村")
    ECONOMY = "economy", _("经济发展")
    SAFETY = "safety", _("社会治理与安全")
    OTHER = "other", _("其他")


class Proposal(models.TextChoices):
    """What the office proposes to do with an opinion (拟办)."""

    ON_SPOT = "on_spot", _("当场答复")
    REFER_UNIT = "refer_unit", _("交承办单位办理")
    TO_SUGGESTION = "to_suggestion", _("转为代表建议")
    TO_HIGHER = "to_higher", _("转上级人大")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Resolution(models.TextChoices):
    """What the handling achieved, as the office records it when telling the voter (反馈): the opinions' A/B/C,
    so that "solved" (已解决) is the problem actually solved, not merely answered or closed."""

    SOLVED = "solved", _("问题已解决")
    IN_PROGRESS = "in_progress", _("正在解决或已列入计划")
    EXPLAINED = "explained", _("已解释说明，暂不能解决")


class OpinionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=Opinion.OPEN_STATES)

    def resolved(self):
        return self.filter(status__in=Opinion.RESOLVED_STATES)

    def published(self):
        return self.filter(published_at__isnull=False)


class Opinion(models.Model):
    class Source(models.TextChoices):
        DUTY_DAY = "duty_day", _("接待日")
        VISIT = "visit", _("代表走访")
        ONLINE = "online", _("网上（扫码）")
        # Machine channels (the api app): the 12345 hotline's Open311 intake and other platforms' JSON API.
        HOTLINE = "hotline", _("12345热线")
        PLATFORM = "platform", _("其他平台")

    class Status(models.TextChoices):
        # A voter's message to one deputy (码上找代表) waits here for that deputy to answer it or pass it on.
        WITH_DEPUTY = "with_deputy", _("待代表处理")
        RECEIVED = "received", _("已接收")
        SORTED = "sorted", _("已梳理")
        PROPOSED = "proposed", _("已拟办")
        ASSIGNED = "assigned", _("已交办")
        REPLIED = "replied", _("已答复")
        FED_BACK = "fed_back", _("已反馈")
        CLOSED = "closed", _("已办结")
        MERGED = "merged", _("已合并")
        TRANSFERRED = "transferred", _("已转上级人大")
        CONVERTED = "converted", _("已转为代表建议")

    OPEN_STATES = ("with_deputy", "received", "sorted", "proposed", "assigned", "replied")
    RESOLVED_STATES = ("fed_back", "closed")

    tracking_code = models.CharField(_("查询码"), max_length=16, unique=True, default=new_tracking_code, editable=False)
    station = models.ForeignKey(
        Station, verbose_name=_("联络站"), null=True, blank=True, on_delete=models.PROTECT, related_name="opinions"
    )
    region = models.ForeignKey(Region, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="opinions")
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    duty_day = models.ForeignKey(
        DutyDay, verbose_name=_("接待日"), null=True, blank=True, on_delete=models.SET_NULL, related_name="opinions"
    )
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("接待代表"), null=True, blank=True, on_delete=models.SET_NULL, related_name="opinions"
    )
    # The deputy a voter wrote to from the deputy's page or card; set once, kept after the message is passed on.
    addressed_to = models.ForeignKey(
        Deputy,
        verbose_name=_("留言代表"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
    )
    voter_name = models.CharField(_("反映人"), max_length=50)
    # Only a message to a deputy may come without a number; the station forms require one.
    voter_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    # The voter asked for the tracking code and the answer by SMS (a mobile number is then required).
    sms_updates = models.BooleanField(_("短信告知"), default=False)
    title = models.CharField(_("标题"), max_length=100)
    content = models.TextField(_("内容"), max_length=3000)
    category = models.CharField(_("类别"), max_length=20, choices=OpinionCategory.choices, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("合并到"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    proposal = models.CharField(_("拟办意见"), max_length=20, choices=Proposal.choices, blank=True)
    proposal_note = models.TextField(_("拟办说明"), blank=True, max_length=2000)
    unit = models.ForeignKey(
        HandlingUnit,
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinions",
    )
    deadline = models.DateField(_("办理期限"), null=True, blank=True)
    deadline_provisional = models.BooleanField(_("期限待节假日安排确认"), default=False)
    supervised = models.BooleanField(_("督办"), default=False)
    reply = models.TextField(_("答复内容"), blank=True, max_length=5000)
    feedback = models.TextField(_("反馈情况"), blank=True, max_length=2000)
    rating = models.CharField(_("选民评价"), max_length=12, choices=Rating.choices, blank=True)
    resolution = models.CharField(_("办理结果"), max_length=12, choices=Resolution.choices, blank=True)
    public_summary = models.TextField(_("公示内容"), blank=True, max_length=2000)
    suggestion_ref = models.CharField(_("转成的代表建议"), max_length=50, blank=True)
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)
    sorted_at = models.DateTimeField(_("梳理时间"), null=True, blank=True)
    proposed_at = models.DateTimeField(_("拟办时间"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    fed_back_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)

    objects = OpinionQuerySet.as_manager()

    class Meta:
        verbose_name = _("选民意见")
        verbose_name_plural = _("选民意见")
        ordering = ["-received_at", "-id"]
        indexes = [
            # The staff list's order; see ActivityRecord's index of the same name.
            models.Index(fields=["-received_at", "-id"], name="opinion_newest_first"),
            # The public outcomes list, all stations and one station's: sorting 370,000 published opinions for
            # each page took 1.8 s at province scale.
            models.Index(
                fields=["-published_at", "-id"],
                name="opinion_published_newest",
                condition=models.Q(published_at__isnull=False),
            ),
            models.Index(
                fields=["station", "-published_at", "-id"],
                name="opinion_station_published",
                condition=models.Q(published_at__isnull=False),
            ),
            models.Index(fields=["region", "-received_at"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["deputy", "-received_at"]),
            models.Index(fields=["addressed_to", "status", "-received_at"]),
            models.Index(fields=["station", "-published_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="assigned") | (Q(unit__isnull=False) & Q(deadline__isnull=False)),
                name="opinion_assigned_has_unit_and_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False), name="opinion_merged_has_target"
            ),
            models.CheckConstraint(
                condition=~Q(status="with_deputy") | Q(addressed_to__isnull=False),
                name="opinion_with_deputy_has_deputy",
            ),
            models.CheckConstraint(condition=~Q(sms_updates=True) | ~Q(voter_phone=""), name="opinion_sms_has_phone"),
        ]

    def __str__(self):
        return self.title

    # The tracking code is the voter's private credential (it lets its holder rate the outcome), so staff,
    # deputies and units refer to an opinion by this number instead.
    REFERENCE_PREFIX = "YJ"

    @property
    def reference(self) -> str:
        return f"{self.REFERENCE_PREFIX}{self.pk:07d}" if self.pk else ""

    @classmethod
    def pk_from_reference(cls, text: str) -> int | None:
        """The id named by a reference as people type it (``YJ0000123``, ``yj123``, ``123``), or None."""
        value = text.strip().upper().removeprefix(cls.REFERENCE_PREFIX)
        return int(value) if value.isdigit() and len(value) <= 12 else None

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == self.Status.ASSIGNED and self.deadline is not None and self.deadline < timezone.localdate()
        )


class Supervision(models.Model):
    """A supervision step (督办) on an assigned opinion."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="supervisions")
    note = models.TextField(_("督办情况"), max_length=2000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["at"]

    def __str__(self):
        return f"{self.opinion} · {self.at:%Y-%m-%d}"


class DeadlineRule(models.Model):
    """How many working days a unit has, per kind of proposal; the office edits these."""

    proposal = models.CharField(_("拟办意见"), max_length=20, choices=Proposal.choices, unique=True)
    working_days = models.PositiveSmallIntegerField(_("办理期限（工作日）"))

    class Meta:
        verbose_name = _("办理期限设置")
        verbose_name_plural = _("办理期限设置")

    def __str__(self):
        return f"{self.get_proposal_display()}: {self.working_days}"


class StarRule(models.Model):
    """How many of the seven "七有" checks a station must pass for each star rating, set by an office.

    A station follows the rule of its own region or else of the nearest region above it that has one, and
    ``DEFAULT`` where none has: the stars are to show how well a station is run, which they cannot while a
    five-star station has none of the seven basics recorded.
    """

    STAR_FIELDS = ("one_star", "two_stars", "three_stars", "four_stars", "five_stars")
    # One to five stars.
    DEFAULT = (3, 4, 5, 6, 7)
    HELP = _(
        "评为该星级至少需要“七有”中几项达标（0 至 7）。"
        "默认：一星 3 项，二星 4 项，三星 5 项，四星 6 项，五星须七项全部达标。"
    )

    region = models.OneToOneField(
        Region,
        verbose_name=_("适用区域"),
        on_delete=models.CASCADE,
        related_name="station_star_rule",
        help_text=_("本区域及下级区域的联络站适用此规则；下级区域另设规则的，以下级为准。"),
    )
    one_star = models.PositiveSmallIntegerField(
        _("一星"), default=DEFAULT[0], validators=[MaxValueValidator(7)], help_text=HELP
    )
    two_stars = models.PositiveSmallIntegerField(
        _("二星"), default=DEFAULT[1], validators=[MaxValueValidator(7)], help_text=HELP
    )
    three_stars = models.PositiveSmallIntegerField(
        _("三星"), default=DEFAULT[2], validators=[MaxValueValidator(7)], help_text=HELP
    )
    four_stars = models.PositiveSmallIntegerField(
        _("四星"), default=DEFAULT[3], validators=[MaxValueValidator(7)], help_text=HELP
    )
    five_stars = models.PositiveSmallIntegerField(
        _("五星"), default=DEFAULT[4], validators=[MaxValueValidator(7)], help_text=HELP
    )

    class Meta:
        verbose_name = _("联络站星级规则")
        verbose_name_plural = _("联络站星级规则")
        ordering = ["region__path"]

    def __str__(self):
        return _("%(region)s的星级规则") % {"region": self.region.name} if self.region_id else str(_("默认星级规则"))

    def clean(self):
        ladder = [getattr(self, name) for name in self.STAR_FIELDS]
        if any(value is None for value in ladder):
            return
        for lower, higher, name in zip(ladder, ladder[1:], self.STAR_FIELDS[1:], strict=False):
            if higher < lower:
                raise ValidationError({name: _("高星级所需的达标项数不能少于低星级。")})

    @classmethod
    def for_region(cls, region: Region | None) -> "StarRule":
        """The rule that applies in ``region``: its own, the nearest one above it, or the default (unsaved)."""
        if region is None:
            return cls()
        rules = cls.objects.filter(region__path__in=ancestor_paths(region.path)).select_related("region")
        return max(rules, key=lambda rule: len(rule.region.path), default=None) or cls()

    def needed(self, stars: int) -> int:
        return getattr(self, self.STAR_FIELDS[stars - 1]) if stars else 0

    def refusal(self, stars: int, passed: int) -> str | None:
        """Why a station with ``passed`` of the seven checks may not have ``stars``, or None when it may."""
        needed = self.needed(stars)
        if passed >= needed:
            return None
        return _(
            "评为 %(stars)d 星须“七有”中至少 %(needed)d 项达标（%(rule)s），该站目前记录的达标项只有 %(passed)d 项。"
            "请先记录“七有”检查，或降低星级。"
        ) % {"stars": stars, "needed": needed, "rule": self, "passed": passed}


class StationVisit(models.Model):
    """A visit of a standing-committee member or leader to a station (常委会组成人员/领导到联络站活动).

    The visitor is an account with the leader role, or, for a visitor without one, a name and post typed in:
    exactly one of the two. A visitor is at a station once a day, so a visit recorded both by the office and by
    the leader is refused the second time instead of being counted twice.
    """

    class Step(models.TextChoices):
        """The steps on a visit's timeline (``StateLog``); a visit has no state of its own."""

        RECORDED = "recorded", _("已登记")
        UPDATED = "updated", _("已修改")
        DELETED = "deleted", _("已删除")

    station = models.ForeignKey(Station, verbose_name=_("联络站"), on_delete=models.PROTECT, related_name="visits")
    date = models.DateField(_("日期"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("领导"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="station_visits",
    )
    visitor_name = models.CharField(_("姓名"), max_length=50, blank=True)
    visitor_post = models.CharField(_("职务"), max_length=100, blank=True)
    purpose = models.CharField(_("活动内容"), max_length=200)
    findings = models.TextField(_("发现的问题和意见"), max_length=3000)
    follow_up = models.TextField(_("后续跟进"), blank=True, max_length=3000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("领导到联络站活动")
        verbose_name_plural = _("领导到联络站活动")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["station", "-date"]), models.Index(fields=["leader", "-date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(leader__isnull=False, visitor_name="") | Q(leader__isnull=True) & ~Q(visitor_name=""),
                name="station_visit_has_one_visitor",
            ),
            models.UniqueConstraint(
                fields=["station", "date", "leader"],
                condition=Q(leader__isnull=False),
                name="station_visit_once_per_leader_day",
            ),
            models.UniqueConstraint(
                fields=["station", "date", "visitor_name"],
                condition=Q(leader__isnull=True),
                name="station_visit_once_per_visitor_day",
            ),
        ]

    def __str__(self):
        return f"{self.visitor} @ {self.station} {self.date}"

    @property
    def visitor(self) -> str:
        """Who came: the leader's name as their account shows it, or the name typed in."""
        if self.leader_id is not None:
            return self.leader.get_full_name() or self.leader.username
        return self.visitor_name
