"""Running the portal as a deployment: health and readiness, Prometheus metrics, task-aware logs, optional
Sentry, the single-beat lock and the process entrypoint of the image. Part of the composition root: it may
read any layer (the outbox only through ``portal.integrations.delivery.selectors``)."""
