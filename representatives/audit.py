"""Change history (who, when, before/after) for the records offices must be able to account for.

django-auditlog writes the field-level history; ``StateLog`` keeps each workflow's own timeline.
"""

from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType

from .models import (
    ActivityRecord,
    Congress,
    Deputy,
    Group,
    HandlingUnit,
    Membership,
    Region,
    StateLog,
    User,
)

auditlog.register(Deputy)
auditlog.register(Membership)
auditlog.register(Congress)
auditlog.register(Group)
auditlog.register(Region)
auditlog.register(HandlingUnit)
auditlog.register(ActivityRecord)
auditlog.register(User, exclude_fields=["password", "last_login"])


def record_transition(*, obj, from_state: str, to_state: str, by, note: str = "") -> StateLog:
    """Append one step to ``obj``'s timeline; called by every service that changes a workflow state."""
    return StateLog.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        from_state=from_state,
        to_state=to_state,
        actor=by if by is not None and by.is_authenticated else None,
        note=note,
    )


def timeline(obj) -> list[StateLog]:
    """The object's steps, oldest first, each with readable ``from_label``/``to_label``."""
    status_choices = getattr(type(obj), "Status", None)
    labels = dict(status_choices.choices) if status_choices else {}
    steps = list(
        StateLog.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk).select_related(
            "actor"
        )
    )
    for step in steps:
        step.from_label = labels.get(step.from_state, step.from_state)
        step.to_label = labels.get(step.to_state, step.to_state)
    return steps
