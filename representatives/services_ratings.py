"""Voters rate a deputy's report to voters (述职评议) themselves, from a QR code shown at the meeting.

Staff or the deputy open a poll on the report-to-voters record (``ReportRatingPoll``). Each voter rates once:
once per device (a random token in a signed cookie, stored only as a keyed hash) and, when the voter gives a
mobile number, once per number, confirmed with a code sent to it by SMS. Counted ratings set the record's
``voter_rating``, which the yearly scoring reads, so the deputy no longer types it in.
"""

import datetime
import secrets

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from core.outbox import queue_sms
from core.sms import is_mobile

from .audit import record_transition
from .models import ActivityRecord, ReportRating, ReportRatingPoll
from .permissions import can_open_report_rating
from .services import ACTIVITY_STEPS, TransitionError

CODE_VALID_FOR = datetime.timedelta(minutes=10)
MAX_CODE_ATTEMPTS = 5

V = ReportRating.Value
COUNTED = Q(phone="") | Q(verified_at__isnull=False)

# The record's rating from the share of counted ratings that are satisfied or basically satisfied (满意率), the
# figure offices report; thresholds as share of ratings, highest first.
RATING_BANDS = ((0.9, ActivityRecord.VoterRating.GOOD), (0.7, ActivityRecord.VoterRating.FAIR))


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise TransitionError(message)


def device_hash(token: str) -> str:
    return salted_hmac("report-rating-device", token, algorithm="sha256").hexdigest()


def _code_hash(rating: ReportRating, code: str) -> str:
    return salted_hmac("report-rating-code", f"{rating.pk}:{code}", algorithm="sha256").hexdigest()


def poll_counts(poll: ReportRatingPoll) -> dict[str, int]:
    """Counted ratings of a poll by value, and their total; unconfirmed mobile numbers are not counted."""
    counts = poll.ratings.filter(COUNTED).aggregate(
        total=Count("pk"), **{value: Count("pk", filter=Q(value=value)) for value in V.values}
    )
    return counts


def rating_from_counts(counts: dict[str, int]) -> str:
    total = counts["total"]
    if not total:
        return ""
    share = (counts[V.SATISFIED] + counts[V.BASIC]) / total
    return next((rating for floor, rating in RATING_BANDS if share >= floor), ActivityRecord.VoterRating.POOR)


@transaction.atomic
def poll_open(*, record: ActivityRecord, by) -> ReportRatingPoll:
    """Open voters' rating of a report to voters; opening it again returns the same poll."""
    record = ActivityRecord.objects.select_for_update().select_related("deputy__region").get(pk=record.pk)
    poll = ReportRatingPoll.objects.filter(record=record).first()
    if poll is not None and can_open_report_rating(by, record):
        return poll
    ACTIVITY_STEPS.require("open_rating", by, record)
    now = timezone.now()
    poll = ReportRatingPoll.objects.create(
        record=record, opened_by=by, opened_at=now, closes_at=now + datetime.timedelta(days=ReportRatingPoll.OPEN_DAYS)
    )
    record_transition(obj=record, from_state=record.status, to_state=record.status, by=by, note=_("开启选民评议"))
    return poll


def _count(poll: ReportRatingPoll) -> None:
    rating = rating_from_counts(poll_counts(poll))
    # Derived from the voters' ratings, so not a change anyone made: no history row for each rating.
    ActivityRecord.objects.filter(pk=poll.record_id).update(voter_rating=rating)


@transaction.atomic
def rating_submit(
    *, poll: ReportRatingPoll, device_token: str, value: str, comment: str = "", phone: str = ""
) -> ReportRating:
    """A voter's rating; with a mobile number it waits for the code sent to that number (``rating_confirm``)."""
    poll = ReportRatingPoll.objects.select_for_update().get(pk=poll.pk)
    _require(poll.is_open(), _("这次述职的评议已经结束。"))
    _require(value in V.values, _("请选择一项评价。"))
    _require(bool(device_token), _("请允许浏览器保存 Cookie 后再评价。"))
    phone = phone.strip()
    _require(not phone or is_mobile(phone), _("请填写 11 位手机号码；固定电话收不到验证码。"))
    device = device_hash(device_token)
    earlier = poll.ratings.filter(device=device).first()
    if earlier is not None:
        _require(not earlier.counted, _("您已经评价过了，每人只能评价一次。"))
        # An unconfirmed attempt from this device gives way to the new one (a mistyped number, say).
        earlier.delete()
    if phone:
        _require(not poll.ratings.filter(phone=phone).exists(), _("这个手机号码已经评价过了。"))
    rating = ReportRating.objects.create(
        poll=poll, value=value, comment=comment.strip()[:300], device=device, phone=phone
    )
    if phone:
        code = f"{secrets.randbelow(10**6):06d}"
        rating.code_hash = _code_hash(rating, code)
        rating.code_sent_at = timezone.now()
        rating.save(update_fields=["code_hash", "code_sent_at"])
        queue_sms(
            to=phone,
            text=_("您对%(deputy)s代表述职的评价验证码：%(code)s，10 分钟内有效。如非本人操作请忽略。")
            % {"deputy": poll.record.deputy.name, "code": code},
        )
    else:
        _count(poll)
    return rating


def rating_confirm(*, rating: ReportRating, code: str) -> ReportRating:
    """Confirm a rating's mobile number with the code sent to it; the rating then counts."""
    with transaction.atomic():
        rating = ReportRating.objects.select_for_update().select_related("poll").get(pk=rating.pk)
        _require(bool(rating.phone) and rating.verified_at is None, _("这条评价不需要验证。"))
        _require(rating.poll.is_open(), _("这次述职的评议已经结束。"))
        _require(rating.code_attempts < MAX_CODE_ATTEMPTS, _("验证码输错次数过多，请重新评价。"))
        _require(
            rating.code_sent_at is not None and timezone.now() - rating.code_sent_at <= CODE_VALID_FOR,
            _("验证码已过期，请重新评价。"),
        )
        if constant_time_compare(rating.code_hash, _code_hash(rating, code.strip())):
            rating.verified_at = timezone.now()
            rating.save(update_fields=["verified_at"])
            _count(rating.poll)
            return rating
        # A wrong code is counted, outside any refusal's rollback, so guessing stops after a few tries.
        rating.code_attempts += 1
        rating.save(update_fields=["code_attempts"])
    raise TransitionError(_("验证码不正确。"))


def counts_by_record(record_ids) -> dict[int, dict[str, int]]:
    """Counted voters' ratings of each report record that had a poll, in one query (for the deputy's file)."""
    rows = (
        ReportRating.objects.filter(COUNTED, poll__record_id__in=list(record_ids))
        .values("poll__record_id")
        .annotate(total=Count("pk"), **{value: Count("pk", filter=Q(value=value)) for value in V.values})
        .order_by()
    )
    return {row.pop("poll__record_id"): row for row in rows}
