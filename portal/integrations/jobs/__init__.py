"""Scheduled jobs of the integrations layer (Celery tasks discovered from ``tasks``)."""
