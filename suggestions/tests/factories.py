import datetime

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory

from representatives.tests.factories import CongressFactory, DeputyFactory
from suggestions.models import Assignment, Suggestion

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="答复函.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


class SuggestionFactory(DjangoModelFactory):
    class Meta:
        model = Suggestion

    congress = factory.SubFactory(CongressFactory)
    region = factory.LazyAttribute(lambda o: o.congress.region)
    deputy = factory.SubFactory(DeputyFactory)
    year = 2026
    title = factory.Sequence(lambda n: f"关于改善农村道路的建议{n}")
    category = "transport"
    body = "建议加快农村公路提质改造。"


class AssignmentFactory(DjangoModelFactory):
    class Meta:
        model = Assignment

    suggestion = factory.SubFactory(SuggestionFactory, status=Suggestion.Status.ASSIGNED)
    unit = factory.SubFactory("representatives.tests.factories.HandlingUnitFactory")
    role = Assignment.Role.LEAD
    deadline = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=90))
