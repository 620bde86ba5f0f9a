import pytest

from representatives.tests.factories import (
    ClerkFactory,
    CongressFactory,
    DeputyFactory,
    DeputyUserFactory,
    HandlingUnitFactory,
    LeaderFactory,
    MembershipFactory,
)


@pytest.fixture
def congress(regions):
    """County A's congress; its deputies live in county A's township."""
    return CongressFactory(region=regions.county_a, level=4, code="440703-4-17", term_number=17)


@pytest.fixture
def author(congress, regions):
    deputy = DeputyFactory(region=regions.town_a, name="领衔代表")
    MembershipFactory(deputy=deputy, congress=congress)
    return DeputyUserFactory(deputy=deputy, username="author")


@pytest.fixture
def cosigner(congress, regions):
    deputy = DeputyFactory(region=regions.town_a, name="联名代表")
    MembershipFactory(deputy=deputy, congress=congress)
    return DeputyUserFactory(deputy=deputy, username="cosigner")


@pytest.fixture
def lead_unit(regions):
    return HandlingUnitFactory(region=regions.county_a, name="区交通运输局", email="jt@example.gov.cn")


@pytest.fixture
def co_unit(regions):
    return HandlingUnitFactory(region=regions.county_a, name="区财政局")


@pytest.fixture
def lead_clerk(lead_unit):
    return ClerkFactory(unit=lead_unit, username="lead_clerk")


@pytest.fixture
def co_clerk(co_unit):
    return ClerkFactory(unit=co_unit, username="co_clerk")


@pytest.fixture
def leader_a(regions):
    return LeaderFactory(region=regions.county_a, username="leader_a")


@pytest.fixture
def outsider_deputy(regions):
    return DeputyUserFactory(deputy=DeputyFactory(region=regions.town_b), username="outsider")


class Flow:
    """Walks a suggestion through the real services to the state a test needs."""

    def __init__(self, congress, author, staff, lead_unit, co_unit, lead_clerk):
        self.congress, self.author, self.staff = congress, author, staff
        self.lead_unit, self.co_unit, self.lead_clerk = lead_unit, co_unit, lead_clerk

    def draft(self, **fields):
        from suggestions import services

        data = {"title": "关于整治校园周边交通的建议", "category": "transport", "body": "上下学高峰拥堵。"}
        data.update(fields)
        return services.suggestion_create(deputy=self.author.deputy, congress=self.congress, by=self.author, **data)

    def submitted(self, **fields):
        from suggestions import services

        return services.suggestion_submit(suggestion=self.draft(**fields), by=self.author)

    def registered(self, **fields):
        from suggestions import services

        return services.suggestion_register(suggestion=self.submitted(**fields), by=self.staff)

    def assigned(self, with_co_unit=True, **fields):
        from suggestions import services

        return services.suggestion_assign(
            suggestion=self.registered(**fields),
            by=self.staff,
            lead_unit=self.lead_unit,
            co_units=[self.co_unit] if with_co_unit else [],
        )

    def co_clerk(self, unit):
        from representatives.tests.factories import ClerkFactory

        return ClerkFactory(unit=unit)

    def lead_part(self, suggestion):
        return suggestion.assignments.get(
            role="lead", round=suggestion.round, status__in=["active", "reassign_requested"]
        )

    def replied(self, reply_class="A", **fields):
        from suggestions import services
        from suggestions.tests.factories import pdf

        suggestion = self.assigned(**fields)
        # The lead unit waits for its co-units' opinions (services.PART_STEPS "reply").
        for co_part in suggestion.assignments.filter(role="co", status="active").select_related("unit"):
            clerk = co_part.unit.clerks.filter(is_active=True).first() or self.co_clerk(co_part.unit)
            services.co_opinion_submit(assignment=co_part, by=clerk, text="同意主办单位意见。")
        extra = {"promised_date": __import__("datetime").date(2027, 6, 30)} if reply_class == "B" else {}
        if reply_class == "C":
            extra = {"reason": "受财力限制"}
        services.reply_submit(
            assignment=self.lead_part(suggestion),
            by=self.lead_clerk,
            reply_class=reply_class,
            text="经研究，答复如下。",
            document=pdf(),
            **extra,
        )
        suggestion.refresh_from_db()
        return suggestion

    def rate(self, suggestion, lead, co="satisfied", comment="答复未解决问题"):
        """The author rates the round's lead unit ``lead`` and every co-unit ``co`` (services.parts_rate)."""
        from suggestions import services

        suggestion.refresh_from_db()
        parts = suggestion.assignments.filter(round=suggestion.round, status="done")
        ratings = {part.pk: (lead if part.role != "co" else co, comment) for part in parts}
        return services.parts_rate(suggestion=suggestion, by=self.author, ratings=ratings)


@pytest.fixture
def flow(congress, author, staff_a, lead_unit, co_unit, lead_clerk):
    return Flow(congress, author, staff_a, lead_unit, co_unit, lead_clerk)
