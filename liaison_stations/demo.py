"""Demo and benchmark data for stations: about ten deputies per station, duty days twice a month with three
deputies on duty, and 1.7 voter opinions per deputy per year of which about 94% are resolved (the seeds' figures)."""

import datetime
import secrets
from collections import defaultdict

from django.utils import timezone

from representatives.demo import DemoContext, _Clock, _drawn, _uniform, builder
from representatives.workdays import add_working_days

from .models import (
    DutyDay,
    DutyShift,
    Opinion,
    OpinionCategory,
    Proposal,
    Rating,
    Resolution,
    Station,
    StationMember,
)

# Deputies on duty per duty day: with about ten per station that is five or six turns a year each.
SHIFT_SIZE = 3
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # as in new_tracking_code
STREETS = ["人民路", "中山路", "新华路", "建设路", "解放路", "和平路", "东风路", "环城路"]
TOPICS = ["听取群众意见建议", "民生实事项目征询", "老旧小区改造", "农村饮水安全", "交通出行", "垃圾分类", ""]
TITLES = {
    OpinionCategory.URBAN: ["小区路灯损坏", "老旧小区加装电梯", "背街小巷路面破损"],
    OpinionCategory.TRANSPORT: ["公交线路调整", "学校门口交通拥堵", "增设人行横道"],
    OpinionCategory.ENVIRONMENT: ["河道垃圾清理", "餐饮油烟扰民", "工地噪音"],
    OpinionCategory.EDUCATION: ["学位紧张", "校车安全", "课后托管"],
    OpinionCategory.HEALTH: ["社区卫生站缺医生", "看病排队时间长"],
    OpinionCategory.SOCIAL: ["养老服务中心建设", "低保申请流程"],
    OpinionCategory.AGRICULTURE: ["农田水利设施老化", "村道硬化"],
    OpinionCategory.OTHER: ["政务服务窗口办事难"],
}


def add_arguments(parser):
    parser.add_argument("--deputies-per-station", type=float, default=10, help="约多少名代表编入一个联络站")
    parser.add_argument("--opinions-per-deputy", type=float, default=1.7, help="每名代表每年约收集多少条选民意见")
    parser.add_argument("--opinions", type=int, default=0, help="选民意见总数（默认 0：按每名代表的条数推算）")


def _tracking_codes(count: int) -> list[str]:
    """``count`` codes as ``new_tracking_code`` makes them (12 letters of its alphabet, unguessable), from the
    system's random source in one call: each random byte below 248 (8 × 31) picks a letter without bias, the
    rest are dropped. A million opinions spent a minute making their codes one by one."""
    table = bytes(ord(CODE_ALPHABET[byte % len(CODE_ALPHABET)]) for byte in range(256))
    unbiased = 256 - 256 % len(CODE_ALPHABET)
    letters = ""
    while len(letters) < count * 12:
        raw = secrets.token_bytes((count * 12 - len(letters)) * 17 // 16 + 16)
        letters += raw.translate(table, bytes(range(unbiased, 256))).decode("ascii")
    return [letters[start : start + 12] for start in range(0, count * 12, 12)]


@builder("stations", add_arguments=add_arguments)
def build_stations(ctx: DemoContext) -> None:
    rng = ctx.rng("stations")
    per_station = max(1, ctx.options.get("deputies_per_station") or 10)
    by_township: dict[int, list] = defaultdict(list)
    left_by_township: dict[int, list] = defaultdict(list)
    for entry in ctx.roster:
        if entry.left_on is None:
            by_township[entry.township].append(entry.deputy_id)
        else:
            left_by_township[entry.township].append(entry.deputy_id)

    stations, members_of, left_members = [], [], []
    for index, township in enumerate(ctx.townships):
        deputy_ids = by_township.get(index, [])
        count = max(1, round(len(deputy_ids) / per_station))
        for n in range(count):
            kind = Station.Kind.HOME if n == 0 and township.name.endswith("街道") else Station.Kind.STATION
            stations.append(
                Station(
                    region=township,
                    name=f"{township.name}第{n + 1}代表联络站"
                    if kind == Station.Kind.STATION
                    else f"{township.name}代表之家",
                    kind=kind,
                    address=f"{township.name}{rng.choice(STREETS)}{rng.randint(1, 300)}号",
                    opening_hours="每周三、周五 9:00-12:00",
                    responsible_person=f"{township.name[:1]}主任",
                    contact_phone=f"0750-{rng.randint(2000000, 8999999)}",
                    star_rating=rng.choice([3, 4, 4, 5, 5]),
                )
            )
            members_of.append(deputy_ids[n::count])
            # Deputies who have left stay on a station's roster until the office takes them off: the station
            # page marks them, and no figure counts them as serving (issue 14).
            left_members.append(left_by_township.get(index, [])[n::count])
    ctx.bulk_create(Station, stations)
    with ctx.indexes_deferred(StationMember, DutyDay, DutyShift, Opinion):
        ctx.write_tuples(
            StationMember,
            ("station_id", "deputy_id"),
            ((s.pk, d) for s, ids, left in zip(stations, members_of, left_members, strict=True) for d in [*ids, *left]),
        )
        _build_duty_days(ctx, rng, stations, members_of)
        _build_opinions(ctx, rng, stations, members_of)


def _build_duty_days(ctx, rng, stations, members_of) -> None:
    """Duty days: twice a month over the past year (held) and the next two months (planned)."""
    today = ctx.today
    calendar = []  # the same days at every station: (date's text, held)
    for month_offset in range(-12, 2):
        for day_of_month in (8, 22):
            month_start = (today.replace(day=1) + datetime.timedelta(days=32 * month_offset)).replace(day=1)
            day = month_start.replace(day=day_of_month)
            calendar.append((day.isoformat(), day <= today))
    held_status, planned_status = str(DutyDay.Status.HELD), str(DutyDay.Status.PLANNED)
    topic = _drawn(rng, TOPICS)
    received = _drawn(rng, range(3, 31))
    sample = rng.sample
    columns = ("station_id", "date", "start_time", "end_time", "topic", "status", "voters_received")
    days: list[tuple] = []
    shifts_for: list[tuple[list[int], bool]] = []

    def flush():
        # Shifts point at their duty day, so the days of a batch are written first and get their ids.
        day_ids = ctx.insert_tuples(DutyDay, columns, days, ids=True)
        ctx.write_tuples(
            DutyShift,
            ("duty_day_id", "deputy_id", "attended"),
            (
                (day_id, d, True if held else None)
                for day_id, (ids, held) in zip(day_ids, shifts_for, strict=True)
                for d in ids
            ),
        )
        days.clear()
        shifts_for.clear()

    for station, ids in zip(stations, members_of, strict=True):
        if len(days) >= ctx.batch_size:
            flush()
        if not ids:
            continue
        on_duty = min(SHIFT_SIZE, len(ids))
        for day, held in calendar:
            days.append(
                (
                    station.pk,
                    day,
                    "09:00:00",
                    "12:00:00",
                    topic(),
                    held_status if held else planned_status,
                    received() if held else 0,
                )
            )
            shifts_for.append((sample(ids, on_duty), held))
    flush()


def _build_opinions(ctx, rng, stations, members_of) -> None:
    per_deputy = ctx.options.get("opinions_per_deputy", 1.7)
    total = ctx.options.get("opinions") or round(len(ctx.roster) * per_deputy)
    with_members = [(s, ids) for s, ids in zip(stations, members_of, strict=True) if ids]
    if not with_members or total <= 0:
        return
    units = [u for u in ctx.units.values() if u.is_active]
    ctx.write_tuples(Opinion, OPINION_COLUMNS, _opinions(ctx, rng, total, with_members, units))


OPINION_COLUMNS = (
    "tracking_code",
    "station_id",
    "region_id",
    "source",
    "deputy_id",
    "voter_name",
    "voter_phone",
    "title",
    "content",
    "category",
    "received_at",
    "sorted_at",
    "status",
    "proposal",
    "proposed_at",
    "reply",
    "unit_id",
    "assigned_at",
    "deadline",
    "replied_at",
    "feedback",
    "rating",
    "resolution",
    "fed_back_at",
    "closed_at",
    "published_at",
    "public_summary",
)


def _opinions(ctx, rng, total, with_members, units):
    """The opinions' rows in ``OPINION_COLUMNS`` order; their times as COPY text (``_Clock``)."""
    today, now = ctx.today, timezone.now()
    clock = _Clock(now)
    today_ordinal = today.toordinal()
    uniform = _uniform(rng)
    categories = [str(category) for category in TITLES]
    titles = {str(category): TITLES[category] for category in TITLES}
    contents = {
        category: ["群众反映：" + title + "，希望有关部门尽快解决。" for title in titles[category]]
        for category in categories
    }
    sources = [str(s) for s in (Opinion.Source.DUTY_DAY, Opinion.Source.DUTY_DAY, Opinion.Source.VISIT)]
    sources.append(str(Opinion.Source.ONLINE))
    names = [surname + title for surname in "赵钱孙李周吴郑王冯陈" for title in ["先生", "女士", "阿姨", "伯"]]
    stages = ["received", "sorted", "assigned", "assigned", "replied"]
    ratings = [str(Rating.SATISFIED)] * 80 + [str(Rating.BASIC)] * 17 + [str(Rating.UNSATISFIED)] * 3
    unsatisfied = str(Rating.UNSATISFIED)
    resolutions = [str(r) for r in RESOLUTIONS]
    unsatisfied_resolutions = [str(Resolution.IN_PROGRESS), str(Resolution.SOLVED)]
    summaries = {
        (title, rating): f"{title}：承办单位已核实处理，反映人评价{Rating(rating).label}。"
        for titles_of in titles.values()
        for title in titles_of
        for rating in set(ratings)
    }
    status = {s: str(s) for s in Opinion.Status}
    on_spot, refer_unit = str(Proposal.ON_SPOT), str(Proposal.REFER_UNIT)
    spot_reply, unit_reply = "接待代表当场解释政策并答复。", "已现场核查并安排整改。"
    feedback_text = "已电话告知反映人办理结果。"
    deadlines: dict[int, str] = {}
    codes: list[str] = []
    for _ in range(total):
        if not codes:
            codes = _tracking_codes(min(total, 1 << 14))
        station, ids = with_members[int(uniform() * len(with_members))]
        received = today_ordinal - int(uniform() * 365)
        category = categories[int(uniform() * len(categories))]
        category_titles = titles[category]
        title = category_titles[int(uniform() * len(category_titles))]
        category_contents = contents[category]
        content = category_contents[int(uniform() * len(category_contents))]
        sorted_at: str | None = clock.at(received, 15, 0)
        current = status[Opinion.Status.RECEIVED]
        proposal = reply = feedback = rating = resolution = public_summary = ""
        proposed_at = unit_id = assigned_at = deadline = replied_at = None
        fed_back_at = closed_at = published_at = None
        age = today_ordinal - received
        # Recent opinions are still moving; older ones are nearly all resolved (about 94% overall).
        roll = uniform()
        stage = stages[int(uniform() * 5)] if age < 20 or roll < 0.06 else "closed" if roll < 0.85 else "fed_back"
        replied: tuple[int, int] | None = None  # (day, hour) of the reply
        feedback_days = 0
        if stage == "received":
            sorted_at = None
        elif stage == "sorted":
            current = status[Opinion.Status.SORTED]
        elif stage != "assigned" and uniform() < ON_THE_SPOT_SHARE:
            # Answered on the spot (当场答复): no unit, the answer given the day it was proposed.
            proposal, reply, current = on_spot, spot_reply, status[Opinion.Status.REPLIED]
            replied, feedback_days = (received, 16), 1
            proposed_at = replied_at = clock.at(received, 16, 0)
        else:
            proposal, current = refer_unit, status[Opinion.Status.ASSIGNED]
            unit_id = units[int(uniform() * len(units))].pk
            proposed_at = clock.at(received + 1, 9, 0)
            assigned_at = clock.at(received + 2, 9, 0)
            deadline = deadlines.get(received)
            if deadline is None:
                start = datetime.date.fromordinal(received + 2)
                deadline = deadlines[received] = add_working_days_cached(start).isoformat()
            if stage in ("replied", "fed_back", "closed"):
                current, reply = status[Opinion.Status.REPLIED], unit_reply
                # A unit now and then replies after its deadline (15 working days), as real units do.
                days = 5 + int(uniform() * 16) if uniform() < 0.9 else 24 + int(uniform() * 7)
                replied, feedback_days = (received + days, 16), 2
                replied_at = clock.at(received + days, 16, 0)
        if replied is not None and stage in ("fed_back", "closed"):
            current, feedback = status[Opinion.Status.FED_BACK], feedback_text
            rating = ratings[int(uniform() * 100)]
            # A voter who is unsatisfied was mostly told the problem is not solved yet; now and then the office
            # recorded it solved and the voter disagrees (then it is not counted as solved either).
            if rating == unsatisfied:
                resolution = unsatisfied_resolutions[int(uniform() * 2)]
            else:
                resolution = resolutions[int(uniform() * len(resolutions))]
            fed_back_day = replied[0] + feedback_days
            fed_back_at = clock.at(fed_back_day, replied[1], 0)
            if stage == "closed":
                current = status[Opinion.Status.CLOSED]
                closed_at = clock.at(fed_back_day + 1, replied[1], 0)
                if uniform() < 0.5:
                    published_at, public_summary = closed_at, summaries[(title, rating)]
        yield (
            codes.pop(),
            station.pk,
            station.region_id,
            sources[int(uniform() * 4)],
            ids[int(uniform() * len(ids))],
            names[int(uniform() * len(names))],
            f"13{100000000 + int(uniform() * 900000000)}",
            title,
            content,
            category,
            clock.at(received, 10, 0),
            sorted_at,
            current,
            proposal,
            proposed_at,
            reply,
            unit_id,
            assigned_at,
            deadline,
            replied_at,
            feedback,
            rating,
            resolution,
            fed_back_at,
            closed_at,
            published_at,
            public_summary,
        )


# Of opinions past sorting, about a third answered on the spot (Fuzhou: 311 of 651); what the feedback recorded.
ON_THE_SPOT_SHARE = 0.3
RESOLUTIONS = [Resolution.SOLVED] * 85 + [Resolution.IN_PROGRESS] * 10 + [Resolution.EXPLAINED] * 5


_deadline_cache: dict[datetime.date, datetime.date] = {}


def add_working_days_cached(start: datetime.date) -> datetime.date:
    # Many opinions share an assignment day; the calendar lookup is done once per day, not per row.
    if start not in _deadline_cache:
        _deadline_cache[start] = add_working_days(start, 15).date
    return _deadline_cache[start]


@builder("voters")
def build_voters(ctx: DemoContext) -> None:
    """Opinions as voters leave them on the public station form, taken through the real services.

    The bulk builder above writes finished rows; these go step by step as in real use, so the demo also holds
    what that leaves behind: the public's steps with no signed-in user, a voter's own rating on the tracking
    page, one still waiting at every stage, one published, one the voter rated unsatisfied.
    """
    from . import services

    staff, clerk = ctx.accounts.get("staff"), ctx.accounts.get("clerk")
    if staff is None or clerk is None:
        return
    rng = ctx.rng("voters")
    stations = list(Station.objects.filter(region__path__startswith=staff.region.path).order_by("pk")[:50])
    if not stations:
        return
    stages = ["received", "sorted", "assigned", "replied", "fed_back", "rated", "published", "unsatisfied", "on_spot"]
    for stage in stages:
        station = rng.choice(stations)
        category = rng.choice(list(TITLES))
        title = rng.choice(TITLES[category])
        opinion = services.opinion_receive(
            source=Opinion.Source.ONLINE,
            station=station,
            voter_name=rng.choice("赵钱孙李周吴郑王冯陈") + rng.choice(["先生", "女士"]),
            voter_phone=f"13{rng.randint(100000000, 999999999)}",
            title=title,
            content="我通过联络站网页反映：" + title + "，请帮忙协调解决。",
            by=None,
        )
        ctx.created[Opinion] = ctx.created.get(Opinion, 0) + 1
        if stage == "received":
            continue
        services.opinion_sort(opinion=opinion, category=category, by=staff)
        if stage == "sorted":
            continue
        if stage == "on_spot":
            # Answered on the spot, told, solved and closed: the figure "handled on the spot" counts it.
            services.opinion_propose(
                opinion=opinion, proposal=Proposal.ON_SPOT, answer="已当场说明办理渠道和时限。", by=staff
            )
        else:
            services.opinion_propose(opinion=opinion, proposal=Proposal.REFER_UNIT, unit=clerk.unit, by=staff)
            services.opinion_assign(opinion=opinion, by=staff)
            if stage == "assigned":
                continue
            services.opinion_reply(opinion=opinion, by=clerk, text="已安排人员现场核查，正在整改。")
            if stage == "replied":
                continue
        # The one the voter rates unsatisfied was recorded solved by the office: closed, and not counted solved.
        resolution = Resolution.IN_PROGRESS if stage == "fed_back" else Resolution.SOLVED
        services.opinion_feed_back(
            opinion=opinion, by=staff, feedback="已电话告知反映人办理结果。", resolution=resolution
        )
        if stage == "fed_back":
            continue
        rating = Rating.UNSATISFIED if stage == "unsatisfied" else Rating.SATISFIED
        if stage != "on_spot":
            services.opinion_rate_by_voter(tracking_code=opinion.tracking_code, rating=rating)
        if stage == "rated":
            continue
        services.opinion_close(
            opinion=opinion,
            by=staff,
            publish=stage == "published",
            public_summary=f"{title}：承办单位已核实处理。" if stage == "published" else "",
        )


MESSAGES = [
    ("waiting", "村口路灯晚上不亮", "13812340001"),
    ("waiting", "希望增加到市区的公交班次", ""),
    ("answered", "小区垃圾清运不及时", "13812340002"),
    ("passed", "学校门口上下学拥堵", "13812340003"),
]


@builder("voter_messages")
def build_voter_messages(ctx: DemoContext) -> None:
    """Voters' messages to the demo deputy from the deputy's page or card (码上找代表), through the real services:
    two waiting for the deputy, one the deputy answered (sent by SMS too), one passed to the deputy's station
    and sorted there by the office."""
    from . import permissions, services, services_messages

    deputy_user, staff = ctx.accounts.get("deputy"), ctx.accounts.get("staff")
    if deputy_user is None or staff is None:
        return
    deputy = deputy_user.deputy
    station = permissions.message_stations(deputy_user).order_by("pk").first()
    for stage, title, phone in MESSAGES:
        if stage == "passed" and station is None:
            continue
        opinion = services_messages.message_to_deputy(
            deputy=deputy,
            voter_name="市民" + title[:1],
            voter_phone=phone,
            title=title,
            content="扫代表联系卡上的二维码留言：" + title + "，请代表帮忙反映。",
        )
        ctx.created[Opinion] = ctx.created.get(Opinion, 0) + 1
        if stage == "answered":
            services_messages.message_answer(
                opinion=opinion, by=deputy_user, text="已向区城管局反映，清运已改为每天两次，请您留意。"
            )
        elif stage == "passed":
            opinion = services_messages.message_pass_to_station(
                opinion=opinion, by=deputy_user, station=station, note="需交有关部门办理。"
            )
            if permissions.can_handle_opinion(staff, opinion):
                services.opinion_sort(opinion=opinion, category=OpinionCategory.TRANSPORT, by=staff)


VISITS_PER_YEAR = 4
VISIT_PURPOSES = [
    "调研联络站规范化建设",
    "参加进站接待选民活动",
    "督导民生实事项目意见收集",
    "检查“七有”标准落实情况",
    "听取代表和群众对常委会工作的意见建议",
]
VISIT_FINDINGS = [
    "群众反映老旧小区停车难，建议统筹规划停车位。",
    "站内工作台账不够规范，意见办理结果反馈不及时。",
    "部分代表进站履职次数偏少，需加强排班督促。",
    "群众反映村道路面破损，已转交镇政府核查。",
    "无。",
]
VISIT_FOLLOW_UPS = ["已交有关部门办理，下月回访。", "已要求联络站限期整改。", ""]
# Members of the city's standing committee without an account of their own, and the county's.
CITY_VISITORS = [("陈国强", "市人大常委会副主任"), ("林秀英", "市人大常委会委员")]
COUNTY_VISITOR = ("黄志明", "%(county)s人大常委会主任")


@builder("leader_visits")
def build_leader_visits(ctx: DemoContext) -> None:
    """Leaders' visits to stations (常委会组成人员/领导到联络站活动) last year and this, through the service: the
    demo leader's own, recorded by the leader, and visitors without an account, recorded by the offices."""
    from . import services_visits
    from .models import StationVisit

    leader, staff = ctx.accounts.get("leader"), ctx.accounts.get("staff")
    if leader is None or staff is None:
        return
    county_staff = ctx.accounts.get("staff_county")
    rng = ctx.rng("leader_visits")
    city_stations = list(
        Station.objects.filter(region__path__startswith=staff.region.path, is_active=True).order_by("pk")[:200]
    )
    county_stations = (
        list(
            Station.objects.filter(region__path__startswith=county_staff.region.path, is_active=True)
            .select_related("region__parent")
            .order_by("pk")[:50]
        )
        if county_staff is not None
        else []
    )
    if not city_stations:
        return
    today = ctx.today
    for year in (today.year - 1, today.year):
        first, last = datetime.date(year, 1, 1), min(today, datetime.date(year, 12, 31))
        leader_stations = rng.sample(city_stations, min(VISITS_PER_YEAR, len(city_stations)))
        visits = [(station, leader, None, leader) for station in leader_stations]
        visits += [(rng.choice(city_stations), None, rng.choice(CITY_VISITORS), staff) for _ in range(2)]
        for station in rng.sample(county_stations, min(2, len(county_stations))):
            county = station.region.parent.name if station.region.parent_id else station.region.name
            name, post = COUNTY_VISITOR
            visits.append((station, None, (name, post % {"county": county}), county_staff))
        for station, account, visitor, by in visits:
            try:
                services_visits.station_visit_record(
                    station=station,
                    date=first + datetime.timedelta(days=rng.randint(0, (last - first).days)),
                    by=by,
                    leader=account,
                    visitor_name=visitor[0] if visitor else "",
                    visitor_post=visitor[1] if visitor else "",
                    purpose=rng.choice(VISIT_PURPOSES),
                    findings=rng.choice(VISIT_FINDINGS),
                    follow_up=rng.choice(VISIT_FOLLOW_UPS),
                )
            except services_visits.TransitionError:
                continue  # the same visitor drawn twice for one station and day
            ctx.created[StationVisit] = ctx.created.get(StationVisit, 0) + 1
