"""Voters' messages to one deputy (码上找代表): from the deputy's page or card to that deputy, who answers or
passes the message to a station for 梳理, after which it follows the usual opinion flow (``services.py``).

A message is an ``Opinion`` addressed to the deputy (``addressed_to``) in the state ``with_deputy``. A voter who
leaves a mobile number receives the tracking code and the deputy's answer by SMS.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.outbox import queue_sms
from core.sms import is_mobile
from core.text import labelled
from core.workflow import TransitionError
from representatives.audit import record_transition
from representatives.models import Deputy

from . import permissions
from .models import Opinion, Station
from .services import OPINION_STEPS

S = Opinion.Status

# How much of the deputy's answer an SMS carries; the whole answer is on the tracking page.
SMS_ANSWER_CHARS = 60


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise TransitionError(message)


def _track_url() -> str:
    # Without the code: a link in a text message ends up in gateway logs; the voter types the code on the page.
    return settings.SITE_URL.rstrip("/") + reverse("public:track")


@transaction.atomic
def message_to_deputy(
    *, deputy: Deputy, voter_name: str, voter_phone: str, title: str, content: str, category: str = ""
) -> Opinion:
    """A voter's message from the public page of ``deputy``; a mobile number asks for SMS updates."""
    phone = voter_phone.strip()
    _require(not phone or is_mobile(phone), _("短信只能发送到手机，请填写 11 位手机号码。"))
    opinion = Opinion(
        source=Opinion.Source.ONLINE,
        status=S.WITH_DEPUTY,
        addressed_to=deputy,
        deputy=deputy,
        region=deputy.region,
        voter_name=voter_name.strip(),
        voter_phone=phone,
        sms_updates=bool(phone),
        title=title.strip(),
        content=content.strip(),
        category=category,
    )
    opinion.full_clean()
    opinion.save()
    record_transition(
        obj=opinion,
        from_state="",
        to_state=opinion.status,
        by=None,
        public=True,
        note=_("选民给代表留言"),
    )
    if opinion.sms_updates:
        queue_sms(
            to=phone,
            text=_("您给%(deputy)s代表的留言已收到，查询码 %(code)s（请勿告诉他人），可在 %(url)s 查询办理进度和答复。")
            % {"deputy": deputy.name, "code": opinion.tracking_code, "url": _track_url()},
        )
    return opinion


def _locked(opinion: Opinion) -> Opinion:
    return Opinion.objects.select_for_update(of=("self",)).select_related("addressed_to").get(pk=opinion.pk)


@transaction.atomic
def message_answer(*, opinion: Opinion, by, text: str) -> Opinion:
    """The deputy answers the voter: the answer is the feedback, so the voter can read and rate it at once."""
    opinion = _locked(opinion)
    OPINION_STEPS.require("answer_message", by, opinion)
    text = text.strip()
    _require(bool(text), _("答复内容不能为空。"))
    now = timezone.now()
    opinion.reply = text
    opinion.status = S.FED_BACK
    opinion.replied_at = opinion.fed_back_at = now
    opinion.save()
    record_transition(obj=opinion, from_state=S.WITH_DEPUTY, to_state=S.FED_BACK, by=by, note=_("代表答复留言"))
    if opinion.sms_updates:
        excerpt = text if len(text) <= SMS_ANSWER_CHARS else text[:SMS_ANSWER_CHARS] + "…"
        queue_sms(
            to=opinion.voter_phone,
            text=_("%(deputy)s代表已答复您的留言“%(title)s”：%(answer)s 全文请凭查询码在 %(url)s 查看。")
            % {
                "deputy": opinion.addressed_to.name,
                "title": opinion.title[:20],
                "answer": excerpt,
                "url": _track_url(),
            },
        )
    return opinion


@transaction.atomic
def message_pass_to_station(*, opinion: Opinion, by, station: Station, note: str = "") -> Opinion:
    """The deputy passes the message to one of their stations, whose office sorts it (梳理) as any opinion."""
    opinion = _locked(opinion)
    OPINION_STEPS.require("pass_message", by, opinion)
    _require(permissions.message_stations(by).filter(pk=station.pk).exists(), _("只能转给您编入的、在用的联络站。"))
    opinion.station = station
    # The station's office handles it from now on: the region decides whose lists it appears in.
    opinion.region = station.region
    opinion.status = S.RECEIVED
    opinion.save()
    label = _("转%(station)s梳理") % {"station": station.name}
    record_transition(
        obj=opinion,
        from_state=S.WITH_DEPUTY,
        to_state=S.RECEIVED,
        by=by,
        note=labelled(label, note.strip()) if note.strip() else label,
    )
    return opinion


@transaction.atomic
def message_escalate(*, opinion: Opinion, station: Station | None) -> bool:
    """The deputy left the message unanswered past ``MESSAGE_ESCALATION_WORKING_DAYS``: the system passes it to
    ``station`` (one the deputy is assigned to) for 梳理, as the deputy would have, with no user behind the step.

    Returns whether it was passed: a message answered or passed meanwhile is left alone, and one whose deputy
    has no active station stays with the deputy (the office is told all the same)."""
    opinion = _locked(opinion)
    if opinion.status != S.WITH_DEPUTY or station is None:
        return False
    opinion.station = station
    opinion.region = station.region
    opinion.status = S.RECEIVED
    opinion.save()
    record_transition(
        obj=opinion,
        from_state=S.WITH_DEPUTY,
        to_state=S.RECEIVED,
        by=None,
        note=_("代表 %(n)d 个工作日未处理，系统自动转%(station)s梳理")
        % {"n": settings.MESSAGE_ESCALATION_WORKING_DAYS, "station": station.name},
    )
    return True
