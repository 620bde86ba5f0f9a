"""Change history (who, when, before/after) for the records offices must be able to account for.

django-auditlog writes the field-level history; ``StateLog`` keeps each workflow's own timeline;
``ExportLog`` records every download that carried personal data in full.

Each app registers its own models through :func:`register` from its ``audit.py``, naming the path from the
model to the Region that scopes it. The region's path is stored on every history row (``additional_data``),
so the admin can show an office the history of its own region only, deleted records included.
"""

from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist

from .models import (
    ActivityRecord,
    Congress,
    Deputy,
    ExportLog,
    Group,
    HandlingUnit,
    Membership,
    Region,
    StateLog,
    User,
)

# Never worth a history row: bookkeeping timestamps that change on every save.
NOISY_FIELDS = ("updated_at",)
REGION_KEY = "region_path"

# Audited model → path to its Region ("" for Region itself, None when it has none: superusers only).
AUDIT_SCOPES: dict[type, str | None] = {}


def region_path_of(instance, region_field: str | None) -> str | None:
    """The path of the Region that scopes ``instance``; a relation already loaded costs no query."""
    if region_field is None:
        return None
    if region_field == "":
        return instance.path
    obj = instance
    *hops, last = region_field.split("__")
    try:
        for hop in hops:
            obj = getattr(obj, hop)
            if obj is None:
                return None
        field = obj._meta.get_field(last)
        if field.is_cached(obj):
            region = getattr(obj, last)
            return region.path if region is not None else None
        region_id = getattr(obj, field.attname)
    except ObjectDoesNotExist:
        # Cascading deletes may already have removed a parent; the row then stays readable by superusers.
        return None
    if region_id is None:
        return None
    return Region.objects.filter(pk=region_id).values_list("path", flat=True).first()


def register(model, region_field: str | None, **options) -> None:
    """Audit ``model`` with django-auditlog and store its region's path on every history row."""
    options.setdefault("exclude_fields", [])
    options["exclude_fields"] = [*options["exclude_fields"], *NOISY_FIELDS]
    auditlog.register(model, **options)
    AUDIT_SCOPES[model] = region_field

    # auditlog asks the instance for ``get_additional_data``; defining it here keeps the audit concern out
    # of the models themselves.
    def get_additional_data(instance):
        path = region_path_of(instance, region_field)
        return {REGION_KEY: path} if path else None

    if not hasattr(model, "get_additional_data"):
        model.get_additional_data = get_additional_data


register(Deputy, "region")
register(Membership, "deputy__region")
register(Congress, "region")
register(Group, "region")
register(Region, "")
register(HandlingUnit, "region")
register(ActivityRecord, "deputy__region")
register(User, "region", exclude_fields=["password", "last_login"])


def record_transition(*, obj, from_state: str, to_state: str, by, note: str = "", public: bool = False) -> StateLog:
    """Append one step to ``obj``'s timeline; called by every service that changes a workflow state.

    ``by`` is the signed-in user; without one the step is the public's (``public=True``: a voter's form or
    rating) or the system's (sweeps, imports, tasks).
    """
    signed_in = by is not None and by.is_authenticated
    origin = StateLog.Origin.USER if signed_in else StateLog.Origin.PUBLIC if public else StateLog.Origin.SYSTEM
    return StateLog.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        from_state=from_state,
        to_state=to_state,
        actor=by if signed_in else None,
        origin=origin,
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


def record_export(*, user, export: str, rows: int, personal_rows: int, filters: str = "") -> ExportLog:
    """Log a download that carried personal data in full: who, when, what, with which filters, how many rows."""
    authenticated = user is not None and user.is_authenticated
    return ExportLog.objects.create(
        user=user if authenticated else None,
        region_id=user.region_id if authenticated else None,
        export=str(export)[:200],
        filters=filters,
        rows=rows,
        personal_rows=personal_rows,
    )


class PersonalDataExportMixin:
    """For an export ``Resource`` that may write personal data unmasked.

    Its dehydrate methods call ``revealed(instance)`` whenever they write a value in full; ``export()`` then
    records the download in ``ExportLog``. Pass ``user`` (who downloads) and optionally ``filters`` (how the
    rows were chosen) to the constructor.
    """

    def __init__(self, *args, user=None, filters: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.export_filters = filters
        self._revealed: set = set()

    def revealed(self, instance) -> None:
        self._revealed.add(instance.pk)

    def export(self, *args, **kwargs):
        self._revealed = set()
        dataset = super().export(*args, **kwargs)
        if self._revealed:
            record_export(
                user=self.user,
                export=self._meta.name or self._meta.model._meta.verbose_name_plural,
                rows=len(dataset),
                personal_rows=len(self._revealed),
                filters=self.export_filters,
            )
        return dataset


def record_contact_shown(*, deputy, user, about: str):
    """Log that ``user`` was shown ``deputy``'s private contact, and why, in the deputy's audit history (an
    "access" entry that the region's office reads in the admin with the rest of the deputy's history)."""
    from auditlog.models import LogEntry

    return LogEntry.objects.log_create(
        deputy,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=user,
        additional_data={REGION_KEY: deputy.region.path, "shown": "contact", "about": about},
    )
