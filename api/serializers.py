"""What each route shows and accepts. Public reads show only what the public pages show; a unit's reads show
what its clerks see, without the voter's name or number."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from liaison_stations.models import OpinionCategory


class RegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class DeputySerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    name = serializers.CharField()
    gender = serializers.CharField(source="get_gender_display")
    party = serializers.CharField()
    work_unit = serializers.CharField()
    post = serializers.CharField()
    region = RegionSerializer()
    phone = serializers.CharField(source="public_phone", help_text=_("代表同意公开时才有。"))


class StationSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    name = serializers.CharField()
    kind = serializers.CharField()
    region = RegionSerializer()
    address = serializers.CharField()
    opening_hours = serializers.CharField()
    contact_phone = serializers.CharField()
    star_rating = serializers.IntegerField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)


class DeputyRefSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    name = serializers.CharField()


class DutyDaySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    station = serializers.UUIDField(source="station.public_id")
    station_name = serializers.CharField(source="station.name")
    date = serializers.DateField()
    start_time = serializers.TimeField(allow_null=True)
    end_time = serializers.TimeField(allow_null=True)
    topic = serializers.CharField()
    status = serializers.CharField()
    deputies = serializers.SerializerMethodField()

    def get_deputies(self, duty_day) -> list[dict]:
        return [{"public_id": str(s.deputy.public_id), "name": s.deputy.name} for s in duty_day.shifts.all()]


class OutcomeSerializer(serializers.Serializer):
    reference = serializers.CharField()
    title = serializers.CharField()
    category = serializers.CharField()
    region = RegionSerializer()
    station = serializers.CharField(source="station.name", allow_null=True, default=None)
    deputy = serializers.CharField(source="deputy.name", allow_null=True, default=None)
    public_summary = serializers.CharField()
    resolution = serializers.CharField()
    rating = serializers.CharField()
    received_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField()


class UnitOpinionSerializer(serializers.Serializer):
    reference = serializers.CharField()
    title = serializers.CharField()
    content = serializers.CharField()
    category = serializers.CharField()
    status = serializers.CharField()
    region = RegionSerializer()
    station = serializers.CharField(source="station.name", allow_null=True, default=None)
    deadline = serializers.DateField(allow_null=True)
    supervised = serializers.BooleanField()
    assigned_at = serializers.DateTimeField(allow_null=True)
    reply = serializers.CharField()
    replied_at = serializers.DateTimeField(allow_null=True)


class UnitSuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    number = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    category = serializers.CharField()
    status = serializers.CharField()
    deputy = serializers.CharField(source="deputy.name")
    assigned_at = serializers.DateTimeField(allow_null=True)


class ReplySerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000, help_text=_("答复内容。"))


class OpinionInSerializer(serializers.Serializer):
    external_id = serializers.CharField(max_length=100, help_text=_("对方系统的编号：重发同一编号不会重复受理。"))
    station = serializers.UUIDField(required=False, help_text=_("联络站的 public_id。"))
    region_code = serializers.CharField(max_length=20, required=False, help_text=_("行政区划代码。"))
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    long = serializers.FloatField(required=False, min_value=-180, max_value=180)
    voter_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    voter_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=100)
    content = serializers.CharField(max_length=3000)
    category = serializers.ChoiceField(choices=OpinionCategory.choices, required=False, allow_blank=True, default="")


class OpinionStatusSerializer(serializers.Serializer):
    reference = serializers.CharField()
    external_id = serializers.CharField(source="intake.external_id")
    status = serializers.CharField()
    station = serializers.CharField(source="station.name", allow_null=True, default=None)
    received_at = serializers.DateTimeField()
    reply = serializers.CharField()
    feedback = serializers.CharField()
