"""Field history (django-auditlog) of the office's own records. The votes are left out on purpose: an audit row
carries the signed-in deputy as its actor next to the count that changed, which would undo a secret vote."""

from representatives.audit import register

from .models import Ballot, Inspection, ProgressReport, Project

register(Project, "congress__region")
register(Ballot, "congress__region")
register(ProgressReport, "project__congress__region")
register(Inspection, "project__congress__region")
