"""CSV export of permits, streamed row by row (the caller passes an already scoped queryset).

Times are on each permit's community's clock, named in the last column.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from itertools import chain

from django.http import StreamingHttpResponse
from django.utils import timezone

from portal.core.formats import format_date, format_datetime

from ..selectors.admin import current_noc_expiry

HEADER = [
    "reference",
    "community",
    "property",
    "unit",
    "contractor",
    "type",
    "status",
    "valid_from",
    "valid_till",
    "noc_expiry",
    "submitted_at",
    "pass_number",
    "time_zone",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value):
        return value


def safe_cell(value) -> str:
    """No cell may start like a spreadsheet formula (CSV injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _local(moment, tz) -> str:
    return format_datetime(moment, tz)


def permit_rows(queryset) -> Iterator[list[str]]:
    if "noc_expiry" not in queryset.query.annotations:
        queryset = queryset.annotate(noc_expiry=current_noc_expiry())
    rows = queryset.select_related("community", "property", "main_unit", "contractor")
    for permit in rows.iterator(chunk_size=500):
        tz = permit.community.tzinfo
        yield [
            safe_cell(value)
            for value in (
                permit.reference,
                permit.community.name,
                permit.property.name,
                permit.main_unit.external_id,
                permit.contractor.company_name,
                permit.get_permit_type_display(),
                permit.get_status_display(),
                _local(permit.valid_from, tz),
                _local(permit.valid_till, tz),
                format_date(permit.noc_expiry),
                _local(permit.submitted_at, tz),
                permit.pass_number,
                permit.community.time_zone,
            )
        ]


def permits_csv_response(queryset, filename: str | None = None) -> StreamingHttpResponse:
    filename = filename or f"permits-{timezone.localdate():%Y-%m-%d}.csv"
    writer = csv.writer(_Echo())
    lines = (writer.writerow(row) for row in chain([HEADER], permit_rows(queryset)))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
