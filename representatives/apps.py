from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.text import bracketed

if TYPE_CHECKING:
    from .models import User


def region_label(region) -> str:
    """A region and the one above it: township names repeat across counties (城关镇)."""
    return f"{region.name}{bracketed(region.parent.name)}" if region.parent_id else region.name


class RepresentativesConfig(AppConfig):
    name = "representatives"
    verbose_name = _("代表")

    def ready(self):
        from . import (
            audit,  # noqa: F401  registers models with django-auditlog
            figures,
            options_cache,
        )
        from .models import Congress, Group, HandlingUnit, Region

        # The long pick lists of the filter forms (options_cache explains why).
        options_cache.register(Region, HandlingUnit, Congress, Group)
        # Notices (core) text a user at the number on file; a deputy's is kept on their record.
        from core import notices

        notices.phone_sources.register("deputy", deputy_phone)
        # Units are searched, not listed (core/autocomplete.py): a province has a thousand.
        from core import autocomplete

        from .permissions import congresses_for, deputies_for, groups_for, handling_units_for, regions_for

        autocomplete.sources.register(
            "units",
            autocomplete.Source(
                handling_units_for, ("name", "region__name"), lambda unit: f"{unit.name}{bracketed(unit.region.name)}"
            ),
        )
        # Regions, congresses and groups grow with the province too (issue 18): each searched among the rows the
        # staff filters accept (the selectors give the filters the same querysets).
        autocomplete.sources.register(
            "regions",
            autocomplete.Source(
                lambda user: regions_for(user).select_related("parent"), ("name", "code"), region_label, ("parent",)
            ),
        )
        autocomplete.sources.register(
            "congresses",
            autocomplete.Source(congresses_for, ("region__name", "code"), str, ("region",)),
        )
        # Deputies (a station's new members): those whose record the user may read, as the codes box accepts.
        autocomplete.sources.register(
            "deputies",
            autocomplete.Source(
                lambda user: deputies_for(user).order_by("name", "code"),
                ("name", "code"),
                lambda deputy: f"{deputy.name}{bracketed(deputy.code)}",
            ),
        )
        autocomplete.sources.register(
            "groups",
            autocomplete.Source(
                groups_for,
                ("name", "region__name"),
                lambda group: f"{group.name}{bracketed(group.region.name)}",
                ("region",),
            ),
        )
        # The deputies' and activity records' counters of the region figures (tallies.py explains why).
        figures.register()
        # The staff start page's work queue: activity records to confirm (the apps above add theirs).
        from . import work_queue

        work_queue.sources.register("representatives", work_queue.activity_queue)
        # The staff lists' downloads (core.exports builds the large ones in the background).
        from . import exports

        exports.register_kinds()
        # The demo's builders (seed_demo): importing the module fills demo.builders; the apps above add theirs.
        from . import demo  # noqa: F401


def deputy_phone(user: "User") -> str:
    # Other accounts have no number on file; a deputy's is on their record.
    deputy = getattr(user, "deputy", None) if user.deputy_id else None
    return deputy.phone if deputy is not None else ""
