"""Demo data of 民生实事: the city's livelihood projects last year and this, through the real services.

Last year: candidates, a secret selection vote closed with its result, the chosen projects' progress reports
and inspections, all completed, and the year-end satisfaction vote closed. This year: candidates, the vote
closed, the chosen projects under way with reports (the demo clerk's unit among them) and inspections. And a
vote open now in the demo deputy's congress, which the demo deputy has not voted in yet.

The deputies' ballots are written in bulk (a city congress has hundreds of deputies): the same rows
``services.ballot_vote`` writes for a secret vote, the counts and the roll of who voted, nothing more.
"""

import datetime
from collections import Counter

from django.db.models import F
from django.utils import timezone

from representatives.demo import CLERK_UNIT, DemoContext, builder
from representatives.models import Level, Membership

from . import services
from .models import Ballot, Choice, ProgressReport, Project, VoteCount, Voter

PROJECTS = [
    ("城区老旧小区改造", "改造城区老旧小区，完善水电气管网、加装电梯和电动车充电设施。", "住房和城乡建设局", 12000),
    ("农村供水提质", "新建和改造农村集中供水工程，提升农村自来水普及率和水质。", "水利局", 8500),
    ("中小学校扩容", "新建、改扩建中小学校，新增学位。", "教育局", 15000),
    ("社区居家养老服务", "建设社区居家养老服务中心和长者饭堂。", "民政局", 3200),
    ("基层医疗服务能力提升", "改造提升镇卫生院和村卫生站，配备必要设备。", "卫生健康局", 4600),
    ("农贸市场升级改造", "升级改造城区农贸市场，改善环境卫生。", "市场监督管理局", 2100),
    ("公交线路优化", "新开和优化公交线路，更新新能源公交车。", "交通运输局", 5400),
    ("城市内涝治理", "整治易涝点，改造雨水管网。", "城市管理和综合执法局", 9800),
]
TOWN_PROJECTS = [
    ("村道硬化和路灯安装", "硬化村道并安装太阳能路灯。"),
    ("农村生活污水治理", "建设农村生活污水收集处理设施。"),
    ("文化广场建设", "建设村（社区）文化广场和健身设施。"),
    ("菜市场改造", "改造镇区菜市场，规范摊位。"),
]
REPORTS = [
    "已完成立项和招标，正在开展前期工作。",
    "项目已开工，按计划推进。",
    "主体工程基本完成，正在进行配套建设。",
    "项目已完工，正在组织验收。",
]
FINDINGS = [
    "施工现场管理规范，进度基本符合计划。",
    "部分路段施工影响群众出行，建议加强围蔽和提示。",
    "群众对项目评价较好，建议做好后续管护。",
]


def _cast(ballot: Ballot, deputy_ids: list[int], pick, when: datetime.datetime) -> None:
    """Secret ballots from ``deputy_ids``: the roll and the counts, as ``services.ballot_vote`` writes them."""
    items = list(VoteCount.objects.filter(ballot=ballot).values_list("project_id", flat=True).distinct())
    tally: Counter = Counter()
    for index, _deputy in enumerate(deputy_ids):
        for project_id in items:
            tally[(project_id, pick(index, project_id))] += 1
    Voter.objects.bulk_create([Voter(ballot=ballot, deputy_id=deputy_id, voted_at=when) for deputy_id in deputy_ids])
    for (project_id, choice), count in tally.items():
        VoteCount.objects.filter(ballot=ballot, project_id=project_id, choice=choice).update(count=F("count") + count)
    Ballot.objects.filter(pk=ballot.pk).update(voters=len(deputy_ids))


def _dated(ballot: Ballot, opened: datetime.date, closed: datetime.date | None) -> None:
    def at(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))

    Ballot.objects.filter(pk=ballot.pk).update(
        opened_at=at(opened), closed_at=at(closed) if closed else None, created_at=at(opened)
    )


def _serving(congress_id: int) -> list[int]:
    return list(
        Membership.objects.filter(congress_id=congress_id, status=Membership.Status.SERVING)
        .order_by("deputy_id")
        .values_list("deputy_id", flat=True)
    )


@builder("livelihood")
def build_livelihood(ctx: DemoContext) -> None:
    staff, clerk = ctx.accounts.get("staff"), ctx.accounts.get("clerk")
    if staff is None or ctx.city is None:
        return
    city_congress = ctx.congresses.get((Level.CITY, ctx.city.pk))
    if city_congress is None:
        return
    rng = ctx.rng("livelihood")
    today = ctx.today
    deputies = _serving(city_congress.pk)
    if not deputies:
        return
    city_units = {
        name.removeprefix(ctx.city.name): unit for name, unit in ctx.units.items() if unit.region_id == ctx.city.pk
    }
    fallback = ctx.units.get(CLERK_UNIT) or next(iter(city_units.values()))

    for year in (today.year - 1, today.year):
        session = datetime.date(year, 1, 15)
        if session > today:
            continue
        projects = [
            services.project_create(
                congress=city_congress,
                year=year,
                title=f"{year}年{title}",
                description=description,
                unit=city_units.get(bureau, fallback),
                budget=budget,
                by=staff,
            )
            for title, description, bureau, budget in PROJECTS
        ]
        ballot = services.ballot_create(
            congress=city_congress,
            year=year,
            kind=Ballot.Kind.SELECTION,
            title=f"{city_congress.region.name}{year}年民生实事项目票决",
            session_name="第一次会议" if year == today.year else "第五次会议",
            seats=5,
            by=staff,
        )
        ballot = services.ballot_open(ballot=ballot, by=staff)
        voting = [deputy for deputy in deputies if rng.random() < 0.9]
        # The first five projects are widely supported; the rest split the vote.
        favoured = {project.pk for project in projects[:5]}

        def selection(index: int, project_id: int, favoured=favoured) -> str:
            roll = rng.random()
            if project_id in favoured:
                return Choice.FOR if roll < 0.85 else Choice.ABSTAIN if roll < 0.95 else Choice.AGAINST
            return Choice.FOR if roll < 0.4 else Choice.AGAINST if roll < 0.8 else Choice.ABSTAIN

        _cast(ballot, voting, selection, timezone.make_aware(datetime.datetime.combine(session, datetime.time(10))))
        ballot = services.ballot_close(ballot=ballot, by=staff)
        _dated(ballot, session, session)

        chosen = list(Project.objects.filter(congress=city_congress, year=year, status=Project.Status.ADOPTED))
        last_day = min(today, datetime.date(year, 12, 31))
        for project in chosen:
            steps = REPORTS if year < today.year else REPORTS[: rng.randint(1, 3)]
            for number, text in enumerate(steps, start=1):
                day = min(last_day, datetime.date(year, min(12, 2 + number * 2), 10))
                if clerk is not None and project.unit_id == clerk.unit_id and project.status == Project.Status.ADOPTED:
                    services.progress_report_add(project=project, by=clerk, date=day, percent=number * 25, text=text)
                else:
                    ProgressReport.objects.create(project=project, date=day, percent=number * 25, text=text)
            services.inspection_record(
                project=project,
                by=staff,
                date=min(last_day, datetime.date(year, 6, 18)),
                participants="、".join(rng.sample(["张伟", "李娜", "王强", "刘洋", "陈静", "杨帆", "黄敏"], 3)),
                findings=rng.choice(FINDINGS),
                advice="加快进度，确保年底前完成。" if year == today.year else "",
            )
        # A small demo (few deputies) may choose nothing: then there is nothing to rate at year end.
        if year < today.year and chosen:
            for project in chosen:
                services.project_complete(project=project, by=staff, date=datetime.date(year, 12, 10))
            rating = services.ballot_create(
                congress=city_congress,
                year=year,
                kind=Ballot.Kind.SATISFACTION,
                title=f"{city_congress.region.name}{year}年民生实事项目满意度测评",
                session_name="第六次会议",
                by=staff,
            )
            rating = services.ballot_open(ballot=rating, by=staff)

            def satisfaction(index: int, project_id: int) -> str:
                roll = rng.random()
                return Choice.SATISFIED if roll < 0.7 else Choice.BASIC if roll < 0.95 else Choice.UNSATISFIED

            rated_on = datetime.date(year, 12, 20)
            when = timezone.make_aware(datetime.datetime.combine(rated_on, datetime.time(10)))
            _cast(rating, [deputy for deputy in deputies if rng.random() < 0.85], satisfaction, when)
            rating = services.ballot_close(ballot=rating, by=staff)
            _dated(rating, rated_on, rated_on)
        ctx.created[Project] = ctx.created.get(Project, 0) + len(projects)

    _open_vote(ctx, staff, city_units, fallback)


def _open_vote(ctx: DemoContext, staff, city_units, fallback) -> None:
    """A vote open now in the demo deputy's congress, which the demo deputy can take from a phone."""
    if ctx.demo_deputy_id is None:
        return
    seat = (
        Membership.objects.filter(deputy_id=ctx.demo_deputy_id, status=Membership.Status.SERVING)
        .select_related("congress__region")
        .order_by("-congress__level")
        .first()
    )
    if seat is None:
        return
    congress, year = seat.congress, ctx.today.year
    if Ballot.objects.filter(congress=congress, year=year, kind=Ballot.Kind.SELECTION).exists():
        # The demo deputy sits in the city congress: this year's projects are chosen; rate them now.
        kind, title = Ballot.Kind.SATISFACTION, f"{congress.region.name}{year}年民生实事项目满意度测评"
    else:
        unit = next(
            (unit for unit in ctx.units.values() if unit.region_id == congress.region_id and unit.is_active), fallback
        )
        for name, description in TOWN_PROJECTS:
            services.project_create(
                congress=congress,
                year=year,
                title=f"{year}年{name}",
                description=description,
                unit=unit,
                budget=ctx.rng("livelihood_open").randint(50, 500),
                by=staff,
            )
        kind, title = Ballot.Kind.SELECTION, f"{congress.region.name}{year}年民生实事项目票决"
    if not services.ballot_items(Ballot(congress=congress, year=year, kind=kind)).exists():
        # This year's selection chose nothing (a small demo misses the quorum): no satisfaction vote to open.
        return
    ballot = services.ballot_create(
        congress=congress, year=year, kind=kind, title=title, session_name="第二次会议", by=staff
    )
    ballot = services.ballot_open(ballot=ballot, by=staff)
    others = [deputy for deputy in _serving(congress.pk) if deputy != ctx.demo_deputy_id]
    rng = ctx.rng("livelihood_open")
    choices = [choice for choice, _label in ballot.choices]
    when = timezone.now() - datetime.timedelta(hours=1)
    _cast(ballot, others[: len(others) // 3], lambda index, project_id: rng.choice(choices[:2]), when)
