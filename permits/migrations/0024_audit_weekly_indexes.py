"""Indexes for the dashboard's "permits submitted and approved per week" (PostgreSQL only).

The chart counts two permit actions of the audit trail over twelve weeks. Without these it read every audit
event of the viewer's communities (the audit trail is the largest table: several events per permit) and
filtered them by action. Both indexes hold only those two actions, so they stay a small share of the trail
and no other event pays for them: by community then moment for a manager's communities, by moment for
an operator who sees them all. ``INCLUDE`` lets the counts come from the index alone.

The audit trail is core's table, the two actions are the permits' own: the index lives with the query
(``permits.selectors.admin.WEEKLY_ACTIONS``), and the model state is unchanged.
"""

from django.db import migrations

from portal.core.migration_ops import postgresql_indexes

WEEKLY_ACTIONS = ("permits.permit.submitted", "permits.permit.approved")  # selectors.admin.WEEKLY_ACTIONS
CONDITION = "target_type = 'permit' AND action IN ({})".format(", ".join(f"'{action}'" for action in WEEKLY_ACTIONS))
INDEXES = {
    "audit_permit_weekly_idx": "(community_id, at) INCLUDE (action)",
    "audit_permit_weekly_at_idx": "(at) INCLUDE (community_id, action)",
}


class Migration(migrations.Migration):
    dependencies = [("permits", "0023_drop_reference_pattern_index")]

    operations = [postgresql_indexes("core_auditevent", INDEXES, where=CONDITION)]
