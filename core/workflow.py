"""Which steps a user may take on an object in its current state: declared once per model, asked by everyone.

Each app's ``services.py`` declares a ``Workflow`` per model: for every step, who may take it (a predicate on the
user and the object, usually a ``permissions.py`` function) and the conditions on the object's state, each with
the message a refusal shows. Views and templates ask ``available(user, obj)`` which steps to offer; the service
behind each step calls ``require(step, user, obj)`` on the row it has locked, so a page can never offer a step
the service would refuse, and a service never accepts a step no page could offer. The conditions are checked
in order (who first), so the first failing one names the reason.

Every POST action page follows one idiom: look the step up in the view module's ``ACTIONS`` table (the form
that parses the input, the one service call that performs it), refuse a step not in ``available``, validate
the form, call the service through ``perform``, redirect.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.utils.functional import Promise


class TransitionError(Exception):
    """A refused state change; the message is shown to the user as it is."""


Message = str | Promise | Callable[[Any], str]


def _text(message: Message, obj: Any) -> str:
    return str(message(obj)) if callable(message) else str(message)


def in_states(*states: str, field: str = "status") -> Callable[[Any], bool]:
    """A condition: the object's ``field`` holds one of ``states``."""
    allowed = frozenset(states)
    return lambda obj: getattr(obj, field) in allowed


@dataclass(frozen=True)
class Step:
    """One step: who may take it (``who(user, obj)``, refused with ``denied``) and the conditions on the
    object (``(condition(obj), refusal message)`` pairs, checked in order)."""

    name: str
    who: Callable[[Any, Any], bool]
    denied: Message
    when: tuple[tuple[Callable[[Any], bool], Message], ...] = ()

    def refusal(self, user: Any, obj: Any) -> str | None:
        """Why ``user`` may not take this step on ``obj`` now, or None if they may."""
        if not self.who(user, obj):
            return _text(self.denied, obj)
        for condition, message in self.when:
            if not condition(obj):
                return _text(message, obj)
        return None


class Workflow:
    """The steps of one model, in the order pages offer them."""

    def __init__(self, model: type, *steps: Step) -> None:
        self.model = model
        self.steps = {step.name: step for step in steps}

    def __contains__(self, name: str) -> bool:
        return name in self.steps

    def available(self, user: Any, obj: Any) -> list[str]:
        return [name for name, step in self.steps.items() if step.refusal(user, obj) is None]

    def refusal(self, name: str, user: Any, obj: Any) -> str | None:
        """Why ``user`` may not take the step on ``obj`` now, or None if they may."""
        return self.steps[name].refusal(user, obj)

    def permits(self, name: str, user: Any, obj: Any) -> bool:
        """Whether the step is open to ``user`` on ``obj`` now."""
        return self.steps[name].refusal(user, obj) is None

    def require(self, name: str, user: Any, obj: Any) -> None:
        """Raises ``TransitionError`` with the first reason ``user`` may not take the step on ``obj`` now."""
        reason = self.steps[name].refusal(user, obj)
        if reason is not None:
            raise TransitionError(reason)


class Workflows:
    """An app's workflows by model: ``available_steps(user, obj)`` for any object that has steps."""

    def __init__(self, *workflows: Workflow) -> None:
        self.by_model = {workflow.model: workflow for workflow in workflows}

    def available_steps(self, user: Any, obj: Any) -> list[str]:
        return self.by_model[type(obj)].available(user, obj)


@dataclass(frozen=True)
class Action:
    """A POST step a page offers: ``form`` builds the form that parses it, ``run`` calls the one service
    behind it and returns the message shown on success."""

    form: Callable[..., Any]
    run: Callable[..., str]


def perform(request: HttpRequest, run: Callable[..., str], *args: Any, **kwargs: Any) -> bool:
    """Calls a service; shows its success message, or the refusal, to the user. Returns whether it succeeded."""
    try:
        message = run(*args, **kwargs)
    except TransitionError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, message)
    return True


def steps_of(workflow: Workflow, user: Any, objects: Iterable[Any]) -> dict[str, list[Any]]:
    """For each step of ``workflow``, the objects ``user`` may take it on now (a page listing parts)."""
    found: dict[str, list[Any]] = {name: [] for name in workflow.steps}
    for obj in objects:
        for name in workflow.available(user, obj):
            found[name].append(obj)
    return found
