"""gunicorn for the portal (``python -m portal.ops.entrypoint web``): every knob from the environment."""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
# A killed worker is replaced by a fork of the loaded application, in milliseconds.
preload_app = True
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
# SIGTERM: stop accepting, finish the requests in flight for up to this long, then exit.
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
# Only the proxy sets X-Forwarded-*; it is the only client in the topology.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None  # the proxy logs requests; the portal logs what it does (with the request id)
errorlog = "-"


def child_exit(server, worker):
    """Prometheus multiprocess mode: a dead worker's live gauges go (its counters stay counted)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
