"""State changes for deputies and activity records: one function per transition, atomic and audited."""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.notices import notify_event
from core.uploads import store_uploads
from core.workflow import Step, TransitionError, Workflow, Workflows, in_states

from . import permissions
from .audit import record_transition
from .models import ActivityAttachment, ActivityKind, ActivityRecord, Deputy, Membership, ReportRatingPoll, Role, User

__all__ = ["TransitionError"]

_PENDING = ActivityRecord.Status.PENDING

# Which steps who may take on an activity record in which state: pages offer what ``available_steps`` lists,
# the services below ``require`` it.
ACTIVITY_STEPS = Workflow(
    ActivityRecord,
    Step(
        "edit",
        who=lambda user, record: permissions.is_deputy(user) and record.deputy_id == user.deputy_id,
        denied=gettext_lazy("已确认的履职记录不能再修改。"),
        when=((lambda record: record.is_editable_by_deputy, gettext_lazy("已确认的履职记录不能再修改。")),),
    ),
    Step(
        "confirm",
        who=permissions.can_review_activity,
        denied=gettext_lazy("您无权审核这条履职记录。"),
        when=((in_states(_PENDING), gettext_lazy("只有待确认的记录可以确认。")),),
    ),
    Step(
        "return",
        who=permissions.can_review_activity,
        denied=gettext_lazy("您无权审核这条履职记录。"),
        when=((in_states(_PENDING), gettext_lazy("只有待确认的记录可以退回。")),),
    ),
    # Voters rate a report to voters themselves (述职评议, services_ratings): opened once, by the deputy or the office.
    Step(
        "open_rating",
        who=permissions.can_open_report_rating,
        denied=gettext_lazy("您无权为这条履职记录开启选民评议。"),
        when=(
            (
                lambda record: record.kind == ActivityKind.REPORT_TO_VOTERS,
                gettext_lazy("只有向选民述职的记录可以请选民评议。"),
            ),
            (
                lambda record: not ReportRatingPoll.objects.filter(record=record).exists(),
                gettext_lazy("选民评议已经开启。"),
            ),
        ),
    ),
)

WORKFLOWS = Workflows(ACTIVITY_STEPS)


def available_steps(user, obj) -> list[str]:
    """The steps ``user`` may take on ``obj`` (an activity record) now."""
    return WORKFLOWS.available_steps(user, obj)


@transaction.atomic
def activity_create(*, deputy: Deputy, by, files=(), client_key: uuid.UUID | None = None, **fields) -> ActivityRecord:
    """Record a deputy's activity. ``client_key``, made on the deputy's phone for each entry, makes a resend
    (an entry kept offline and sent again, a double tap, a retried request) return the first record."""
    if client_key is not None:
        earlier = ActivityRecord.objects.filter(deputy=deputy, client_key=client_key).first()
        if earlier is not None:
            return earlier
    record = ActivityRecord(deputy=deputy, status=ActivityRecord.Status.PENDING, client_key=client_key, **fields)
    # The key's uniqueness is left to the database below, where a racing resend is answered, not refused.
    record.full_clean(exclude={"client_key"})
    try:
        # Two sends of one entry at the same moment both pass the check above; the unique key stops the second.
        with transaction.atomic():
            record.save()
    except IntegrityError:
        if client_key is None:
            raise
        return ActivityRecord.objects.get(deputy=deputy, client_key=client_key)
    store_uploads(ActivityAttachment, files, record=record)
    record_transition(obj=record, from_state="", to_state=record.status, by=by)
    return record


@transaction.atomic
def activity_update(*, record: ActivityRecord, by, files=(), **fields) -> ActivityRecord:
    record = ActivityRecord.objects.select_for_update().get(pk=record.pk)
    ACTIVITY_STEPS.require("edit", by, record)
    for name, value in fields.items():
        setattr(record, name, value)
    previous = record.status
    # An edited record goes back to the office for confirmation.
    record.status = ActivityRecord.Status.PENDING
    record.return_reason = ""
    record.full_clean()
    record.save()
    store_uploads(ActivityAttachment, files, record=record)
    if previous != record.status:
        record_transition(
            obj=record,
            from_state=previous,
            to_state=record.status,
            by=by,
            note=_("代表修改后重新提交"),
        )
    return record


@transaction.atomic
def activity_confirm(*, record: ActivityRecord, by) -> ActivityRecord:
    record = ActivityRecord.objects.select_for_update().select_related("deputy__region").get(pk=record.pk)
    ACTIVITY_STEPS.require("confirm", by, record)
    record.status = ActivityRecord.Status.CONFIRMED
    record.reviewed_by = by
    record.reviewed_at = timezone.now()
    record.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    record_transition(
        obj=record,
        from_state=ActivityRecord.Status.PENDING,
        to_state=record.status,
        by=by,
    )
    _tell_deputy(record, "confirmed", _("您的履职记录已确认"))
    return record


def _tell_deputy(record: ActivityRecord, event: str, title: str, note: str = "") -> None:
    # A record may be returned, edited and reviewed again: each review is its own event.
    users = User.objects.filter(deputy_id=record.deputy_id, role=Role.DEPUTY, is_active=True).select_related("deputy")
    summary = f"{record.date:%Y-%m-%d} {record.get_kind_display()} {record.place}"
    notify_event(
        users,
        key=f"activity:{record.pk}:{event}:{record.reviewed_at:%Y%m%d%H%M%S%f}",
        title=title,
        body=f"{summary}\n{note}" if note else summary,
        url=reverse("me:activity", args=[record.pk]),
    )


@transaction.atomic
def activity_return(*, record: ActivityRecord, by, reason: str) -> ActivityRecord:
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(_("退回必须填写理由。"))
    record = ActivityRecord.objects.select_for_update().select_related("deputy__region").get(pk=record.pk)
    ACTIVITY_STEPS.require("return", by, record)
    record.status = ActivityRecord.Status.RETURNED
    record.return_reason = reason[:500]
    record.reviewed_by = by
    record.reviewed_at = timezone.now()
    record.save(
        update_fields=[
            "status",
            "return_reason",
            "reviewed_by",
            "reviewed_at",
            "updated_at",
        ]
    )
    record_transition(
        obj=record,
        from_state=ActivityRecord.Status.PENDING,
        to_state=record.status,
        by=by,
        note=reason,
    )
    _tell_deputy(
        record,
        "returned",
        _("您的履职记录被退回，请修改后重新提交"),
        note=_("退回理由：%(reason)s") % {"reason": reason},
    )
    return record


@transaction.atomic
def membership_end(*, membership: Membership, status: str, on, by, note: str = "") -> Membership:
    """Record a resignation, termination or the end of the term of a seat, with its date."""
    if status not in (Membership.Status.RESIGNED, Membership.Status.TERMINATED, Membership.Status.TERM_ENDED):
        raise TransitionError(_("只能把代表资格改为辞职、终止或任期届满。"))
    membership = Membership.objects.select_for_update().select_related("deputy__region").get(pk=membership.pk)
    if not permissions.can_edit_deputy(by, membership.deputy):
        raise TransitionError(_("您无权修改这名代表的资格。"))
    if membership.status != Membership.Status.SERVING:
        raise TransitionError(_("这一代表资格已经不是在任状态。"))
    previous = membership.status
    membership.status = status
    membership.status_date = on
    try:
        membership.full_clean()
    except ValidationError as exc:
        raise TransitionError("; ".join(exc.messages)) from exc
    membership.save(update_fields=["status", "status_date"])
    record_transition(obj=membership, from_state=previous, to_state=status, by=by, note=note)
    return membership


def notifications_mark_read(*, user, ids=None) -> int:
    """Mark the user's own notifications read (all of them when ``ids`` is empty)."""
    from core.models import Notification
    from core.notices import forget_unread_counts

    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    clean_ids = [int(i) for i in ids or [] if str(i).isdigit()]
    if clean_ids:
        queryset = queryset.filter(pk__in=clean_ids)
    forget_unread_counts([user.pk])
    return queryset.update(read_at=timezone.now())


def notice_preferences_set(*, user, notify_by_sms: bool, notify_by_email: bool) -> None:
    """The user's own choice of texts and e-mails besides the inbox (the form checked a number and an address)."""
    user.notify_by_sms, user.notify_by_email = notify_by_sms, notify_by_email
    user.save(update_fields=["notify_by_sms", "notify_by_email"])
