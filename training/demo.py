"""Demo data of training, through the real services: the city congress's induction course for the current term
(with some deputies still missing it), two thematic courses this year, and a county course; each session's
roster holds every deputy of the congress invited at the time, including those who left office mid-year, and
about nine in ten attended. Attendance is marked in bulk (a city congress has hundreds of deputies): the same
rows ``services.attendance_record`` writes."""

import datetime
from decimal import Decimal

from django.utils import timezone

from representatives.demo import COUNTY_CODE_FOR_STAFF, DemoContext, builder
from representatives.models import Congress, Level, Membership

from . import services
from .models import AttemptAnswer, Attendance, Question, QuizAttempt, TrainingSession

COURSES = [
    # (title, organiser, level, induction, [(days before today, place, hours)])
    ("新任代表初任履职培训", "市人大常委会代表工作委员会", Level.CITY, True, [(200, "市人大常委会会议室", "6")]),
    (
        "代表建议撰写专题培训",
        "市人大常委会代表工作委员会",
        Level.CITY,
        False,
        [(90, "市委党校", "3"), (30, "线上", "2")],
    ),
    ("预算审查监督能力培训", "市人大常委会预算工作委员会", Level.CITY, False, [(60, "市委党校", "4")]),
]
COUNTY_COURSE = ("代表履职能力提升培训班", "区人大常委会", Level.COUNTY, True, [(120, "区人大会议中心", "4")])


def _roster(congress: Congress, day: datetime.date) -> list[int]:
    """The congress's deputies seated on ``day``: serving now, or left after it (their seat ended mid-year)."""
    seats = Membership.objects.filter(congress=congress).exclude(status_date__lt=day)
    return list(seats.order_by("deputy_id").values_list("deputy_id", flat=True))


def _build(ctx: DemoContext, congress: Congress, staff, course_spec, rng) -> None:
    title, organiser, level, induction, sessions = course_spec
    course = services.course_create(
        congress=congress, by=staff, title=title, organiser=organiser, level=level, is_induction=induction
    )
    for days, place, hours in sessions:
        day = ctx.today - datetime.timedelta(days=days)
        if day < congress.start_date:
            continue
        session = services.session_create(
            course=course, by=staff, date=day, place=place, hours=Decimal(hours), invite_serving=False
        )
        invited = _roster(congress, day)
        Attendance.objects.bulk_create(
            [Attendance(session=session, deputy_id=pk, attended=rng.random() < 0.88) for pk in invited]
        )
        TrainingSession.objects.filter(pk=session.pk).update(attendance_recorded=True)
        ctx.created[Attendance] = ctx.created.get(Attendance, 0) + len(invited)


@builder("training")
def build_training(ctx: DemoContext) -> None:
    staff = ctx.accounts.get("staff")
    if staff is None or ctx.city is None:
        return
    rng = ctx.rng("training")
    city_congress = ctx.congresses.get((Level.CITY, ctx.city.pk))
    if city_congress is not None:
        for spec in COURSES:
            _build(ctx, city_congress, staff, spec, rng)
    county = next((c for c in ctx.counties if c.code == COUNTY_CODE_FOR_STAFF), None)
    county_congress = ctx.congresses.get((Level.COUNTY, county.pk)) if county else None
    if county_congress is not None:
        _build(ctx, county_congress, ctx.accounts.get("staff_county") or staff, COUNTY_COURSE, rng)


# The question bank: (topic, kind, text, options, answer, explanation).
S, M, T = Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.TRUE_FALSE
QUESTIONS = [
    ("代表法", T, "代表应当与原选区选民或者原选举单位保持密切联系。", [], [0], "代表法第四条。"),
    (
        "代表法",
        T,
        "代表在人民代表大会各种会议上的发言和表决，受法律追究。",
        [],
        [1],
        "不受法律追究（代表法第三十一条）。",
    ),
    ("代表法", T, "县级以上的各级人大代表可以持代表证就地进行视察。", [], [0], "代表法第二十三条。"),
    ("代表法", T, "代表可以委托他人代为出席本级人民代表大会会议。", [], [1], "代表应当亲自出席会议。"),
    ("代表法", S, "全国人大代表的任期为：", ["三年", "四年", "五年", "六年"], [2], "每届任期五年。"),
    (
        "代表法",
        S,
        "代表提出的建议、批评和意见，有关机关和组织应当在多长时间内答复？",
        ["一个月", "三个月", "六个月", "一年"],
        [1],
        "自交办之日起三个月内答复，至迟不超过六个月。",
    ),
    (
        "代表法",
        S,
        "乡级人大代表向选民述职，一般：",
        ["每届一次", "每年至少一次", "每两年一次", "不作要求"],
        [1],
        "各地办法通常规定每年至少一次。",
    ),
    (
        "代表法",
        M,
        "代表在闭会期间的活动形式包括：",
        ["视察", "专题调研", "联系选民", "审判案件"],
        [0, 1, 2],
        "审判是法院的职权。",
    ),
    (
        "代表法",
        M,
        "代表应当履行的义务有：",
        ["模范遵守宪法和法律", "保守国家秘密", "与选民保持密切联系", "领取固定报酬"],
        [0, 1, 2],
        "代表法第四条。",
    ),
    ("选举法", T, "县、乡两级人大代表由选民直接选举。", [], [0], "选举法第三条。"),
    ("选举法", T, "选民可以同时在两个选区登记。", [], [1], "每一选民只能在一个地方登记。"),
    (
        "选举法",
        S,
        "选民年满多少周岁享有选举权和被选举权？",
        ["十六", "十八", "二十", "二十二"],
        [1],
        "宪法第三十四条。",
    ),
    (
        "选举法",
        S,
        "直接选举中，选区全体选民过半数参加投票，选举有效；代表候选人获得多少选票始得当选？",
        ["参加投票选民的过半数", "全体选民过半数", "三分之二以上", "最多票"],
        [0],
        "选举法规定。",
    ),
    (
        "选举法",
        S,
        "罢免县级人大代表，须经：",
        ["原选区过半数选民通过", "常委会决定", "上级人大决定", "参加投票选民过半数"],
        [0],
        "选举法第五十五条。",
    ),
    ("监督法", T, "各级人大常委会听取和审议专项工作报告是行使监督职权的方式之一。", [], [0], "监督法第二章。"),
    ("监督法", T, "专题询问只能由常委会组成人员提出，代表不得列席。", [], [1], "常委会可以邀请代表列席。"),
    (
        "监督法",
        S,
        "常委会对法律法规实施情况的检查称为：",
        ["执法检查", "专题调研", "视察", "质询"],
        [0],
        "监督法第四章。",
    ),
    (
        "监督法",
        S,
        "质询案由常委会组成人员多少人以上联名提出？",
        ["三", "五", "十", "二十"],
        [1],
        "县级以上常委会组成人员五人以上联名。",
    ),
    (
        "监督法",
        M,
        "常委会监督的方式包括：",
        ["听取专项工作报告", "执法检查", "询问和质询", "代替政府决策"],
        [0, 1, 2],
        "常委会不代替政府决策。",
    ),
    ("代表建议", T, "代表建议应当一事一议，内容具体、有针对性。", [], [0], "提高建议质量的基本要求。"),
    ("代表建议", T, "代表建议只能在人代会期间提出。", [], [1], "闭会期间也可以提出。"),
    (
        "代表建议",
        S,
        "代表建议答复分类中，A类表示：",
        ["所提问题已经解决或基本解决", "列入计划逐步解决", "因条件限制留作参考", "不予采纳"],
        [0],
        "A/B/C 分类答复。",
    ),
    (
        "代表建议",
        S,
        "承办单位答复代表建议前，一般应当：",
        ["与代表沟通", "直接发文", "报法院", "公示"],
        [0],
        "办理前、中、后与代表沟通。",
    ),
    (
        "代表建议",
        M,
        "代表对建议办理结果可以表示：",
        ["满意", "基本满意", "不满意", "弃权"],
        [0, 1, 2],
        "满意度测评三档。",
    ),
    ("预算审查", T, "政府预算调整方案须提请本级人大常委会审查批准。", [], [0], "预算法第六十九条。"),
    ("预算审查", S, "人大审查批准的是：", ["本级预算", "下级预算", "部门内部计划", "企业财务报表"], [0], "预算法。"),
    (
        "预算审查",
        S,
        "预算年度自：",
        ["1月1日起至12月31日止", "4月1日起至次年3月31日止", "7月1日起", "自定"],
        [0],
        "预算法第十八条。",
    ),
    (
        "预算审查",
        M,
        "全口径预算包括：",
        ["一般公共预算", "政府性基金预算", "国有资本经营预算", "社会保险基金预算"],
        [0, 1, 2, 3],
        "预算法第五条。",
    ),
    (
        "预算审查",
        S,
        "决算草案由谁编制？",
        ["本级政府财政部门", "人大常委会", "审计机关", "法院"],
        [0],
        "预算法第七十五条。",
    ),
    ("预算审查", T, "审计工作报告由审计机关受政府委托向人大常委会报告。", [], [0], "监督法第二十条。"),
]


@builder("training_quizzes")
def build_quizzes(ctx: DemoContext) -> None:
    """The city office's question bank and a quiz for the city congress; most deputies have taken it, the demo
    deputy has not (so the demo shows a quiz to take); a few ran out of time."""
    staff = ctx.accounts.get("staff")
    if staff is None or ctx.city is None:
        return
    city_congress = ctx.congresses.get((Level.CITY, ctx.city.pk))
    if city_congress is None:
        return
    rng = ctx.rng("training_quizzes")
    questions = [
        services.question_save(
            question=None,
            by=staff,
            region=ctx.city,
            topic=topic,
            kind=kind,
            text=text,
            options=options,
            answer=answer,
            explanation=explanation,
        )
        for topic, kind, text, options, answer, explanation in QUESTIONS
    ]
    quiz = services.quiz_create(
        congress=city_congress,
        by=staff,
        title="代表履职应知应会知识测试",
        topics=sorted({q.topic for q in questions}),
        question_count=10,
        minutes=20,
    )
    # The demo deputy's own congress (a county or township one) gets a short quiz to take from the same bank.
    for seat in (
        Membership.objects.filter(deputy_id=ctx.demo_deputy_id or 0, status=Membership.Status.SERVING)
        .exclude(congress=city_congress)
        .select_related("congress__region")[:1]
    ):
        services.quiz_create(
            congress=seat.congress,
            by=staff,
            title="新任代表履职知识自测",
            topics=["代表法", "代表建议"],
            question_count=5,
            minutes=10,
            attempts_allowed=3,
        )
    ids = [q.pk for q in questions]
    answers = {q.pk: q.answer for q in questions}
    seats = list(
        Membership.objects.filter(congress=city_congress, status=Membership.Status.SERVING)
        .exclude(deputy_id=ctx.demo_deputy_id or 0)
        .values_list("deputy_id", flat=True)[:150]
    )
    now = timezone.now()
    attempts = []
    for index, deputy_id in enumerate(seats):
        if rng.random() < 0.2:
            continue
        started = now - datetime.timedelta(days=rng.randint(1, 40), minutes=rng.randint(0, 600))
        expired = index % 25 == 0
        attempts.append(
            QuizAttempt(
                quiz=quiz,
                deputy_id=deputy_id,
                status=QuizAttempt.Status.EXPIRED if expired else QuizAttempt.Status.SUBMITTED,
                started_at=started,
                deadline=started + datetime.timedelta(minutes=quiz.minutes),
                submitted_at=None if expired else started + datetime.timedelta(minutes=rng.randint(5, 19)),
                score=Decimal(0),
            )
        )
    QuizAttempt.objects.bulk_create(attempts)
    rows = []
    for attempt in attempts:
        skill = rng.uniform(0.5, 0.98)
        correct = 0
        for position, pk in enumerate(rng.sample(ids, quiz.question_count), start=1):
            right = attempt.status == QuizAttempt.Status.SUBMITTED and rng.random() < skill
            correct += right
            # A wrong answer: the first choice that is not the answer (none at all for an expired attempt).
            wrong = [next(i for i in range(4) if [i] != answers[pk])]
            chosen = answers[pk] if right else (wrong if attempt.status == QuizAttempt.Status.SUBMITTED else [])
            rows.append(
                AttemptAnswer(attempt=attempt, question_id=pk, position=position, chosen=chosen, is_correct=right)
            )
        attempt.correct = correct
        attempt.score = (Decimal(100) * correct / quiz.question_count).quantize(Decimal("0.1"))
    AttemptAnswer.objects.bulk_create(rows)
    QuizAttempt.objects.bulk_update(attempts, ["correct", "score"])
    ctx.created[QuizAttempt] = len(attempts)
