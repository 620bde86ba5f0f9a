import uuid

from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    """A download too large to build inside the request: built by a worker into a private file, fetched later.

    The row is also the record of the request (who asked for which list, with which filters, how many rows);
    it and its file are removed together once they are ``EXPORT_KEEP_HOURS`` old.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("正在生成")
        DONE = "done", _("已生成")
        FAILED = "failed", _("生成失败")

    # Not guessable, though every page looks the job up among the requester's own jobs anyway.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("导出内容"), max_length=100)
    title = models.CharField(_("名称"), max_length=200)
    params = models.TextField(_("筛选条件"), blank=True)
    # The list page that asked, for the waiting page's way back.
    source = models.CharField(_("来源页面"), max_length=255, blank=True)
    # The file's headers and labels are written in the language of the page that asked for it.
    language = models.CharField(_("语言"), max_length=10, blank=True)
    rows = models.PositiveIntegerField(_("导出行数"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(_("失败原因"), blank=True)
    path = models.CharField(_("文件"), max_length=255, blank=True)
    filename = models.CharField(_("文件名"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(_("文件大小"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="core_exportjob_user_recent")]

    def __str__(self) -> str:
        return f"{self.title} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class StoredUpload(models.Model):
    """An uploaded file kept under a random name, with what was checked about it (see uploads.py)."""

    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Each concrete model declares its own ``file`` field, with the folder it keeps its files in.
    file: FieldFile

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


# Notices and the outbox (issue 16): every app tells people things, so these sit below the domain apps. They were
# born in representatives and moved here by state only (core 0002 / representatives 0015): the tables keep their
# names, so no row moved and no index was rebuilt.
class Notification(models.Model):
    """An in-app message in a user's inbox."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "representatives_notification"
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="representat_recipie_957d3f_idx")]

    def __str__(self) -> str:
        return self.title


class NoticeRecord(models.Model):
    """The ledger that makes every reminder go out once: one row per (item, step) key, claimed by one sweep."""

    key = models.CharField(max_length=200, unique=True)
    sweep = models.UUIDField(db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "representatives_noticerecord"
        verbose_name = _("提醒记录")
        verbose_name_plural = _("提醒记录")

    def __str__(self) -> str:
        return self.key


class OutgoingMessage(models.Model):
    """The outbox: e-mails and SMS written in the same transaction as the ledger, delivered afterwards."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("电子邮件")
        SMS = "sms", _("短信")

    channel = models.CharField(max_length=10, choices=Channel.choices)
    to = models.CharField(max_length=200)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        db_table = "representatives_outgoingmessage"
        verbose_name = _("待发消息")
        verbose_name_plural = _("待发消息")
        indexes = [models.Index(fields=["sent_at", "created_at"], name="representat_sent_at_6bc1f3_idx")]

    def __str__(self) -> str:
        return f"{self.channel} → {self.to}"
