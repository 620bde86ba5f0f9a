from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
        # Units are searched, not listed (core/autocomplete.py): a province has a thousand.
        from core import autocomplete

        from .permissions import handling_units_for

        autocomplete.sources.register(
            "units",
            autocomplete.Source(
                handling_units_for, ("name", "region__name"), lambda unit: f"{unit.name}（{unit.region.name}）"
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
