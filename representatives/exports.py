"""The staff lists' downloads of this app (the directory, the roster, activity records), registered with
``core.exports`` in ``RepresentativesConfig.ready()``: each kind's rows come from the list's own selector."""

from django.utils.translation import gettext_lazy

from core.exports import ExportKind, register

from . import permissions, resources, selectors

# ``?export=`` values of the directory's roster downloads and their formats.
ROSTER_EXPORTS = {"roster": "xlsx", "roster_csv": "csv"}


def _format(params) -> str:
    value = params.get("export", "")
    return "csv" if value == "csv" or ROSTER_EXPORTS.get(value) == "csv" else "xlsx"


def directory_rows(user, params):
    return selectors.deputy_directory(user=user, filters=params).qs


def activity_rows(user, params):
    return selectors.activity_list(user=user, filters=params).qs


def write_directory(user, rows, params):
    resource = resources.DeputyDirectoryResource(user=user, filters=params.urlencode())
    return resources.export_file(resource, rows, gettext_lazy("代表名录"), _format(params))


def write_roster(user, rows, params):
    # The same file as the admin's roster export, one row per seat, so that it imports back unchanged.
    resource = resources.RosterResource(user=user, filters=params.urlencode())
    return resources.export_file(resource, selectors.roster_seats(rows), gettext_lazy("代表名册"), _format(params))


def write_activities(user, rows, params):
    return resources.export_file(resources.ActivityResource(), rows, gettext_lazy("履职记录"), _format(params))


KINDS = (
    ExportKind(
        "representatives.directory",
        gettext_lazy("代表名录"),
        directory_rows,
        write_directory,
        permissions.sees_region_data,
    ),
    ExportKind(
        "representatives.roster", gettext_lazy("代表名册"), directory_rows, write_roster, permissions.can_export_roster
    ),
    ExportKind(
        "representatives.activities",
        gettext_lazy("履职记录"),
        activity_rows,
        write_activities,
        permissions.sees_region_data,
    ),
)


def register_kinds() -> None:
    for kind in KINDS:
        register(kind)
