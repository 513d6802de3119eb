"""Fields every API body shares: UTC date-times with milliseconds, dates, file descriptors, the error shape."""

from __future__ import annotations

import base64
import binascii
import datetime
import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.core.contact import DEFAULT_COUNTRY

from ..errors import ERROR_NAMES

# Far enough for any permit, near enough that time-zone arithmetic never overflows.
MIN_YEAR, MAX_YEAR = 2000, 2999
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$", re.IGNORECASE)
BASE64_PREFIX = re.compile(r"^data:[\w.+-]+/[\w.+-]+;base64,", re.IGNORECASE)


def format_utc(moment: datetime.datetime | None) -> str | None:
    """``2026-07-01T06:00:00.000Z``."""
    if moment is None:
        return None
    moment = moment.astimezone(datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise serializers.ValidationError(
            _("Give a year between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}
        )


def checked(normalise, value):
    """Run one of the domain's pure normalisers; its refusal becomes this field's 400."""
    try:
        return normalise(value)
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.messages) from None


def community_country(serializer: serializers.Serializer) -> str:
    """Numbers without a country code are read in the API key's community's country."""
    community = serializer.context.get("community")
    return community.country if community is not None else DEFAULT_COUNTRY


class Text(serializers.CharField):
    """A string, and only a string: DRF's CharField would turn 12 into "12"."""

    default_error_messages = {"not_a_string": _("Give a string.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.DATETIME)
class UtcDateTimeField(serializers.Field):
    """ISO 8601 with a zone (``Z`` or an offset) in; UTC with milliseconds and ``Z`` out."""

    default_error_messages = {
        "invalid": _("Give an ISO 8601 date-time with a time zone, e.g. 2026-07-01T06:00:00.000Z.")
    }

    def to_internal_value(self, data):
        if not isinstance(data, str) or not RFC3339.fullmatch(data.strip()):
            self.fail("invalid")
        text = data.strip().upper().replace("Z", "+00:00")
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            self.fail("invalid")
        _check_year(moment.year)
        return moment.astimezone(datetime.UTC)

    def to_representation(self, value):
        return format_utc(value)


class BoundedDateField(serializers.DateField):
    """``YYYY-MM-DD`` only."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        date = super().to_internal_value(value)
        _check_year(date.year)
        return date


@extend_schema_field(
    {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$", "example": "08:00"}
)
class HourMinuteField(serializers.TimeField):
    """``HH:MM`` (community local time); ``HH:MM:SS`` is accepted."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%H:%M", "%H:%M:%S"])
        kwargs.setdefault("format", "%H:%M")
        super().__init__(**kwargs)


class DocumentSerializer(serializers.Serializer):
    """A file descriptor: ``{"type": "url", "url"}`` (kept as a link, never fetched) or
    ``{"type": "base64", "fileName", "contentType", "data"}`` (decoded and checked like any upload:
    PDF, PNG or JPEG judged by the content, within the size limit)."""

    type = serializers.ChoiceField(choices=["url", "base64"])
    url = serializers.URLField(required=False, max_length=500)
    fileName = Text(required=False, max_length=255, allow_blank=True)
    contentType = Text(
        required=False, max_length=100, allow_blank=True, help_text="Informative: the type is judged by the content."
    )
    data = Text(required=False, trim_whitespace=True, help_text="The file, base64-encoded.")

    def validate(self, attrs):
        """Validated: ``file`` (a ContentFile or None) and ``document_url``, plus a subclass's own fields."""
        rest = {key: value for key, value in attrs.items() if key not in DOCUMENT_KEYS}
        return {**rest, **_document(attrs)}


DOCUMENT_KEYS = ("type", "url", "fileName", "contentType", "data")


def _document(attrs: dict) -> dict:
    if attrs["type"] == "url":
        if not attrs.get("url"):
            raise serializers.ValidationError({"url": _("A url document needs its url.")})
        if not attrs["url"].lower().startswith(("https://", "http://")):
            raise serializers.ValidationError({"url": _("Give an http(s) URL.")})
        return {"document_url": attrs["url"], "file": None}
    if not attrs.get("data"):
        raise serializers.ValidationError({"data": _("A base64 document needs its data.")})
    return {"document_url": "", "file": ContentFile(_decode(attrs["data"]), name=_file_name(attrs))}


def _decode(data: str) -> bytes:
    text = BASE64_PREFIX.sub("", data.strip())
    text = "".join(text.split())
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise serializers.ValidationError({"data": _("The document's data is not valid base64.")}) from None


def _file_name(attrs: dict) -> str:
    name = (attrs.get("fileName") or "").strip().replace("/", "_").replace("\\", "_")
    return name[-255:] or "document"


class DocumentLinkSerializer(serializers.Serializer):
    publicUrl = serializers.CharField(help_text="An access-checked portal URL for a stored file, or the given URL.")


class ErrorSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=list(ERROR_NAMES.values()))
    message = serializers.CharField()
    code = serializers.IntegerField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages per field path (camelCase, e.g. noc.expiryDate, employees[0].name); '' for the whole body.",
    )
    missing = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Submit: what the permit still lacks."
    )


class EmptySerializer(serializers.Serializer):
    """``{}``"""
