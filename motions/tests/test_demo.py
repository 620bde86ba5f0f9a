import pytest
from django.db import transaction

from motions import selectors
from motions.models import Motion, MotionCoSigner
from representatives import demo
from representatives.models import User
from suggestions.models import Suggestion

pytestmark = pytest.mark.django_db
M = Motion.Status


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One small demo for the module's read-only checks, rolled back after them."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield demo.seed(deputies=200)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_every_state_is_in_the_demo(seeded):
    assert set(Motion.objects.values_list("status", flat=True)) == set(M.values)


def test_a_converted_motion_links_a_numbered_submitted_suggestion(seeded):
    converted = Motion.objects.filter(status=M.CONVERTED).select_related("suggestion")
    assert converted.exists()
    for motion in converted:
        assert motion.suggestion is not None
        assert motion.suggestion.number and motion.suggestion.deputy_id == motion.deputy_id
        assert motion.suggestion.status == Suggestion.Status.SUBMITTED


def test_submitted_motions_have_the_number_of_seconds_their_congress_asks(seeded):
    for motion in Motion.objects.exclude(status=M.DRAFT).select_related("congress"):
        accepted = motion.cosigners.filter(status=MotionCoSigner.Status.ACCEPTED).count()
        assert accepted >= selectors.required_cosigners(motion.congress), motion


def test_the_demo_deputy_leads_a_draft_and_is_invited_to_second_another(seeded):
    deputy = User.objects.get(username="deputy").deputy
    assert Motion.objects.filter(deputy=deputy, status=M.DRAFT).exists()
    assert MotionCoSigner.objects.filter(
        deputy=deputy, status=MotionCoSigner.Status.INVITED, motion__status=M.DRAFT
    ).exists()
