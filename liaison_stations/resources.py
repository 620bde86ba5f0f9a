"""Station list import and export (django-import-export), built on the roster import in ``representatives``.

A station file has one row per station. The pair (区域代码, 名称) identifies a row, so importing the same file
again updates stations instead of adding new ones; a station cannot be renamed through a file (the new name
would be a new station). A file with any bad row is refused as a whole and nothing is written.

编入代表编号 lists the station's deputies by code. When the column is in the file, each listed station's
members become exactly the deputies named in its cell: missing ones are added and members not named are
removed (an empty cell removes them all), so that an exported file edited and imported again is the truth.
Leave the column out of the file to keep every station's members as they are.

Entry points: ``read_station_file`` (file-level checks), ``import_stations`` (check and import) and
``StationResource`` for the admin; ``representatives.resources.export_response`` downloads it.
"""

import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources, widgets
from import_export.fields import Field

from core.text import join_list
from representatives.models import Deputy
from representatives.permissions import region_scope_q, user_covers_region
from representatives.resources import (
    FORMULA_PREFIXES,
    ChoiceWidget,
    FormulaSafeExportMixin,
    RegionCodeWidget,
    RosterImportOutcome,
    SheetImportMixin,
    TextWidget,
    YesNoWidget,
    _text,
    import_errors,
    read_sheet_file,
)

from .models import Station, StationMember

# The headers are the file format itself, so like the roster's they are fixed strings, not translated.
COL_REGION = "区域代码"
COL_NAME = "名称"
COL_KIND = "类型"
COL_ADDRESS = "地址"
COL_HOURS = "开放时间"
COL_PERSON = "负责人"
COL_PHONE = "联系电话"
COL_STAR = "星级"
COL_ACTIVE = "在用"
COL_DEPUTIES = "编入代表编号"

REQUIRED_COLUMNS = (COL_REGION, COL_NAME)
MAX_STARS = 5
# The same separators the staff page accepts when codes are pasted, so a list copied from either works in both.
CODE_SEPARATORS = re.compile(r"[\s,，、;；]+")
TEMPLATE_NAME = gettext_lazy("联络站表")

STATION_FIELD_COLUMNS = {
    "region": COL_REGION,
    "name": COL_NAME,
    "kind": COL_KIND,
    "address": COL_ADDRESS,
    "opening_hours": COL_HOURS,
    "responsible_person": COL_PERSON,
    "contact_phone": COL_PHONE,
    "star_rating": COL_STAR,
    "is_active": COL_ACTIVE,
}


class SheetTextWidget(TextWidget):
    """Text that reads back what the export defused: the quote put before a formula-like cell is dropped."""

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row=row, **kwargs)
        if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
            return text[1:]
        return text


class StarRatingWidget(widgets.Widget):
    """0 to 5; "3星" is read as 3. Blank keeps the station's rating (0 for a new one)."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value).removesuffix("星").strip()
        if not text:
            return None
        if not text.isdigit() or int(text) > MAX_STARS:
            raise ValueError(_("星级“%(value)s”无效，请填写 0 到 5 的整数。") % {"value": _text(value)})
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


class InUseWidget(YesNoWidget):
    """Blank keeps the station as it is: a file that leaves the column empty must not close every station."""

    TRUE = YesNoWidget.TRUE | {"在用"}
    FALSE = YesNoWidget.FALSE | {"停用"}

    def clean(self, value, row=None, **kwargs):
        if not isinstance(value, bool) and not _text(value):
            return None
        return super().clean(value, row=row, **kwargs)


class DeputyCodesWidget(widgets.Widget):
    """The members' codes, joined by 、; which codes may be used is decided by the resource, which knows the user."""

    def clean(self, value, row=None, **kwargs):
        codes = [code for code in CODE_SEPARATORS.split(_text(value)) if code]
        # A code written twice is the same deputy, not an error.
        return list(dict.fromkeys(codes))

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return join_list(sorted(deputy.code for deputy in value.all()))


class StationResource(SheetImportMixin, FormulaSafeExportMixin, resources.ModelResource):
    region = Field(attribute="region", column_name=COL_REGION, widget=RegionCodeWidget())
    name = Field(attribute="name", column_name=COL_NAME, widget=SheetTextWidget())
    kind = Field(attribute="kind", column_name=COL_KIND, widget=ChoiceWidget(Station.Kind), saves_null_values=False)
    address = Field(attribute="address", column_name=COL_ADDRESS, widget=SheetTextWidget())
    opening_hours = Field(attribute="opening_hours", column_name=COL_HOURS, widget=SheetTextWidget())
    responsible_person = Field(attribute="responsible_person", column_name=COL_PERSON, widget=SheetTextWidget())
    contact_phone = Field(attribute="contact_phone", column_name=COL_PHONE, widget=SheetTextWidget())
    star_rating = Field(
        attribute="star_rating", column_name=COL_STAR, widget=StarRatingWidget(), saves_null_values=False
    )
    is_active = Field(attribute="is_active", column_name=COL_ACTIVE, widget=InUseWidget(), saves_null_values=False)
    deputies = Field(attribute="deputies", column_name=COL_DEPUTIES, widget=DeputyCodesWidget())

    class Meta:
        model = Station
        name = gettext_lazy("代表联络站")
        fields = (*Station.EDITABLE_FIELDS, "deputies")
        export_order = fields
        import_id_fields = ("region", "name")
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False

    required_columns = REQUIRED_COLUMNS
    key_columns = (COL_NAME, COL_REGION)
    template_name = TEMPLATE_NAME
    staff_only_message = gettext_lazy("只有代表工作人员可以导入联络站。")
    duplicate_message = gettext_lazy("与第 %(row)d 行重复：同一区域的联络站名称只能出现一次。")

    # Import ---------------------------------------------------------------------------------------

    def get_instance(self, instance_loader, row):
        station = (
            Station.objects.select_related("region")
            .filter(region__code=_text(row.get(COL_REGION)), name=self.fields["name"].clean(row))
            .first()
        )
        if station is not None:
            station._stored_stars = station.star_rating
        return station

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field is not self.fields["deputies"]:
            return super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)
        if field.column_name not in row:
            return None
        # Kept on the instance until ``save_m2m``: members can only be written once the station has a key.
        instance._file_deputies = self._lookup_deputies(field.clean(row), instance)
        return None

    def _lookup_deputies(self, codes, station) -> list[Deputy]:
        if not codes:
            return []
        # Like the staff page: deputies of the user's own region, of any level. A station's current members
        # are accepted too, so that a file exported by someone who sees more still imports back.
        allowed = region_scope_q(self._user)
        if station.pk is not None:
            allowed |= Q(station_memberships__station=station)
        found = {deputy.code: deputy for deputy in Deputy.objects.filter(allowed, code__in=codes).distinct()}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise ValueError(_("在您的管辖范围内找不到这些编号的代表：%(codes)s。") % {"codes": "、".join(unknown)})
        return [found[code] for code in codes]

    def _members_change(self, station) -> bool:
        wanted = getattr(station, "_file_deputies", None)
        if wanted is None:
            return False
        current = set(StationMember.objects.filter(station=station).values_list("deputy_id", flat=True))
        return current != {deputy.pk for deputy in wanted}

    def _scope_errors(self, station) -> dict[str, list[str]]:
        region = station.region if station.region_id else None
        if region is not None and not user_covers_region(self._user, region):
            return {COL_REGION: [_("区域“%(region)s”不在您的管辖范围内。") % {"region": region.name}]}
        return {}

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # An unchanged row outside the user's region must still be refused, not quietly skipped.
        if import_validation_errors or instance.pk is None or self._scope_errors(instance):
            return False
        if self._members_change(instance):
            return False
        members = self.fields["deputies"]
        return all(
            field.get_value(instance) == field.get_value(original)
            for field in self.get_import_fields()
            if field is not members
        )

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors: dict[str, list[str]] = {}
        for column, error_list in (import_validation_errors or {}).items():
            errors.setdefault(column, []).extend(ValidationError(error_list).messages)
        failed = set(errors)
        exclude = {name for name, column in STATION_FIELD_COLUMNS.items() if column in failed}
        try:
            instance.full_clean(exclude=exclude, validate_unique=validate_unique)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(STATION_FIELD_COLUMNS.get(name, NON_FIELD_ERRORS), []).extend(messages)
        for column, messages in self._scope_errors(instance).items():
            if column not in failed:
                errors.setdefault(column, []).extend(messages)
        # As on the staff pages, a rating is held to the office's star rule when the file sets or changes it.
        if COL_STAR not in errors and instance.star_rating != getattr(instance, "_stored_stars", None):
            refusal = instance.star_rating_refusal()
            if refusal:
                errors[COL_STAR] = [refusal]
        if errors:
            raise ValidationError(errors)

    def save_m2m(self, instance, row, **kwargs):
        wanted = getattr(instance, "_file_deputies", None)
        if wanted is None:
            return
        wanted_ids = {deputy.pk for deputy in wanted}
        current = {member.deputy_id: member for member in StationMember.objects.filter(station=instance)}
        # One save or delete per member rather than bulk: each change then leaves an auditlog entry.
        for deputy_id, member in current.items():
            if deputy_id not in wanted_ids:
                member.delete()
        for deputy in wanted:
            if deputy.pk not in current:
                StationMember.objects.create(station=instance, deputy=deputy)

    # Export ---------------------------------------------------------------------------------------

    def get_queryset(self):
        return Station.objects.all()

    def filter_export(self, queryset, **kwargs):
        queryset = queryset.select_related("region").prefetch_related(
            Prefetch("deputies", queryset=Deputy.objects.only("pk", "code"))
        )
        if not queryset.query.order_by:
            # Prefetching exports page by page, which needs an explicit order; keep the model's.
            queryset = queryset.order_by(*Station._meta.ordering)
        return queryset


def read_station_file(upload):
    """Check an uploaded station file (size, type, columns, rows) and parse it; see ``read_sheet_file``."""
    return read_sheet_file(upload, required_columns=REQUIRED_COLUMNS, template_name=TEMPLATE_NAME)


def import_stations(upload, *, user, dry_run: bool = False) -> RosterImportOutcome:
    """Check and import a station file as ``user``; with ``dry_run`` nothing is kept (a preview).

    Either every row is written or none is; ``outcome.errors`` says why a file was refused.
    """
    try:
        sheet = read_station_file(upload)
    except ValidationError as exc:
        return RosterImportOutcome(errors=exc.messages)
    result = StationResource().import_data(sheet.dataset, dry_run=dry_run, user=user)
    return RosterImportOutcome(errors=import_errors(result), result=result)
