from typing import cast

import pytest
from django.contrib.contenttypes.models import ContentType

from core.workflow import TransitionError
from motions import selectors, services
from motions.models import Motion, MotionCoSigner, MotionRule
from representatives.models import Congress, Level, StateLog
from representatives.tests.factories import CongressFactory, DeputyFactory, StaffFactory
from suggestions.models import Suggestion

M = Motion.Status
pytestmark = pytest.mark.django_db


def steps_of(motion):
    log = StateLog.objects.filter(content_type=ContentType.objects.get_for_model(motion), object_id=motion.pk)
    return list(log.values_list("from_state", "to_state", "note"))


def test_the_law_sets_ten_cosigners_above_township_and_five_at_township(congress, regions):
    township = cast(Congress, CongressFactory(region=regions.town_a, level=Level.TOWNSHIP))
    assert selectors.required_cosigners(congress) == 10
    assert selectors.required_cosigners(township) == 5


def test_the_office_rule_replaces_the_legal_number(world, congress):
    world.rule(3)
    assert selectors.required_cosigners(congress) == 3


def test_submission_below_the_threshold_is_refused_with_the_numbers_and_nothing_is_written(world):
    world.rule(3)
    motion = world.seconded(accept=2)
    with pytest.raises(TransitionError) as refused:
        services.motion_submit(motion=motion, by=world.author)
    assert "至少 3 名代表" in str(refused.value)
    assert "目前已有 2 名" in str(refused.value)
    assert "还差 1 名" in str(refused.value)
    motion.refresh_from_db()
    assert motion.status == M.DRAFT and motion.number is None and motion.submitted_at is None


def test_invited_but_not_yet_accepted_cosigners_do_not_count(world):
    world.rule(1)
    motion = world.seconded(accept=0)
    with pytest.raises(TransitionError):
        services.motion_submit(motion=motion, by=world.author)


def test_submission_at_the_threshold_numbers_the_motion(world):
    motion = world.submitted()
    assert motion.status == M.SUBMITTED and motion.number == 1
    assert world.submitted("第二件").number == 2


def test_only_the_author_submits_and_invites(world):
    world.rule(1)
    motion = world.seconded()
    with pytest.raises(TransitionError):
        services.motion_submit(motion=motion, by=world.seconders[0])
    with pytest.raises(TransitionError):
        services.motion_invite(motion=motion, deputies=[world.seconders[0].deputy], by=world.staff)


def test_only_serving_deputies_of_the_congress_may_be_invited(world, regions):
    motion = world.draft()
    stranger = DeputyFactory(region=regions.town_b)
    with pytest.raises(TransitionError, match="本届在任代表"):
        services.motion_invite(motion=motion, deputies=[stranger], by=world.author)
    assert not motion.cosigners.exists()


def test_seconding_closes_at_submission(world):
    world.rule(2)
    motion = world.seconded(accept=2)
    services.motion_submit(motion=motion, by=world.author)
    late = motion.cosigners.get(deputy=world.seconders[2].deputy)
    with pytest.raises(TransitionError, match="附议已截止"):
        services.motion_cosign_respond(cosigner=late, by=world.seconders[2], accept=True)


def test_a_deputy_answers_only_their_own_invitation(world):
    motion = world.seconded(accept=0)
    other = motion.cosigners.get(deputy=world.seconders[1].deputy)
    with pytest.raises(TransitionError):
        services.motion_cosign_respond(cosigner=other, by=world.seconders[0], accept=True)
    other.refresh_from_db()
    assert other.status == MotionCoSigner.Status.INVITED


def test_a_decision_needs_a_registered_motion(world):
    motion = world.submitted()
    with pytest.raises(TransitionError, match="已登记"):
        services.motion_list(motion=motion, by=world.staff, body="presidium", session="第三次会议")


def test_listing_needs_the_session_and_not_listing_needs_reasons(world):
    motion = world.registered()
    with pytest.raises(TransitionError, match="会议"):
        services.motion_list(motion=motion, by=world.staff, body="presidium", session="  ")
    with pytest.raises(TransitionError, match="理由"):
        services.motion_not_list(motion=motion, by=world.staff, body="presidium", reason=" ")
    with pytest.raises(TransitionError, match="专门委员会"):
        services.motion_not_list(motion=motion, by=world.staff, body="committee", reason="理由", committee="")
    motion.refresh_from_db()
    assert motion.status == M.REGISTERED


def test_listing_records_the_session_and_the_timeline(world):
    motion = world.decided("list")
    assert motion.status == M.LISTED and motion.session == "第十七届人大第三次会议" and motion.decided_at
    assert [(a, b) for a, b, _note in steps_of(motion)][-3:] == [
        ("draft", "submitted"),
        ("submitted", "registered"),
        ("registered", "listed"),
    ]


def test_staff_of_another_county_may_not_decide(world, staff_b):
    motion = world.registered()
    with pytest.raises(TransitionError, match="无权"):
        services.motion_not_list(motion=motion, by=staff_b, body="presidium", reason="理由")


def test_turning_into_a_suggestion_creates_a_linked_submitted_suggestion_and_keeps_both_histories(world):
    motion = world.decided("convert")
    suggestion = motion.suggestion
    assert motion.status == M.CONVERTED
    assert suggestion.status == Suggestion.Status.SUBMITTED and suggestion.number == 1
    assert suggestion.deputy_id == motion.deputy_id and suggestion.congress_id == motion.congress_id
    assert suggestion.title == motion.title and motion.grounds in suggestion.body and motion.proposal in suggestion.body
    assert suggestion.source_motion == motion
    motion_steps = steps_of(motion)
    assert motion_steps[-1][:2] == ("registered", "converted") and suggestion.number_label in motion_steps[-1][2]
    suggestion_steps = steps_of(suggestion)
    assert suggestion_steps == [("", "submitted", suggestion_steps[0][2])]
    assert motion.number_label in suggestion_steps[0][2] and "法制委员会" in suggestion_steps[0][2]


def test_a_stale_page_is_refused(world):
    motion = world.registered()
    with pytest.raises(TransitionError, match="刷新"):
        services.motion_list(
            motion=motion, by=world.staff, body="presidium", session="会议", expected_version=motion.version - 1
        )


def test_staff_set_the_rule_of_their_region_only(world, congress, staff_b):
    rule = services.motion_rule_set(congress=congress, by=world.staff, min_cosigners=12)
    assert rule.min_cosigners == 12 and rule.updated_by == world.staff
    with pytest.raises(TransitionError, match="无权"):
        services.motion_rule_set(congress=congress, by=staff_b, min_cosigners=3)
    with pytest.raises(TransitionError, match="1 到 500"):
        services.motion_rule_set(congress=congress, by=world.staff, min_cosigners=0)
    assert MotionRule.objects.get(congress=congress).min_cosigners == 12


def test_city_staff_set_a_county_rule(world, congress, regions):
    city_staff = StaffFactory(region=regions.city, username="city")
    assert services.motion_rule_set(congress=congress, by=city_staff, min_cosigners=8).min_cosigners == 8
