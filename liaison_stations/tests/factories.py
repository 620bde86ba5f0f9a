import datetime

import factory
from factory.django import DjangoModelFactory

from liaison_stations.models import DutyDay, DutyShift, Opinion, Station, StationMember, StationVisit
from representatives.tests.factories import DeputyFactory, LeaderFactory, RegionFactory


class StationFactory(DjangoModelFactory):
    class Meta:
        model = Station

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"第{n}代表联络站")
    address = "某街道某号"
    opening_hours = "每周三 9:00-12:00"


class StationMemberFactory(DjangoModelFactory):
    class Meta:
        model = StationMember

    station = factory.SubFactory(StationFactory)
    deputy = factory.SubFactory(DeputyFactory)


class DutyDayFactory(DjangoModelFactory):
    class Meta:
        model = DutyDay

    station = factory.SubFactory(StationFactory)
    date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=7))


class DutyShiftFactory(DjangoModelFactory):
    class Meta:
        model = DutyShift

    duty_day = factory.SubFactory(DutyDayFactory)
    deputy = factory.SubFactory(DeputyFactory)


class OpinionFactory(DjangoModelFactory):
    class Meta:
        model = Opinion

    station = factory.SubFactory(StationFactory)
    region = factory.LazyAttribute(lambda o: o.station.region)
    source = Opinion.Source.ONLINE
    voter_name = "王五"
    voter_phone = "13900001111"
    title = factory.Sequence(lambda n: f"路灯不亮{n}")
    content = "小区门口路灯坏了三个月。"


class StationVisitFactory(DjangoModelFactory):
    """A leader's visit with an account; pass ``leader=None, visitor_name=…, visitor_post=…`` for one without."""

    class Meta:
        model = StationVisit

    station = factory.SubFactory(StationFactory)
    date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=1))
    leader = factory.SubFactory(LeaderFactory, region=factory.SelfAttribute("..station.region"))
    purpose = "调研联络站建设"
    findings = "群众反映停车难。"
