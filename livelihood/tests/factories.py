import factory
from factory.django import DjangoModelFactory

from representatives.tests.factories import CongressFactory, HandlingUnitFactory

from ..models import Ballot, Project


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    congress = factory.SubFactory(CongressFactory)
    year = 2025
    title = factory.Sequence(lambda n: f"民生项目{n}")
    description = "新建社区养老服务中心"
    unit = factory.SubFactory(HandlingUnitFactory)
    budget = 100


class BallotFactory(DjangoModelFactory):
    class Meta:
        model = Ballot

    congress = factory.SubFactory(CongressFactory)
    year = 2025
    kind = Ballot.Kind.SELECTION
    title = factory.Sequence(lambda n: f"民生实事项目票决{n}")
