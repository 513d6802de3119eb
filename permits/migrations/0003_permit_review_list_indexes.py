"""Indexes for the admin's permit review list at a large developer's scale (PostgreSQL only).

The list is ordered "oldest waiting first, then newest": ``CASE WHEN status = 'submitted' THEN
submitted_at END ASC NULLS LAST, created_at DESC, id DESC``. Without an index on that expression
every page sorts the whole table (or the whole community); with it, a page is an index scan of
50 rows. The "expires within 7 days" filter is a range on ``valid_till`` across every status.

Expression indexes are written in SQL, so the migration state (and ``makemigrations``) is unchanged.
"""

from django.db import migrations

REVIEW_ORDER = "(CASE WHEN status = 'submitted' THEN submitted_at ELSE NULL END)"

INDEXES = {
    "permit_review_order_idx": f"({REVIEW_ORDER}, created_at DESC, id DESC)",
    "permit_community_review_order_idx": f"(community_id, {REVIEW_ORDER}, created_at DESC, id DESC)",
    "permit_valid_till_idx": "(valid_till)",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in INDEXES.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "permits_permit" {columns}')


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("permits", "0002_drop_redundant_indexes")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
