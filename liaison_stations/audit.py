"""Field-level history of stations, their members and duty days, leaders' visits, and voter opinions with their
steps."""

from representatives.audit import register

from .models import (
    DeadlineRule,
    DutyDay,
    DutyShift,
    Opinion,
    StandardCheck,
    Station,
    StationMember,
    StationVisit,
    Supervision,
)

register(Station, "region")
register(StationMember, "station__region")
register(StandardCheck, "station__region")
register(DutyDay, "station__region")
register(DutyShift, "duty_day__station__region")
# ``intake`` is the API's record of a machine-sent opinion, made after the opinion: reading it for the history of
# every new opinion cost a query and always found none.
register(Opinion, "region", exclude_fields=["intake"])
register(Supervision, "opinion__region")
register(StationVisit, "station__region")
# Deadlines apply everywhere; their history is for superusers.
register(DeadlineRule, None)
