"""Indexes for the admin's permit review list at a large developer's scale (PostgreSQL only).

The list is ordered "oldest waiting first, then newest": ``CASE WHEN status = 'submitted' THEN
submitted_at END ASC NULLS LAST, created_at DESC, id DESC``. Without an index on that expression
every page sorts the whole table (or the whole community); with it, a page is an index scan of
50 rows. The "expires within 7 days" filter is a range on ``valid_till`` across every status.

Expression indexes are written in SQL, so the migration state (and ``makemigrations``) is unchanged.
"""

from django.db import migrations

from portal.core.migration_ops import postgresql_indexes

REVIEW_ORDER = "(CASE WHEN status = 'submitted' THEN submitted_at ELSE NULL END)"

INDEXES = {
    "permit_review_order_idx": f"({REVIEW_ORDER}, created_at DESC, id DESC)",
    "permit_community_review_order_idx": f"(community_id, {REVIEW_ORDER}, created_at DESC, id DESC)",
    "permit_valid_till_idx": "(valid_till)",
}


class Migration(migrations.Migration):
    dependencies = [("permits", "0002_drop_redundant_indexes")]

    operations = [postgresql_indexes("permits_permit", INDEXES)]
