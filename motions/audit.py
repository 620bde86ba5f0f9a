"""Field-level history of motions, their co-signers and the offices' rules."""

from representatives.audit import register

from .models import Motion, MotionCoSigner, MotionRule

# ``version`` is the optimistic-lock counter: it changes on every save and says nothing by itself.
register(Motion, "region", exclude_fields=["version"])
register(MotionCoSigner, "motion__region")
register(MotionRule, "congress__region")
