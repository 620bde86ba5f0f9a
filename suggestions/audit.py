"""Field-level history of deputies' suggestions and everything done with them."""

from representatives.audit import register

from .models import (
    Assignment,
    Attachment,
    ContactLog,
    CoSigner,
    Evaluation,
    Reply,
    Suggestion,
    Supervision,
    UnitRating,
)

# ``version`` is the optimistic-lock counter: it changes on every save and says nothing by itself.
register(Suggestion, "region", exclude_fields=["version"])
register(CoSigner, "suggestion__region")
register(Attachment, "suggestion__region")
register(Assignment, "suggestion__region")
register(ContactLog, "assignment__suggestion__region")
register(Reply, "assignment__suggestion__region")
register(Evaluation, "suggestion__region")
register(UnitRating, "assignment__suggestion__region")
register(Supervision, "suggestion__region")
