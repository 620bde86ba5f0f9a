"""The link a suggestion made from a motion shows back to it (registered in suggestions.origins)."""

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils.translation import gettext as _

from suggestions.origins import Origin


def suggestion_origin(suggestion, audience: str) -> Origin | None:
    try:
        motion = suggestion.source_motion
    except ObjectDoesNotExist:
        return None
    url_name = "staff:motion" if audience == "staff" else "me:motion"
    return Origin(
        label=_("由议案转来"),
        title=f"{motion.year} {motion.number_label} {motion.title}",
        url=reverse(url_name, args=[motion.pk]),
    )
