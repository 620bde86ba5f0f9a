import datetime

import factory
from factory.django import DjangoModelFactory

from representatives import idnumbers
from representatives.models import (
    ActivityKind,
    ActivityRecord,
    Congress,
    Deputy,
    Gender,
    Group,
    HandlingUnit,
    Level,
    Membership,
    Region,
    Role,
    User,
)


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"44{n:04d}")
    name = factory.Sequence(lambda n: f"测试区{n}")
    level = Region.Level.PROVINCE
    parent = None

    @classmethod
    def child_of(cls, parent, **kwargs):
        return cls(parent=parent, level=parent.level + 1, **kwargs)


class HandlingUnitFactory(DjangoModelFactory):
    class Meta:
        model = HandlingUnit

    name = factory.Sequence(lambda n: f"测试局{n}")
    region = factory.SubFactory(RegionFactory)


class CongressFactory(DjangoModelFactory):
    class Meta:
        model = Congress

    level = Level.COUNTY
    region = factory.SubFactory(RegionFactory)
    term_number = factory.Sequence(lambda n: 10 + n % 80)
    start_date = datetime.date(2022, 1, 1)
    end_date = datetime.date(2026, 12, 31)
    code = factory.LazyAttribute(lambda o: f"{o.region.code}-{o.level}-{o.term_number}")


class GroupFactory(DjangoModelFactory):
    class Meta:
        model = Group

    kind = Group.Kind.REPRESENTATIVE
    name = factory.Sequence(lambda n: f"第{n}代表小组")
    region = factory.SubFactory(RegionFactory)


class DeputyFactory(DjangoModelFactory):
    class Meta:
        model = Deputy

    code = factory.Sequence(lambda n: f"D{n:07d}")
    name = factory.Sequence(lambda n: f"代表{n}")
    gender = Gender.FEMALE
    birth_date = datetime.date(1975, 5, 1)
    work_unit = "某某公司"
    post = "经理"
    region = factory.SubFactory(RegionFactory)
    phone = "13812345678"
    # Valid for the birth date and sex (GB 11643), as the roster import and the admin check.
    id_number = factory.LazyAttribute(
        lambda deputy: (
            idnumbers.build("440101", deputy.birth_date, 2 if deputy.gender == Gender.FEMALE else 1)
            if deputy.birth_date
            else ""
        )
    )
    home_address = "某市某区某街道某号"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    deputy = factory.SubFactory(DeputyFactory)
    congress = factory.SubFactory(CongressFactory)
    district = "第一选区"


class ActivityRecordFactory(DjangoModelFactory):
    class Meta:
        model = ActivityRecord

    deputy = factory.SubFactory(DeputyFactory)
    kind = ActivityKind.RESEARCH
    date = datetime.date(2025, 3, 1)
    place = "某镇"
    description = "调研农村饮水安全"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


class StaffFactory(UserFactory):
    role = Role.STAFF
    region = factory.SubFactory(RegionFactory)


class LeaderFactory(UserFactory):
    role = Role.LEADER
    region = factory.SubFactory(RegionFactory)


class DeputyUserFactory(UserFactory):
    role = Role.DEPUTY
    deputy = factory.SubFactory(DeputyFactory)


class ClerkFactory(UserFactory):
    role = Role.UNIT_CLERK
    unit = factory.SubFactory(HandlingUnitFactory)
