"""The lead deputy's contact for the clerks who handle the suggestion (办前沟通), logged each time it is shown."""

from representatives.audit import record_contact_shown
from representatives.permissions import is_unit_clerk
from representatives.privacy import handler_contact

from .models import Assignment, Suggestion

# A part that still has work to do: once it is done or passed to another unit, the clerk no longer needs the number.
OPEN_PART_STATES = (Assignment.Status.ACTIVE, Assignment.Status.REASSIGN_REQUESTED)


def sees_lead_deputy_contact(user, parts) -> bool:
    """A clerk whose unit has an open part of the suggestion among ``parts`` (the parts the clerk may see)."""
    return is_unit_clerk(user) and any(
        part.unit_id == user.unit_id and part.status in OPEN_PART_STATES for part in parts
    )


def lead_deputy_contact(*, user, suggestion: Suggestion, parts) -> dict[str, str] | None:
    """The lead deputy's full contact for this clerk, or None; a contact returned has been logged as shown."""
    if not sees_lead_deputy_contact(user, parts):
        return None
    deputy = suggestion.deputy
    record_contact_shown(
        deputy=deputy,
        user=user,
        about=f"suggestion:{suggestion.pk} unit:{user.unit_id}",
    )
    return handler_contact(deputy)
