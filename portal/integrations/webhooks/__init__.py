"""Buzz-In's webhooks: verified over the raw body, stored once per event id, processed in order by a task."""
