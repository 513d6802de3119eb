"""PostgreSQL COPY for the seeder: rows as text, every column the model has, defaults filled once."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db import connection, models
from django.utils import timezone

NULL = r"\N"


def text(value) -> str:
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _default(field: models.Field, now: datetime.datetime):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        value = field.get_default()
        return value
    if field.null:
        return None
    return ""


class CopyTable:
    """COPY rows into ``model``'s table giving only ``columns``; the other columns get their defaults."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]):
        now = timezone.now()
        fields = model._meta.concrete_fields
        by_column = {field.column: field for field in fields}
        unknown = set(columns) - set(by_column)
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
        self.table = model._meta.db_table
        self.columns = list(columns)
        rest = [field for field in fields if field.column not in columns]
        self.all_columns = self.columns + [field.column for field in rest]
        constant = "\t".join(text(_default(field, now)) for field in rest)
        self.suffix = ("\t" + constant if rest else "") + "\n"

    def write(self, rows: Iterable[Sequence[str]], chunk_rows: int = 50_000) -> int:
        """``rows`` hold already-formatted text values for ``columns``."""
        statement = f'COPY "{self.table}" ({", ".join(self.all_columns)}) FROM STDIN'
        count = 0
        suffix = self.suffix
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            buffer: list[str] = []
            for row in rows:
                buffer.append("\t".join(row) + suffix)
                count += 1
                if len(buffer) >= chunk_rows:
                    copy.write("".join(buffer))
                    buffer.clear()
            if buffer:
                copy.write("".join(buffer))
        return count


def reset_sequence(model: type[models.Model]) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        sequence = f"pg_get_serial_sequence('\"{table}\"', 'id')"
        cursor.execute(f'SELECT setval({sequence}, COALESCE((SELECT MAX(id) FROM "{table}"), 1))')
