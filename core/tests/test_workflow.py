"""The shared shape of the state tables: who first, then the conditions in order, each with its reason."""

from types import SimpleNamespace

import pytest

from core.workflow import Step, TransitionError, Workflow, Workflows, in_states


class Thing(SimpleNamespace):
    pass


def _owner(user, thing):
    return user == thing.owner


FLOW = Workflow(
    Thing,
    Step("edit", who=_owner, denied="not yours", when=((in_states("draft"), "only drafts"),)),
    Step(
        "send",
        who=_owner,
        denied="not yours",
        when=((in_states("draft", "ready"), "already sent"), (lambda thing: thing.body, "empty")),
    ),
    Step("read", who=lambda user, thing: True, denied="", when=()),
)


def test_available_lists_the_open_steps_in_the_order_they_are_declared():
    thing = Thing(owner="ann", status="draft", body="text")
    assert FLOW.available("ann", thing) == ["edit", "send", "read"]
    assert FLOW.available("bob", thing) == ["read"]
    assert FLOW.available("ann", Thing(owner="ann", status="sent", body="text")) == ["read"]


def test_require_names_who_first_then_the_first_failing_condition():
    sent_and_empty = Thing(owner="ann", status="sent", body="")
    with pytest.raises(TransitionError, match="not yours"):
        FLOW.require("send", "bob", sent_and_empty)
    with pytest.raises(TransitionError, match="already sent"):
        FLOW.require("send", "ann", sent_and_empty)
    with pytest.raises(TransitionError, match="empty"):
        FLOW.require("send", "ann", Thing(owner="ann", status="ready", body=""))
    FLOW.require("send", "ann", Thing(owner="ann", status="ready", body="text"))


def test_refusal_and_permits_agree_with_available():
    thing = Thing(owner="ann", status="ready", body="text")
    for user in ("ann", "bob"):
        for name in FLOW.steps:
            assert FLOW.permits(name, user, thing) == (name in FLOW.available(user, thing))
            assert (FLOW.refusal(name, user, thing) is None) == FLOW.permits(name, user, thing)


def test_a_message_may_be_computed_from_the_object():
    flow = Workflow(Thing, Step("go", who=_owner, denied="no", when=((lambda t: False, lambda t: f"not {t.status}"),)))
    with pytest.raises(TransitionError, match="not late"):
        flow.require("go", "ann", Thing(owner="ann", status="late"))


def test_workflows_pick_the_table_by_the_objects_model():
    other = Workflow(str, Step("shout", who=lambda user, text: True, denied=""))
    assert Workflows(FLOW, other).available_steps("bob", Thing(owner="ann", status="draft", body="")) == ["read"]
    assert Workflows(FLOW, other).available_steps("bob", "hello") == ["shout"]


def test_transition_error_is_the_one_every_app_raises():
    from representatives.services import TransitionError as Theirs

    assert Theirs is TransitionError
