"""Demo and benchmark data for suggestions: each county and the city congress registers about 1.2 suggestions
per deputy a year (a county of 250 deputies: the seeds' 300), most of them during the annual session.

Each suggestion is walked through its life on a simulated calendar up to today: submitted, registered (about
3% turned into letters), assigned to a lead unit with co-units or split among units, replied on time or late
(``--suggestion-overdue-rate`` of parts miss their deadline), rated, re-handled once when rated unsatisfied,
closed. Whatever would happen after today has not happened yet, so the lists show every state with
consistent timestamps, parts, replies, ratings, contacts, supervision of key suggestions and the timeline.

Rows are generated batch by batch and written with ``bulk_create``: no query per row, memory bounded by the
batch size, so ``--suggestions-per-congress 6250`` (100,000 suggestions over two years) loads in minutes.
"""

import datetime
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Max
from django.db.models.base import ModelState
from django.utils import timezone

from representatives.demo import DemoContext, _allocate, builder
from representatives.models import HandlingUnit, Level, Membership, Role, StateLog, User

from . import deadlines
from .models import (
    Assignment,
    Category,
    ContactLog,
    CoSigner,
    Evaluation,
    Reply,
    ReplyClass,
    Suggestion,
    Supervision,
    UnitRating,
)
from .services import round_rating

SAMPLE_REPLY_PATH = "demo/reply-letter-sample.pdf"
SUGGESTIONS_PER_DEPUTY = 1.2
# Township deputies write fewer, smaller suggestions, which their township government mostly handles.
TOWNSHIP_SUGGESTIONS_PER_DEPUTY = 0.3
SESSION_SHARE = 0.7

TOPICS = {
    Category.ECONOMY: [
        "优化营商环境",
        "扶持中小微企业发展",
        "加快产业园区建设",
        "发展侨乡特色文旅产业",
        "推动陈皮产业升级",
    ],
    Category.URBAN: ["推进老旧小区改造", "加装住宅电梯", "整治背街小巷", "完善城市停车设施", "加快城中村改造"],
    Category.AGRICULTURE: ["加强农田水利设施建设", "推进高标准农田建设", "发展农村集体经济", "完善农村饮水工程"],
    Category.ENVIRONMENT: ["加强潭江流域水质保护", "推进生活垃圾分类", "整治餐饮油烟污染", "治理农村黑臭水体"],
    Category.EDUCATION: ["增加公办学位供给", "改善乡村学校办学条件", "规范课后托管服务", "加强校园周边安全"],
    Category.HEALTH: ["提升基层医疗服务能力", "加强乡镇卫生院人才队伍建设", "推进家庭医生签约服务"],
    Category.SOCIAL: ["发展居家养老服务", "完善困难群众救助", "加强就业技能培训", "建设社区长者饭堂"],
    Category.TRANSPORT: ["改善农村公路通行条件", "优化公交线路", "整治学校周边交通拥堵", "增设人行过街设施"],
    Category.GOVERNANCE: ["深化政务服务改革", "加强基层法律服务", "推进平安乡村建设", "规范行政执法行为"],
    Category.OTHER: ["加强防汛防风设施建设", "保护历史文化街区", "完善应急避难场所"],
}
# The bureau (by the end of its name) that usually leads on a category; the first that exists wins.
LEAD_BUREAUS = {
    Category.ECONOMY: ["发展和改革局", "商务局", "工业和信息化局", "市场监督管理局"],
    Category.URBAN: ["住房和城乡建设局", "城市管理和综合执法局", "自然资源局"],
    Category.AGRICULTURE: ["农业农村局", "水利局"],
    Category.ENVIRONMENT: ["生态环境局", "城市管理和综合执法局", "水利局"],
    Category.EDUCATION: ["教育局", "科学技术局"],
    Category.HEALTH: ["卫生健康局", "医疗保障局"],
    Category.SOCIAL: ["人力资源和社会保障局", "民政局", "医疗保障局"],
    Category.TRANSPORT: ["交通运输局", "公安局"],
    Category.GOVERNANCE: ["司法局", "公安局", "市场监督管理局"],
    Category.OTHER: ["应急管理局", "文化广电旅游体育局", "住房和城乡建设局"],
}
CATEGORY_WEIGHTS = [
    (Category.ECONOMY, 12),
    (Category.URBAN, 18),
    (Category.AGRICULTURE, 13),
    (Category.ENVIRONMENT, 9),
    (Category.EDUCATION, 11),
    (Category.HEALTH, 9),
    (Category.SOCIAL, 10),
    (Category.TRANSPORT, 12),
    (Category.GOVERNANCE, 4),
    (Category.OTHER, 2),
]
REFUSAL_REASONS = [
    "所提事项属于个人诉求，不宜作为代表建议，转为来信处理。",
    "所提事项已通过司法程序处理，转为来信处理。",
    "建议内容不具体，已与代表沟通，转为来信处理。",
]
REPLY_TEXTS = {
    ReplyClass.A: "经认真研究，代表所提建议已采纳，相关工作已经完成。",
    ReplyClass.B: "代表所提建议已列入年度工作计划，正在组织实施，将按承诺时间完成。",
    ReplyClass.C: "代表所提建议很有价值，但受当前条件限制暂时难以实施，留作今后工作参考。",
}
C_REASONS = ["受财政资金限制，暂无法安排。", "涉及上级事权，需报请上级部门研究。", "受用地指标限制，近期难以实施。"]
CONTACT_METHODS = list(ContactLog.Method.values)
CONTACT_NOTES = {
    ContactLog.Stage.BEFORE: "办理前与代表电话沟通，了解建议的具体情况和诉求。",
    ContactLog.Stage.DURING: "邀请代表实地察看，通报办理进展。",
    ContactLog.Stage.AFTER: "答复后回访代表，听取对办理工作的意见。",
}
SUPERVISION_NOTES = {
    Supervision.Kind.VISIT: "常委会领导带队实地督办，听取承办单位办理情况汇报。",
    Supervision.Kind.MEETING: "召开重点建议督办座谈会，协调解决办理中的困难。",
    Supervision.Kind.UNANNOUNCED: "不打招呼到现场暗访，核实整改落实情况。",
    Supervision.Kind.REVIEW: "办结后回头看，检查承诺事项是否落实到位。",
}
COMMENTS: dict[str, str] = {
    Evaluation.Value.SATISFIED: "",
    Evaluation.Value.BASIC: "希望继续跟进落实。",
    Evaluation.Value.UNSATISFIED: "答复未回应所提问题，请重新办理。",
}


def add_arguments(parser):
    parser.add_argument(
        "--suggestions-per-congress",
        type=int,
        default=0,
        help="每个县级和市级人大每年立案的建议数（默认按每名在任代表约 1.2 件推算）",
    )
    parser.add_argument(
        "--township-suggestions-per-deputy",
        type=float,
        default=TOWNSHIP_SUGGESTIONS_PER_DEPUTY,
        help="乡镇人大每名在任代表每年提出的建议数（默认 0.3；设为 0 则不生成）",
    )
    parser.add_argument("--suggestion-years", type=int, default=2, help="生成代表建议的年数，含本年（默认 2）")
    parser.add_argument("--suggestion-key-rate", type=float, default=0.03, help="重点督办建议的比例（默认 0.03）")
    parser.add_argument(
        "--suggestion-reply-mix", default="40,45,15", help="A、B、C 三类答复的比例，逗号分隔（默认 40,45,15）"
    )
    parser.add_argument(
        "--suggestion-unsatisfied-rate", type=float, default=0.03, help="首次答复被评为不满意的比例（默认 0.03）"
    )
    parser.add_argument("--suggestion-overdue-rate", type=float, default=0.10, help="未按期答复的交办比例（默认 0.10）")
    parser.add_argument(
        "--suggestions",
        type=int,
        default=0,
        help="各年建议总数（默认 0：按各级人大的代表人数推算；给出时按同样比例分配到各级人大）",
    )
    parser.add_argument(
        "--suggestion-open-rate",
        type=float,
        default=0.0,
        help="至今仍未答复的交办比例，期限有的将到、有的已过，供催办提醒压力测试（默认 0）",
    )


def sample_pdf() -> bytes:
    """A small valid one-page PDF, shared by every demo reply instead of a file per row."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        None,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    stream = b"BT /F1 18 Tf 72 760 Td (Reply letter - demo sample) Tj ET"
    objects[3] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _ensure_sample_pdf() -> str:
    if not default_storage.exists(SAMPLE_REPLY_PATH):
        return default_storage.save(SAMPLE_REPLY_PATH, ContentFile(sample_pdf()))
    return SAMPLE_REPLY_PATH


def _reply_mix(text: str) -> list[tuple[str, float]]:
    weights = [float(part) for part in str(text).replace("，", ",").split(",")]
    if len(weights) != 3 or min(weights) < 0 or sum(weights) <= 0:
        raise ValueError("--suggestion-reply-mix takes three non-negative numbers, e.g. 40,45,15")
    return list(zip([ReplyClass.A, ReplyClass.B, ReplyClass.C], weights, strict=True))


_FIELDS: dict[type, tuple[dict[str, Any], list[Any], dict[str, str]]] = {}


def _instance(model, **values):
    """``model(**values)`` without ``Model.__init__``: an instance with the fields' defaults and these values,
    related objects cached as the constructor caches them (``bulk_create`` takes their ids once they are
    written). A province builds about a million of these, and the constructor was a tenth of this builder."""
    known = _FIELDS.get(model)
    if known is None:
        plain, factories, relations = {}, [], {}
        for f in model._meta.concrete_fields:
            if f.is_relation:
                relations[f.name] = f.attname
            if f.has_default() and callable(f.default):
                factories.append(f)
            else:
                plain[f.attname] = f.get_default()
        known = _FIELDS[model] = (plain, factories, relations)
    plain, factories, relations = known
    obj = model.__new__(model)
    state = ModelState()
    fields = obj.__dict__
    fields.update(plain)
    fields["_state"] = state
    for f in factories:
        if f.name not in values:
            fields[f.attname] = f.default()
    for name, value in values.items():
        attname = relations.get(name)
        if attname is None or attname == name:
            fields[name] = value
        else:
            state.fields_cache[name] = value
            fields[attname] = None if value is None else value.pk
    return obj


@dataclass
class _Batch:
    """Rows of one batch; suggestions are written first so that the rest can point at them."""

    suggestions: list = field(default_factory=list)
    cosigners: list = field(default_factory=list)
    parts: list = field(default_factory=list)
    replies: list = field(default_factory=list)
    contacts: list = field(default_factory=list)
    evaluations: list = field(default_factory=list)
    ratings: list = field(default_factory=list)
    supervisions: list = field(default_factory=list)
    # (suggestion, to_state, from_state, at, actor): StateLog needs the suggestion's id, known after its insert.
    steps: list = field(default_factory=list)


class _Units:
    """The units a congress's suggestions go to, from its own region and the regions above it.

    A county's matters go to its bureaus (the city's when the county has none for the matter), its township
    governments co-handle or share split suggestions; a township's go mostly to its own government.
    """

    def __init__(self, ctx: DemoContext):
        self.by_region: dict[int, list[HandlingUnit]] = defaultdict(list)
        for unit in ctx.units.values():
            if unit.is_active:
                self.by_region[unit.region_id].append(unit)
        self.parent: dict[int, int] = {county.pk: ctx.city.pk for county in ctx.counties}
        self.townships_of: dict[int, list[HandlingUnit]] = defaultdict(list)
        for township, county_index in zip(ctx.townships, ctx.county_of, strict=True):
            county_id = ctx.counties[county_index].pk
            self.parent[township.pk] = county_id
            self.townships_of[county_id] += self.by_region.get(township.pk, [])
        self._pools: dict = {}

    def pool(self, region_id: int, category: str) -> tuple[list[HandlingUnit], list[HandlingUnit]]:
        """(likely leads, everyone else who might co-handle) for a congress's region and a category."""
        key = (region_id, category)
        if key not in self._pools:
            self._pools[key] = self._pool(region_id, category)
        return self._pools[key]

    def _matching(self, region_id, category):
        units = self.by_region.get(region_id, [])
        return [unit for name in LEAD_BUREAUS[category] for unit in units if unit.name.endswith(name)]

    def _pool(self, region_id, category):
        own = self.by_region.get(region_id, [])
        parent = self.parent.get(region_id)
        if region_id in self.townships_of or parent is None:  # a county or the city
            leads = self._matching(region_id, category) or (self._matching(parent, category) if parent else [])
            return leads or own, own + self.townships_of.get(region_id, [])
        # A township: its own government, now and then a county bureau.
        above = self._matching(parent, category) or self.by_region.get(parent, [])
        return own * 3 + above[:1] if own else above, own + self.by_region.get(parent, [])


class _Simulator:
    def __init__(self, ctx: DemoContext, rng: random.Random, *, members, staff, leader):
        options = ctx.options
        self.members = members
        self.ctx, self.rng, self.today = ctx, rng, ctx.today
        # The co-units' ratings draw from their own stream, so the rest of the demo is what it was before them.
        # Seeded from the demo's seed, drawing nothing from it; repeatable demo data, not secrets.
        self.rating_rng = random.Random(hash(rng.getstate()))  # nosec B311
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.staff, self.leader = staff, leader
        self.key_rate = options.get("suggestion_key_rate", 0.03)
        self.unsatisfied_rate = options.get("suggestion_unsatisfied_rate", 0.03)
        self.overdue_rate = options.get("suggestion_overdue_rate", 0.10)
        self.open_rate = options.get("suggestion_open_rate") or 0.0
        mix = _reply_mix(options.get("suggestion_reply_mix", "40,45,15"))
        self.classes, self.class_weights = [c for c, _w in mix], [w for _c, w in mix]
        self.categories = [c for c, _w in CATEGORY_WEIGHTS]
        self.category_cum = list(itertools.accumulate(w for _c, w in CATEGORY_WEIGHTS))
        self.document = _ensure_sample_pdf()
        self.max_rounds = settings.SUGGESTION_MAX_ROUNDS
        self.units = _Units(ctx)
        self._deadlines: dict[tuple, datetime.date] = {}

    def at(self, day: datetime.date, hour: int | None = None) -> datetime.datetime:
        rng = self.rng
        moment = datetime.datetime.combine(
            day, datetime.time(hour if hour is not None else rng.randint(9, 17), rng.randint(0, 59)), tzinfo=self.tz
        )
        return min(moment, self.now)

    def deadline(self, rule, day: datetime.date, **options) -> datetime.date:
        # Thousands of suggestions are assigned on the same days: each day's deadline is worked out once.
        key = (rule, day, *sorted(options.items()))
        found = self._deadlines.get(key)
        if found is None:
            found = self._deadlines[key] = rule(day, **options)
        return found

    def days(self, low: int, high: int) -> datetime.timedelta:
        return datetime.timedelta(days=self.rng.randint(low, max(low, high)))

    # One suggestion --------------------------------------------------------------------------------------

    def suggestion(self, batch: _Batch, congress, deputy_id, submitted: datetime.date, session: bool, number):
        rng = self.rng
        category = rng.choices(self.categories, cum_weights=self.category_cum)[0]
        topic = rng.choice(TOPICS[category])
        s = _instance(
            Suggestion,
            congress=congress,
            region_id=congress.region_id,
            deputy_id=deputy_id,
            year=submitted.year,
            title=f"关于{topic}的建议",
            category=category,
            body=(
                f"近年来，{congress.region.name}在{topic}方面做了大量工作，但群众反映仍有不少问题。"
                "建议有关部门加大投入、完善制度，切实把相关工作落到实处。"
            ),
            period=Suggestion.Period.SESSION if session else Suggestion.Period.BETWEEN,
            created_at=self.at(submitted - self.days(0, 3), 8),
        )
        batch.suggestions.append(s)
        self._step(batch, s, "", "draft", s.created_at, None)
        self._live(batch, s, congress, category, submitted, number)
        self._cosigners(batch, s, congress, deputy_id)
        return s

    def _live(self, batch, s, congress, category, submitted, number):
        rng, today = self.rng, self.today
        if number is None:
            return  # still a draft
        s.status, s.number, s.submitted_at = Suggestion.Status.SUBMITTED, number, self.at(submitted)
        self._step(batch, s, "draft", "submitted", s.submitted_at, None)
        registered = submitted + self.days(2, 12)
        if registered > today:
            return
        if rng.random() < 0.03:
            s.status, s.refusal_reason = Suggestion.Status.NOT_REGISTERED, rng.choice(REFUSAL_REASONS)
            s.closed_at = self.at(registered)
            self._step(batch, s, "submitted", "not_registered", s.closed_at, self.staff)
            return
        s.status, s.registered_at, s.is_complex = Suggestion.Status.REGISTERED, self.at(registered), rng.random() < 0.05
        self._step(batch, s, "submitted", "registered", s.registered_at, self.staff)
        assigned = registered + self.days(1, 7)
        if assigned > today:
            return
        if self.leader is not None and rng.random() < self.key_rate:
            s.is_key, s.supervising_leader = True, self.leader
        s.status, s.assigned_at = Suggestion.Status.ASSIGNED, self.at(assigned)
        self._step(batch, s, "registered", "assigned", s.assigned_at, self.staff)
        handlers = self._first_round(batch, s, congress, category, assigned)
        self._finish(batch, s, handlers)

    def _cosigners(self, batch, s, congress, deputy_id):
        rng = self.rng
        members = self.members[congress.pk]
        if rng.random() >= 0.35 or len(members) < 3:
            return
        chosen = {rng.choice(members) for _ in range(rng.randint(1, 4))} - {deputy_id}
        for other in chosen:
            status = CoSigner.Status.INVITED
            responded = None
            if s.submitted_at is not None or rng.random() < 0.5:
                status = CoSigner.Status.ACCEPTED if rng.random() < 0.92 else CoSigner.Status.DECLINED
                responded = min(s.created_at + datetime.timedelta(hours=rng.randint(2, 48)), self.now)
            batch.cosigners.append(
                _instance(
                    CoSigner,
                    suggestion=s,
                    deputy_id=other,
                    status=status,
                    invited_at=s.created_at,
                    responded_at=responded,
                )
            )

    def _step(self, batch, s, from_state, to_state, at, actor, note=""):
        batch.steps.append((s, from_state, to_state, at, actor, note))

    def _first_round(self, batch, s, congress, category, assigned: datetime.date) -> list[Assignment]:
        rng = self.rng
        leads, others = self.units.pool(congress.region_id, category)
        deadline = self.deadline(deadlines.reply_deadline, assigned, is_complex=s.is_complex)
        roll = rng.random()
        if roll < 0.10 and len(others) >= 2:
            units = rng.sample(others, min(len(others), rng.randint(2, 3)))
            parts = [(u, Assignment.Role.SPLIT) for u in units]
        else:
            lead = rng.choice(leads)
            parts = [(lead, Assignment.Role.LEAD)]
            if roll < 0.35:
                co = [u for u in others if u is not lead]  # the same instances: ctx.units
                parts += [(u, Assignment.Role.CO) for u in rng.sample(co, min(len(co), rng.randint(1, 2)))]
        co_deadline = self.deadline(deadlines.co_opinion_deadline, assigned)
        created = []
        for unit, role in parts:
            part = _instance(
                Assignment,
                suggestion=s,
                unit=unit,
                role=role,
                round=1,
                assigned_at=s.assigned_at,
                deadline=co_deadline if role == Assignment.Role.CO else deadline,
            )
            created.append(part)
            batch.parts.append(part)
        return created

    def _reply_day(self, assigned: datetime.date, deadline: datetime.date) -> datetime.date:
        if self.rng.random() < self.overdue_rate:
            return deadline + self.days(1, 45)
        return assigned + self.days(min(15, (deadline - assigned).days - 1), (deadline - assigned).days - 1)

    def _handle(self, batch, s, parts: list[Assignment], assigned: datetime.date) -> datetime.date | None:
        """Each part's reply or co-opinion as of today; the day the last reply came, or None if one is missing."""
        rng, today = self.rng, self.today
        answering = [p for p in parts if p.role != Assignment.Role.CO]
        reply_days = []
        for part in answering:
            day = self._reply_day(assigned, part.deadline)
            if self.open_rate and rng.random() < self.open_rate:
                day = datetime.date.max  # never answered so far: past its deadline or coming up to it
            if assigned + datetime.timedelta(days=3) <= today:
                self._contact(batch, part, ContactLog.Stage.BEFORE, assigned + self.days(1, 3))
            if day > today:
                continue
            reply_days.append(day)
            part.status, part.done_at = Assignment.Status.DONE, self.at(day)
            reply_class = rng.choices(self.classes, weights=self.class_weights)[0]
            reply = _instance(
                Reply,
                assignment=part,
                reply_class=reply_class,
                text=REPLY_TEXTS[reply_class],
                document=self.document,
                replied_at=part.done_at,
            )
            if reply_class == ReplyClass.B:
                reply.promised_date = day + self.days(60, 300)
                if reply.promised_date <= today and rng.random() < 0.8:
                    reply.promise_done_at = self.at(reply.promised_date - self.days(0, 20))
                    confirmed = reply.promised_date + self.days(3, 20)
                    if confirmed <= today:
                        reply.promise_confirmed_at, reply.promise_confirmed_by = self.at(confirmed), self.staff
            elif reply_class == ReplyClass.C:
                reply.reason = rng.choice(C_REASONS)
            batch.replies.append(reply)
            roll = rng.random()
            if roll < 0.2:
                self._contact(batch, part, ContactLog.Stage.DURING, assigned + self.days(10, (day - assigned).days))
            if roll < 0.6:
                self._contact(batch, part, ContactLog.Stage.AFTER, day + self.days(1, 5))
        first_reply = min(reply_days, default=None)
        for part in parts:
            if part.role != Assignment.Role.CO:
                continue
            day = assigned + self.days(
                5, (part.deadline - assigned).days + (20 if rng.random() < self.overdue_rate else 0)
            )
            if first_reply is not None:
                # The lead unit replies with the co-units' opinions in hand.
                day = min(day, first_reply - datetime.timedelta(days=1))
            if day <= today:
                part.status, part.done_at = Assignment.Status.DONE, self.at(day)
                part.co_opinion, part.co_opinion_at = "同意主办单位的办理意见，将积极配合落实。", part.done_at
        if len(reply_days) < len(answering):
            return None
        return max(reply_days)

    def _contact(self, batch, part, stage, day):
        if day <= self.today:
            batch.contacts.append(
                _instance(
                    ContactLog,
                    assignment=part,
                    stage=stage,
                    method=self.rng.choice(CONTACT_METHODS),
                    date=day,
                    note=CONTACT_NOTES[stage],
                )
            )

    def _finish(self, batch, s, parts: list[Assignment]):
        rng, today = self.rng, self.today
        assigned = timezone.localdate(s.assigned_at)
        replied = self._handle(batch, s, parts, assigned)
        self._supervise(batch, s, assigned)
        if replied is None:
            return
        s.status, s.replied_at = Suggestion.Status.REPLIED, self.at(replied, 18)
        self._step(batch, s, "assigned", "replied", s.replied_at, None)
        rated = replied + self.days(3, 25)
        if rated > today:
            return
        if rng.random() < self.unsatisfied_rate and s.round < self.max_rounds:
            answer = Evaluation.Value.UNSATISFIED
        else:
            answer = Evaluation.Value.SATISFIED if rng.random() < 0.82 else Evaluation.Value.BASIC
        s.rated_at = self.at(rated)
        # The deputy rates each unit: the answering units as drawn above; a co-unit's opinion mostly alike, one
        # in five the other way between satisfied and basic (and never below basic when the reply failed).
        values = {}  # by the part's position: the parts are not written yet, so have no id to key them by
        for index, part in enumerate(parts):
            value: str = answer
            if part.role == Assignment.Role.CO and (
                answer == Evaluation.Value.UNSATISFIED or self.rating_rng.random() < 0.2
            ):
                value = Evaluation.Value.BASIC if answer == Evaluation.Value.SATISFIED else Evaluation.Value.SATISFIED
            values[index] = value
            batch.ratings.append(
                _instance(UnitRating, assignment=part, value=value, comment=COMMENTS[value], at=s.rated_at)
            )
        # The suggestion's rating of the round is the lowest of its units' (services.round_rating).
        overall = round_rating(values.values())
        batch.evaluations.append(
            _instance(Evaluation, suggestion=s, round=s.round, value=overall, comment=COMMENTS[overall], at=s.rated_at)
        )
        if overall != Evaluation.Value.UNSATISFIED:
            s.status, s.closed_at = Suggestion.Status.CLOSED, s.rated_at
            self._step(batch, s, "replied", "closed", s.closed_at, None)
            return
        # Re-handled (重新办理) by the same answering units with a shorter deadline.
        s.round += 1
        s.status = Suggestion.Status.ASSIGNED
        self._step(batch, s, "replied", "assigned", s.rated_at, None, "代表评价：不满意，重新办理")
        deadline = deadlines.rehandle_deadline(rated)
        again = [
            _instance(
                Assignment,
                suggestion=s,
                unit=p.unit,
                role=p.role,
                round=s.round,
                assigned_at=s.rated_at,
                deadline=deadline,
            )
            for index, p in enumerate(parts)
            if values[index] == Evaluation.Value.UNSATISFIED
        ]
        batch.parts += again
        s.assigned_at = s.rated_at
        self._finish(batch, s, again)

    def _supervise(self, batch, s, assigned: datetime.date):
        if not s.is_key:
            return
        rng, today = self.rng, self.today
        span = (today - assigned).days
        if span < 7:
            return
        kinds = [Supervision.Kind.VISIT, Supervision.Kind.MEETING, Supervision.Kind.UNANNOUNCED]
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(kinds)
            day = assigned + self.days(7, min(span, 120))
            batch.supervisions.append(
                _instance(Supervision, suggestion=s, kind=kind, date=day, note=SUPERVISION_NOTES[kind], by=self.leader)
            )


def _flush(ctx: DemoContext, batch: _Batch, content_type) -> None:
    # PostgreSQL and SQLite (3.35+) hand back the new ids, which every other row here points at.
    ctx.bulk_create(Suggestion, batch.suggestions)
    ctx.bulk_create(Assignment, batch.parts)
    # Nothing points at these: no ids to wait for (representatives.demo._CopyWriter.take_ids).
    for model, rows in (
        (CoSigner, batch.cosigners),
        (Reply, batch.replies),
        (ContactLog, batch.contacts),
        (Evaluation, batch.evaluations),
        (UnitRating, batch.ratings),
        (Supervision, batch.supervisions),
    ):
        ctx.bulk_create(model, rows, ids=False)
    user, system = str(StateLog.Origin.USER), str(StateLog.Origin.SYSTEM)
    ctx.insert_tuples(
        StateLog,
        ("content_type_id", "object_id", "from_state", "to_state", "actor_id", "origin", "note", "at"),
        [
            (
                content_type.pk,
                s.pk,
                from_state,
                to_state,
                actor.pk if actor else None,
                user if actor else system,
                note,
                at,
            )
            for s, from_state, to_state, at, actor, note in batch.steps
        ],
    )


def _submission_days(rng, year: int, count: int, today: datetime.date) -> list[tuple[datetime.date, bool]]:
    """``count`` submission days in ``year``: most during the session in January or February, the rest spread
    over the year; days after today are dropped (this year's suggestions are still coming in)."""
    session = datetime.date(year, 1, 5) + datetime.timedelta(days=rng.randint(0, 45))
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    days = []
    for _ in range(count):
        if rng.random() < SESSION_SHARE:
            days.append((session + datetime.timedelta(days=rng.randint(0, 4)), True))
        else:
            days.append((first + datetime.timedelta(days=rng.randint(0, (last - first).days)), False))
    return sorted(day for day in days if day[0] <= today)


@builder("suggestions", add_arguments=add_arguments)
def build_suggestions(ctx: DemoContext) -> None:
    rng = ctx.rng("suggestions")
    years = max(0, ctx.options.get("suggestion_years", 2))
    per_congress = ctx.options.get("suggestions_per_congress") or 0
    township_rate = max(0.0, ctx.options.get("township_suggestions_per_deputy", TOWNSHIP_SUGGESTIONS_PER_DEPUTY))
    targets = [c for c in ctx.congresses.values() if c.level in (Level.CITY, Level.COUNTY, Level.TOWNSHIP)]
    if not targets or years == 0:
        return
    members: dict[int, list[int]] = defaultdict(list)
    rows = Membership.objects.filter(congress__in=targets, status=Membership.Status.SERVING).values_list(
        "congress_id", "deputy_id"
    )
    for congress_id, deputy_id in rows.order_by("congress_id", "deputy_id").iterator():
        members[congress_id].append(deputy_id)
    accounts = {user.username: user for user in User.objects.filter(username__in=["staff", "leader"])}
    staff = accounts.get("staff")
    leader = accounts.get("leader")
    if leader is not None and leader.role != Role.LEADER:
        leader = None
    if staff is not None and staff.role != Role.STAFF:
        staff = None
    sim = _Simulator(ctx, rng, members=members, staff=staff, leader=leader)
    content_type = ContentType.objects.get_for_model(Suggestion)
    today = ctx.today
    demo_deputy = ctx.demo_deputy_id
    batch = _Batch()

    ordered = [c for c in sorted(targets, key=lambda c: (c.level, c.region.code)) if members.get(c.pk)]
    counts = []
    for congress in ordered:
        deputy_ids = members[congress.pk]
        if congress.level == Level.TOWNSHIP:
            counts.append(round(len(deputy_ids) * township_rate))
        else:
            counts.append(per_congress or max(1, round(len(deputy_ids) * SUGGESTIONS_PER_DEPUTY)))
    wanted = ctx.options.get("suggestions") or 0
    if wanted and sum(counts):
        # A total keeps the congresses' proportions; the year's share not yet submitted by today is dropped.
        counts = _allocate(round(wanted / years), counts)

    # Numbers go on from those a congress already gave in a year (a demo seeded over earlier rows): unique per
    # congress and year.
    numbered = {
        (row["congress_id"], row["year"]): row["last"] or 0
        for row in Suggestion.objects.filter(congress__in=ordered)
        .values("congress_id", "year")
        .annotate(last=Max("number"))
        .order_by()
    }
    # Suggestions get their ids in the order they are written. Real ones arrive day by day from every congress
    # at once; written congress by congress, a county's newest suggestions all sat below the next county's, and
    # the county's newest-first list walked every later county's suggestions first (bench/README.md).
    submissions = []
    for position, (congress, count) in enumerate(zip(ordered, counts, strict=True)):
        if count == 0:
            continue
        demo_author = demo_deputy in members[congress.pk]
        for year in range(today.year - years + 1, today.year + 1):
            # (day, during the session, still a draft, by the demo deputy)
            plan = [(day, session, False, False) for day, session in _submission_days(rng, year, count, today)]
            if demo_author:
                # The demo deputy's own list shows early suggestions, closed by now, and this year's latest,
                # one of them still a draft and one in the units' hands.
                plan[:2] = [(day, session, False, True) for day, session, _draft, _mine in plan[:2]]
                if year == today.year:
                    plan += [(today - datetime.timedelta(days=25), False, False, True), (today, False, True, True)]
                    plan.sort(key=lambda item: item[0])
            submissions += [(day, position, congress, year, session, draft, mine) for day, session, draft, mine in plan]
    # By day, then congress; a stable sort keeps each congress's own order, so its numbers still follow its days.
    submissions.sort(key=lambda item: (item[0], item[1]))
    for day, _position, congress, year, session, draft, mine in submissions:
        # The last few days' suggestions may still be drafts, as a deputy writes and rewrites them.
        draft = draft or ((today - day).days < 10 and rng.random() < 0.3)
        number = None
        if not draft:
            number = numbered[(congress.pk, year)] = numbered.get((congress.pk, year), 0) + 1
        author = demo_deputy if mine else rng.choice(members[congress.pk])
        sim.suggestion(batch, congress, author, day, session, number)
        if len(batch.suggestions) >= ctx.batch_size:
            _flush(ctx, batch, content_type)
            batch = _Batch()
    _flush(ctx, batch, content_type)


# 二次验收 (services_acceptance): most re-inspections find the work done, some send the unit back to it.
ACCEPTANCE_NOTES = {
    Supervision.Result.PASSED: "领导带队回访现场，承诺事项已落实，群众反映良好。",
    Supervision.Result.FAILED: "回访发现整改尚未到位，要求承办单位限期完成并再次报告。",
}


@builder("acceptances")
def build_acceptances(ctx: DemoContext) -> None:
    """Re-inspection of about two thirds of the key suggestions that have been replied to, by their leader."""
    rng = ctx.rng("acceptances")
    assert ctx.city is not None, "the representatives builders run first"
    replied = Suggestion.objects.filter(
        region__path__startswith=ctx.city.path,
        is_key=True,
        status__in=[Suggestion.Status.REPLIED, Suggestion.Status.CLOSED],
        replied_at__isnull=False,
    ).values_list("pk", "replied_at", "supervising_leader_id")
    rows = []
    for pk, replied_at, leader_id in replied.order_by("pk").iterator():
        day = timezone.localtime(replied_at).date() + datetime.timedelta(days=rng.randint(10, 60))
        if day > ctx.today or rng.random() > 0.65:
            continue
        result = Supervision.Result.PASSED if rng.random() < 0.8 else Supervision.Result.FAILED
        rows.append(
            _instance(
                Supervision,
                suggestion_id=pk,
                kind=Supervision.Kind.ACCEPTANCE,
                date=day,
                result=result,
                note=ACCEPTANCE_NOTES[result],
                by_id=leader_id,
            )
        )
    ctx.bulk_create(Supervision, rows)
