"""Regions, accounts, congresses, deputies and their activity records.

This app is the base of the dependency chain (representatives ← liaison_stations ← suggestions ←
evaluations), so everything the later apps need to scope by — regions, roles, handling units — lives here.
"""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import StoredUpload

from . import idnumbers

CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..99 as Chinese numerals, as congress terms are written (第十六届)."""
    if n < 10:
        return CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_DIGITS[tens]
    return f"{head}十{CHINESE_DIGITS[ones] if ones else ''}"


def term_number_label(n: int) -> str:
    """A term as the current language writes it: 十六 in Chinese text, 16 in English ("term 十六" was no English)."""
    from django.utils.translation import get_language

    return chinese_number(n) if (get_language() or "zh").startswith("zh") else str(n)


class Region(models.Model):
    class Level(models.IntegerChoices):
        PROVINCE = 1, _("省")
        CITY = 2, _("市")
        COUNTY = 3, _("县（区）")
        TOWNSHIP = 4, _("乡镇（街道）")

    code = models.CharField(_("区划代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of codes ("44/4407/440703/") so "this region and below" is one indexed prefix match.
    path = models.CharField(max_length=255, editable=False, db_index=True)

    class Meta:
        verbose_name = _("行政区域")
        verbose_name_plural = _("行政区域")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.parent_id and self.parent.level >= self.level:
            raise ValidationError({"parent": _("上级区域的层级必须高于本区域。")})
        if not self.parent_id and self.level != self.Level.PROVINCE:
            raise ValidationError({"parent": _("只有省级区域可以没有上级。")})

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "") + f"{self.code}/"
        super().save(*args, **kwargs)

    def contains(self, other: "Region | None") -> bool:
        return other is not None and other.path.startswith(self.path)


class HandlingUnit(models.Model):
    """A unit that handles opinions and suggestions (承办单位). Here because clerk accounts belong to one."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("政府部门")
        TOWNSHIP = "township", _("乡镇（街道）政府")
        COURT = "court", _("法院")
        PROCURATORATE = "procuratorate", _("检察院")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.BUREAU)
    region = models.ForeignKey(
        Region,
        verbose_name=_("所属区域"),
        on_delete=models.PROTECT,
        related_name="units",
    )
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["region__path", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="unit_unique_name_in_region")]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    STAFF = "staff", _("代表工作人员")
    LEADER = "leader", _("常委会领导")
    DEPUTY = "deputy", _("人大代表")
    UNIT_CLERK = "unit_clerk", _("承办单位经办人")


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("所辖区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("工作人员和领导只能看到本区域及下级区域的数据。"),
    )
    deputy = models.OneToOneField(
        "Deputy",
        verbose_name=_("代表"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account",
    )
    unit = models.ForeignKey(
        HandlingUnit,
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clerks",
    )
    # Every notice reaches the in-app inbox; these add a copy by text (to a mobile number) or by e-mail.
    notify_by_sms = models.BooleanField(_("短信通知"), default=False)
    notify_by_email = models.BooleanField(_("邮件通知"), default=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=["staff", "leader"]) | Q(region__isnull=False),
                name="user_scoped_role_has_region",
            ),
            models.CheckConstraint(
                condition=~Q(role="deputy") | Q(deputy__isnull=False),
                name="user_deputy_has_deputy",
            ),
            models.CheckConstraint(
                condition=~Q(role="unit_clerk") | Q(unit__isnull=False),
                name="user_clerk_has_unit",
            ),
        ]

    def clean(self):
        super().clean()
        if self.role in (Role.STAFF, Role.LEADER) and not self.region_id:
            raise ValidationError({"region": _("工作人员和领导必须指定所辖区域。")})
        if self.role == Role.DEPUTY and not self.deputy_id:
            raise ValidationError({"deputy": _("代表账号必须关联一名代表。")})
        if self.role == Role.UNIT_CLERK and not self.unit_id:
            raise ValidationError({"unit": _("承办单位经办人必须关联承办单位。")})

    def save(self, *args, **kwargs):
        # Only office staff (and superusers) may enter the Django admin.
        self.is_staff = self.is_superuser or self.role == Role.STAFF
        super().save(*args, **kwargs)


class Level(models.IntegerChoices):
    NATIONAL = 1, _("全国")
    PROVINCIAL = 2, _("省级")
    CITY = 3, _("市级")
    COUNTY = 4, _("县级")
    TOWNSHIP = 5, _("乡级")


class Congress(models.Model):
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("区域"),
        on_delete=models.PROTECT,
        related_name="congresses",
    )
    term_number = models.PositiveSmallIntegerField(_("届次"))
    start_date = models.DateField(_("任期开始"))
    end_date = models.DateField(_("任期结束"))
    code = models.CharField(
        _("代码"),
        max_length=40,
        unique=True,
        help_text=_("名册导入时用于识别届别，例如 440703-16。"),
    )

    class Meta:
        verbose_name = _("人民代表大会")
        verbose_name_plural = _("人民代表大会")
        ordering = ["level", "region__path", "-term_number"]
        constraints = [
            models.UniqueConstraint(fields=["level", "region", "term_number"], name="congress_unique_term"),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")),
                name="congress_term_ordered",
            ),
        ]

    def __str__(self):
        term = term_number_label(self.term_number)
        if self.level == Level.NATIONAL:
            # The nation's congress sits in no province's name: under the province's region it read exactly
            # like the provincial congress of the same term.
            return _("第%(term)s届全国人民代表大会") % {"term": term}
        return _("%(region)s第%(term)s届人民代表大会") % {"region": self.region.name, "term": term}

    def clean(self):
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": _("任期结束日期必须晚于开始日期。")})


class Group(models.Model):
    class Kind(models.TextChoices):
        REPRESENTATIVE = "representative", _("代表小组")
        PROFESSIONAL = "professional", _("专业小组")

    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey(
        Region,
        verbose_name=_("区域"),
        on_delete=models.PROTECT,
        related_name="deputy_groups",
    )
    congress = models.ForeignKey(
        Congress,
        verbose_name=_("人民代表大会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="groups",
    )

    class Meta:
        verbose_name = _("代表小组")
        verbose_name_plural = _("代表小组")
        ordering = ["region__path", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "region", "name"], name="group_unique_name")]

    def __str__(self):
        return self.name


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class DeputyQuerySet(models.QuerySet):
    def serving(self):
        return self.filter(memberships__status=Membership.Status.SERVING).distinct()

    def in_region(self, region):
        return self.filter(region__path__startswith=region.path)


class Deputy(models.Model):
    """A person who is a deputy; the seats they hold in congresses are ``Membership`` rows."""

    code = models.CharField(
        _("代表编号"),
        max_length=40,
        unique=True,
        help_text=_("名册中每名代表的固定编号。"),
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    party = models.CharField(_("党派"), max_length=50, blank=True)
    work_unit = models.CharField(_("工作单位"), max_length=200, blank=True)
    post = models.CharField(_("职务"), max_length=100, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("所在区域"),
        on_delete=models.PROTECT,
        related_name="deputies",
        help_text=_("代表所在的区域，决定哪些工作人员可以管理其档案。"),
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    phone_public = models.BooleanField(_("公开联系电话"), default=False)
    email = models.EmailField(_("电子邮箱"), blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    home_address = models.CharField(_("家庭住址"), max_length=200, blank=True)
    photo = models.FileField(_("照片"), upload_to="deputies/photos/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeputyQuerySet.as_manager()

    class Meta:
        verbose_name = _("代表")
        verbose_name_plural = _("代表")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["region", "name"])]

    def __str__(self):
        return self.name

    # Checked against the ID number when any of them changes (see ``clean``).
    ID_CHECKED_FIELDS = ("id_number", "birth_date", "gender")

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_id_fields = tuple(instance.__dict__.get(name) for name in cls.ID_CHECKED_FIELDS)
        return instance

    def clean(self):
        errors = {}
        if self.id_number:
            self.id_number = idnumbers.normalise(self.id_number)
        loaded = getattr(self, "_loaded_id_fields", None)
        # Numbers typed before they were checked must not block an unrelated edit (or the re-import of an
        # unchanged roster); they are checked as soon as the number, the birth date or the sex is changed.
        if self.id_number and loaded != tuple(getattr(self, name) for name in self.ID_CHECKED_FIELDS):
            problems = idnumbers.problems(self.id_number)
            if problems:
                errors["id_number"] = problems
            else:
                errors.update(idnumbers.mismatches(self.id_number, birth=self.birth_date, gender=self.gender))
        if self.birth_date and self.birth_date > timezone.localdate():
            errors.setdefault("birth_date", _("出生日期不能晚于今天。"))
        if errors:
            raise ValidationError(errors)

    @property
    def public_phone(self) -> str:
        return self.phone if self.phone_public else ""


class Membership(models.Model):
    """A deputy's seat in one congress. One person may hold seats at two levels at once."""

    class Status(models.TextChoices):
        SERVING = "serving", _("在任")
        RESIGNED = "resigned", _("辞职")
        TERMINATED = "terminated", _("终止资格")
        # The congress's five years are over: the seat ends with the term, however the deputy served.
        TERM_ENDED = "term_ended", _("任期届满")

    class Election(models.TextChoices):
        DIRECT = "direct", _("直接选举")
        INDIRECT = "indirect", _("间接选举")

    deputy = models.ForeignKey(
        Deputy,
        verbose_name=_("代表"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    congress = models.ForeignKey(
        Congress,
        verbose_name=_("人民代表大会"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    district = models.CharField(_("选区或代表团"), max_length=100, blank=True)
    election = models.CharField(_("选举方式"), max_length=10, choices=Election.choices, default=Election.DIRECT)
    representative_group = models.ForeignKey(
        Group,
        verbose_name=_("代表小组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="representative_members",
        limit_choices_to={"kind": Group.Kind.REPRESENTATIVE},
    )
    professional_group = models.ForeignKey(
        Group,
        verbose_name=_("专业小组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="professional_members",
        limit_choices_to={"kind": Group.Kind.PROFESSIONAL},
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SERVING)
    status_date = models.DateField(_("状态变更日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("代表资格")
        verbose_name_plural = _("代表资格")
        constraints = [
            models.UniqueConstraint(fields=["deputy", "congress"], name="membership_one_seat_per_congress"),
            models.CheckConstraint(
                condition=Q(status="serving") | Q(status_date__isnull=False),
                name="membership_end_has_date",
            ),
        ]
        indexes = [models.Index(fields=["congress", "status"])]

    def __str__(self):
        return f"{self.deputy} · {self.congress}"

    def clean(self):
        if self.status != self.Status.SERVING and not self.status_date:
            raise ValidationError({"status_date": _("辞职、终止资格或任期届满必须填写日期。")})
        for field, kind in (
            ("representative_group", Group.Kind.REPRESENTATIVE),
            ("professional_group", Group.Kind.PROFESSIONAL),
        ):
            group = getattr(self, field)
            if group is not None and group.kind != kind:
                raise ValidationError({field: _("小组类别不符。")})


class ActivityKind(models.TextChoices):
    INSPECTION = "inspection", _("视察")
    RESEARCH = "research", _("调研")
    LAW_CHECK = "law_check", _("执法检查")
    HEARING = "hearing", _("听证、座谈")
    TRAINING = "training", _("学习培训")
    GROUP = "group", _("代表小组活动")
    REPORT_TO_VOTERS = "report", _("向选民述职")
    OTHER = "other", _("其他")


class ActivityRecordQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=ActivityRecord.Status.CONFIRMED)


class ActivityRecord(models.Model):
    """A deputy's own record of one activity (履职登记), confirmed or returned by office staff."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        RETURNED = "returned", _("已退回")

    class VoterRating(models.TextChoices):
        GOOD = "good", _("好")
        FAIR = "fair", _("较好")
        POOR = "poor", _("一般")

    deputy = models.ForeignKey(
        Deputy,
        verbose_name=_("代表"),
        on_delete=models.CASCADE,
        related_name="activities",
    )
    kind = models.CharField(_("类型"), max_length=20, choices=ActivityKind.choices)
    date = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=200)
    description = models.TextField(_("内容"), max_length=5000)
    voters_attended = models.PositiveIntegerField(_("参加选民人数"), null=True, blank=True)
    voter_rating = models.CharField(_("选民评议"), max_length=10, choices=VoterRating.choices, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING)
    return_reason = models.CharField(_("退回理由"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Made on the deputy's phone for each entry: a form kept offline and sent again when the network returns
    # (static/js/offline.js) carries the same key, so a resend finds the first record instead of adding one.
    client_key = models.UUIDField(_("提交编号"), null=True, blank=True, editable=False)

    objects = ActivityRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("履职记录")
        verbose_name_plural = _("履职记录")
        ordering = ["-date", "-id"]
        indexes = [
            # The staff list reads the newest records of a whole city: walking this index stops after one page
            # instead of sorting every record in scope (bench/README.md).
            models.Index(fields=["-date", "-id"], name="activity_newest_first"),
            models.Index(fields=["deputy", "-date"]),
            models.Index(fields=["status", "-date"]),
            models.Index(fields=["kind", "date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="activity_return_has_reason",
            ),
            # Empty keys (records entered by staff or before offline sending existed) never collide.
            models.UniqueConstraint(fields=["deputy", "client_key"], name="activity_client_key_once"),
        ]

    def __str__(self):
        return f"{self.deputy} · {self.get_kind_display()} · {self.date}"

    def clean(self):
        if self.kind == ActivityKind.REPORT_TO_VOTERS:
            if self.voters_attended is None:
                raise ValidationError({"voters_attended": _("向选民述职须填写参加的选民人数。")})
        elif self.voters_attended is not None or self.voter_rating:
            raise ValidationError({"kind": _("只有向选民述职才填写选民人数和评议。")})
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("不能登记未来日期的活动。")})

    @property
    def is_editable_by_deputy(self) -> bool:
        return self.status != self.Status.CONFIRMED


def attachment_path(instance, filename):
    # The stored name is random: what the deputy called the file is kept in original_name only.
    return f"attachments/activities/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


class ActivityAttachment(StoredUpload):
    record = models.ForeignKey(ActivityRecord, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")


class StateLog(models.Model):
    """One row per state transition of any workflow object: who moved it, when, from where, and why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30)

    class Origin(models.TextChoices):
        USER = "user", _("用户")
        PUBLIC = "public", pgettext_lazy("who took a step", "群众")
        SYSTEM = "system", _("系统")

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Who took a step that has no ``actor``: a voter on the public pages, or the system (sweeps, imports, the
    # demo builder). A step whose user was later deleted keeps USER and shows as a removed account.
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.SYSTEM, db_default=Origin.SYSTEM)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self):
        return f"{self.from_state} → {self.to_state}"

    @property
    def actor_label(self) -> str:
        """Who took the step, as the timeline shows it, in the active language."""
        if self.actor_id is not None and self.actor is not None:
            return self.actor.get_full_name() or self.actor.username
        if self.origin == self.Origin.USER:
            return str(_("已删除的账号"))
        return str(self.get_origin_display())


class ExportLog(models.Model):
    """One row per download that carried personal data in full (ID numbers, home addresses, private phones)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导出人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The exporter's region when they exported: it decides which offices may read the row, and a later move
    # of the account must not move its history.
    region = models.ForeignKey(
        Region, verbose_name=_("导出人所在区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    export = models.CharField(_("导出内容"), max_length=200)
    filters = models.TextField(_("筛选条件"), blank=True)
    rows = models.PositiveIntegerField(_("导出行数"))
    personal_rows = models.PositiveIntegerField(_("含完整个人信息的行数"))
    at = models.DateTimeField(_("导出时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("个人信息导出记录")
        verbose_name_plural = _("个人信息导出记录")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.export} · {self.at:%Y-%m-%d %H:%M}"


class CalendarYear(models.Model):
    """A year whose official holiday schedule is known. Deadlines falling in other years are provisional."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=100, blank=True)
    published_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("节假日安排年份")
        verbose_name_plural = _("节假日安排年份")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


# The holiday names the ``chinese-calendar`` package writes into CalendarDay.name (workdays.load_from_package).
HOLIDAY_NAMES = {
    "New Year's Day": _("元旦"),
    "Spring Festival": _("春节"),
    "Tomb-sweeping Day": _("清明节"),
    "Labour Day": _("劳动节"),
    "Dragon Boat Festival": _("端午节"),
    "National Day": _("国庆节"),
    "Mid-autumn Festival": _("中秋节"),
    "Anti-Fascist 70th Day": _("抗战胜利70周年纪念日"),
}


class CalendarDay(models.Model):
    """A day that breaks the weekday rule: a holiday on a weekday, or a make-up workday (调休) at a weekend."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("上班"), help_text=_("勾选表示调休上班日，不勾选表示放假日。"))
    name = models.CharField(_("名称"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.display_name}"

    @property
    def display_name(self) -> str:
        """The name in the reader's language: the ``chinese-calendar`` package names its holidays in English."""
        return str(HOLIDAY_NAMES.get(self.name, self.name))


class Tally(models.Model):
    """One counter of the figures that add up a whole region (``representatives.tallies`` keeps them).

    ``source`` names the rows counted and ``key`` what about them; ``region`` is where the counter adds up, a
    ``year`` and ``month`` (0 when the figure has none) when it belongs to a period, and ``counts_from`` the
    first day it counts, for figures that depend on the date (a deadline passing makes a part due). Counters
    are rewritten a bucket at a time: every counter of one ``source`` computed from the rows of ``bucket`` (a
    region) in one ``year``.
    """

    source = models.CharField(max_length=30)
    bucket = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(default=0)
    month = models.PositiveSmallIntegerField(default=0)
    key = models.CharField(max_length=60)
    counts_from = models.DateField(null=True, blank=True)
    value = models.BigIntegerField()

    class Meta:
        verbose_name = _("汇总计数")
        verbose_name_plural = _("汇总计数")
        indexes = [
            models.Index(fields=["source", "year"], name="tally_read"),
            models.Index(fields=["source", "bucket", "year"], name="tally_bucket"),
        ]

    def __str__(self):
        return f"{self.source} {self.key} = {self.value}"


class TallyMark(models.Model):
    """A bucket of ``Tally`` rows whose source rows changed and that is to be counted again.

    Written in the same transaction as the change, so a committed change always leaves its mark; a recount
    deletes exactly the marks it read. ``region`` empty: every bucket of the source; ``year`` empty: every year.
    """

    source = models.CharField(max_length=30)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("待重算的汇总")
        verbose_name_plural = _("待重算的汇总")

    def __str__(self):
        return f"{self.source} {self.region_id or '*'} {self.year or '*'}"


class ReportRatingPoll(models.Model):
    """Voters' own rating of a deputy's report to voters (述职评议), opened on one report-to-voters record.

    Staff or the deputy open it and show its QR code at the meeting; each voter rates once (see ``ReportRating``).
    """

    # A meeting's voters rate on the day or soon after; a link still open months later would collect ratings
    # from people who were not there.
    OPEN_DAYS = 7

    record = models.OneToOneField(
        ActivityRecord, verbose_name=_("述职记录"), on_delete=models.CASCADE, related_name="rating_poll"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("开启人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(_("开启时间"), default=timezone.now)
    closes_at = models.DateTimeField(_("截止时间"))

    class Meta:
        verbose_name = _("述职评议")
        verbose_name_plural = _("述职评议")

    def __str__(self):
        return str(self.record)

    def is_open(self, now=None) -> bool:
        return (now or timezone.now()) < self.closes_at


class ReportRating(models.Model):
    """One voter's rating of a report to voters: one per device, and one per mobile number when one is given.

    A rating that names a mobile number counts only once the number is confirmed with the code sent to it.
    """

    class Value(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        UNSATISFIED = "unsatisfied", _("不满意")

    poll = models.ForeignKey(ReportRatingPoll, on_delete=models.CASCADE, related_name="ratings")
    value = models.CharField(_("评价"), max_length=12, choices=Value.choices)
    comment = models.CharField(_("意见"), max_length=300, blank=True)
    # A keyed hash of the random token in the voter's signed cookie: the token itself is never stored.
    device = models.CharField(max_length=64)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(_("验证时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("评价时间"), default=timezone.now)

    class Meta:
        verbose_name = _("选民评价")
        verbose_name_plural = _("选民评价")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "device"], name="report_rating_once_per_device"),
            models.UniqueConstraint(
                fields=["poll", "phone"], condition=~Q(phone=""), name="report_rating_once_per_phone"
            ),
        ]

    def __str__(self):
        return f"{self.poll} · {self.get_value_display()}"

    @property
    def counted(self) -> bool:
        return not self.phone or self.verified_at is not None
