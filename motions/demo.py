"""Demo data for motions (议案): each county congress and the city congress receive a few motions this year, in
every state — a draft, one waiting for registration, one registered and awaiting the presidium, one listed on the
agenda, one not listed with reasons and one turned into a suggestion (made through suggestions' own service, so
it is linked and numbered like any suggestion). The demo deputy leads a draft still gathering co-signers and
has an invitation to second another deputy's draft, so their pages show both sides.

Rows are written directly with their timeline steps (as the system: no deputy signs in to seed data); only the
conversion goes through ``suggestions.services.suggestion_from_motion``.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from representatives.demo import DemoContext, builder
from representatives.models import Level, Membership, Role, StateLog, User
from suggestions import services as suggestion_services

from .models import Motion, MotionCoSigner, MotionRule, legal_cosigners

M = Motion.Status
TOPICS = [
    (
        "关于制定城乡生活垃圾分类管理条例的议案",
        "生活垃圾分类缺少地方性法规依据，各镇街标准不一。",
        "制定条例，明确分类标准、收运体系和各方责任。",
    ),
    (
        "关于加强农村饮用水水源保护的议案",
        "部分农村水源地周边存在养殖和排污，水质波动。",
        "划定保护区，建立镇村两级巡查和水质公开制度。",
    ),
    (
        "关于制定养老服务促进条例的议案",
        "居家和社区养老服务设施不足，运营补贴缺少依据。",
        "以地方性法规明确设施配建、补贴标准和监管。",
    ),
    (
        "关于开展历史文化街区保护专项监督的议案",
        "老城区部分历史建筑年久失修，保护责任不清。",
        "常委会开展专项监督，听取政府专项工作报告。",
    ),
    (
        "关于推进中小学课后服务全覆盖的议案",
        "课后服务开展不均衡，家长接送困难。",
        "统筹财政和师资，三年内实现课后服务全覆盖。",
    ),
    (
        "关于完善城市内涝治理的议案",
        "汛期多个路段积水严重，排水管网标准偏低。",
        "编制排水防涝专项规划，分年度实施管网改造。",
    ),
]
# The order the states are dealt in, one motion each per congress.
STATES = [M.DRAFT, M.SUBMITTED, M.REGISTERED, M.LISTED, M.NOT_LISTED, M.CONVERTED]
NOT_LISTED_REASON = "所提事项不属于本级人民代表大会职权范围，建议作为代表建议交有关机关研究办理。"


def add_arguments(parser):
    parser.add_argument(
        "--motions", type=int, default=1, help="每个县级和市级人大本年度各状态议案的套数（默认 1 套 6 件；0 则不生成）"
    )


class _Steps:
    def __init__(self):
        self.rows: list[StateLog] = []
        self.content_type = ContentType.objects.get_for_model(Motion)

    def add(self, motion: Motion, from_state: str, to_state: str, at, actor=None, note: str = "") -> None:
        self.rows.append(
            StateLog(
                content_type=self.content_type,
                object_id=motion.pk,
                from_state=from_state,
                to_state=to_state,
                actor=actor,
                origin=StateLog.Origin.USER if actor else StateLog.Origin.SYSTEM,
                note=note,
                at=at,
            )
        )


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@builder("motions", add_arguments=add_arguments)
def build_motions(ctx: DemoContext) -> None:
    sets = max(0, ctx.options.get("motions", 1))
    demo = ctx.demo_deputy_id
    # County and city congresses, and the demo deputy's own township congress (five co-signers there), so their
    # pages show motions from both sides without seeding every township.
    serving = Membership.objects.filter(deputy_id=demo or 0, status=Membership.Status.SERVING)
    own = set(serving.values_list("congress_id", flat=True))
    targets = [c for c in ctx.congresses.values() if c.level in (Level.CITY, Level.COUNTY) or c.pk in own]
    if not targets or sets == 0:
        return
    rng = ctx.rng("motions")
    staff = User.objects.filter(username="staff", role=Role.STAFF).first()
    today = ctx.today
    members: dict[int, list[int]] = {}
    rows = Membership.objects.filter(congress__in=targets, status=Membership.Status.SERVING).values_list(
        "congress_id", "deputy_id"
    )
    for congress_id, deputy_id in rows.order_by("congress_id", "deputy_id"):
        members.setdefault(congress_id, []).append(deputy_id)
    steps = _Steps()
    cosigners: list[MotionCoSigner] = []
    ordered = sorted(targets, key=lambda c: (c.level, c.region.code))
    # The office's own rule on the city congress; the counties keep the legal number.
    city = next((c for c in ordered if c.level == Level.CITY), None)
    if city is not None:
        MotionRule.objects.update_or_create(congress=city, defaults={"min_cosigners": 10, "updated_by": staff})
    for congress in ordered:
        deputy_ids = members.get(congress.pk, [])
        needed = min(10 if congress == city else legal_cosigners(congress), len(deputy_ids) - 2)
        if needed < 1:
            continue
        if needed < legal_cosigners(congress):
            # A small demo congress: its office's rule asks for what its roster can give.
            MotionRule.objects.update_or_create(
                congress=congress, defaults={"min_cosigners": needed, "updated_by": staff}
            )
        number = 0
        for round_ in range(sets):
            demo_here = demo in deputy_ids and round_ == 0
            # Where the demo deputy sits, a second draft by someone else invites them to second it.
            for index, state in enumerate([*STATES, M.DRAFT] if demo_here else STATES):
                title, grounds, proposal = TOPICS[(index + round_) % len(TOPICS)]
                # The demo deputy leads the draft and the listed motion of their congress; others are random.
                leads = demo_here and (index == STATES.index(M.LISTED) or index == STATES.index(M.DRAFT))
                author: int = (
                    demo
                    if leads and demo is not None
                    else rng.choice([d for d in deputy_ids if d != demo] or deputy_ids)
                )
                others = [d for d in deputy_ids if d != author]
                # Within this year, where the motions are counted.
                submitted = max(
                    today - datetime.timedelta(days=rng.randint(20, 60) + 10 * index), datetime.date(today.year, 1, 2)
                )
                motion = Motion(
                    congress=congress,
                    region=congress.region,
                    deputy_id=author,
                    year=today.year,
                    title=title,
                    grounds=grounds,
                    proposal=proposal,
                    created_at=_at(submitted - datetime.timedelta(days=3)),
                )
                if state != M.DRAFT:
                    number += 1
                    motion.number = number
                    motion.submitted_at = _at(submitted)
                if state not in (M.DRAFT, M.SUBMITTED):
                    motion.registered_at = _at(submitted + datetime.timedelta(days=1))
                motion.status = M.REGISTERED if state == M.CONVERTED else state
                decided = _at(submitted + datetime.timedelta(days=3), 15)
                if state == M.LISTED:
                    motion.decision_body = Motion.Body.PRESIDIUM
                    motion.session = f"{congress}第{rng.randint(2, 4)}次会议"
                    motion.decided_at = decided
                elif state == M.NOT_LISTED:
                    motion.decision_body = Motion.Body.PRESIDIUM
                    motion.decision_reason = NOT_LISTED_REASON
                    motion.decided_at = decided
                motion.save()
                _seconders(cosigners, motion, others, needed, state, demo, rng)
                steps.add(motion, "", M.DRAFT, motion.created_at)
                if motion.submitted_at:
                    steps.add(motion, M.DRAFT, M.SUBMITTED, motion.submitted_at, note=f"{needed} 名代表附议")
                if motion.registered_at:
                    steps.add(motion, M.SUBMITTED, M.REGISTERED, motion.registered_at, staff)
                if state == M.LISTED:
                    steps.add(motion, M.REGISTERED, M.LISTED, decided, staff, f"大会主席团：{motion.session}")
                elif state == M.NOT_LISTED:
                    steps.add(motion, M.REGISTERED, M.NOT_LISTED, decided, staff, f"大会主席团：{NOT_LISTED_REASON}")
                elif state == M.CONVERTED:
                    _convert(motion, staff, steps, decided)
    ctx.bulk_create(MotionCoSigner, cosigners)
    ctx.bulk_create(StateLog, steps.rows)
    ctx.created[Motion] = ctx.created.get(Motion, 0) + Motion.objects.filter(congress__in=targets).count()


def _seconders(cosigners: list, motion: Motion, others: list[int], needed: int, state: str, demo, rng) -> None:
    chosen = rng.sample(others, min(len(others), needed + 1))
    if motion.status == M.DRAFT:
        # A draft still gathering seconds: some have agreed, the rest (the demo deputy among them) not yet.
        if demo is not None and demo in others and demo not in chosen:
            chosen[-1] = demo
        for n, deputy_id in enumerate(chosen):
            agreed = n < needed // 2 and deputy_id != demo
            cosigners.append(
                MotionCoSigner(
                    motion=motion,
                    deputy_id=deputy_id,
                    status=MotionCoSigner.Status.ACCEPTED if agreed else MotionCoSigner.Status.INVITED,
                    invited_at=motion.created_at,
                    responded_at=motion.created_at if agreed else None,
                )
            )
        return
    # Submitted: at least the legal number agreed; one invited deputy declined.
    for n, deputy_id in enumerate(chosen):
        agreed = n < needed
        cosigners.append(
            MotionCoSigner(
                motion=motion,
                deputy_id=deputy_id,
                status=MotionCoSigner.Status.ACCEPTED if agreed else MotionCoSigner.Status.DECLINED,
                invited_at=motion.created_at,
                responded_at=motion.created_at,
            )
        )


def _convert(motion: Motion, staff, steps: _Steps, decided) -> None:
    """转为建议 through the suggestion app's own service, so the suggestion is numbered and linked."""
    origin = f"由{motion.number_label}转为建议（专门委员会（法制委员会）决定）"
    suggestion = suggestion_services.suggestion_from_motion(
        deputy=motion.deputy,
        congress=motion.congress,
        title=motion.title,
        body=f"案据：\n{motion.grounds}\n\n方案：\n{motion.proposal}",
        by=staff,
        note=origin,
    )
    motion.status = M.CONVERTED
    motion.decision_body = Motion.Body.COMMITTEE
    motion.committee = "法制委员会"
    motion.decision_reason = "所提事项宜由政府有关部门研究办理，转为代表建议。"
    motion.decided_at = decided
    motion.suggestion = suggestion
    motion.save()
    steps.add(
        motion,
        M.REGISTERED,
        M.CONVERTED,
        decided,
        staff,
        f"专门委员会（法制委员会）决定转为建议，建议{suggestion.number_label}",
    )
