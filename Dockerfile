# One image for every role: web, worker, beat and the release step (python -m portal.ops.entrypoint ROLE).
# Build: docker build -t permit-portal .   Run: see compose.yaml and README "Production".
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production \
    LOG_FORMAT=json

RUN groupadd --system portal && useradd --system --gid portal --home-dir /app --shell /usr/sbin/nologin portal
WORKDIR /app

# Dependencies first (cached while only the code changes), pinned by constraints.txt.
COPY pyproject.toml constraints.txt ./
RUN mkdir -p portal permits contractors && touch portal/__init__.py permits/__init__.py contractors/__init__.py \
    && pip install -c constraints.txt . && pip uninstall -y permit-portal

COPY . .
# The Arabic catalogue is compiled in the image (gettext only for that step).
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends gettext >/dev/null \
    && SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py compilemessages --locale ar -v 0 \
    && apt-get purge -y -qq gettext >/dev/null && rm -rf /var/lib/apt/lists/*
RUN SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py collectstatic --no-input -v 0 \
    && mkdir -p /app/var/metrics && chown -R portal:portal /app/var

USER portal
EXPOSE 8000
# Liveness only: the process answers. Readiness (/health/) is for the proxy and the orchestrator.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s \
    CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/health/live/', timeout=2)" || exit 1
ENTRYPOINT ["python", "-m", "portal.ops.entrypoint"]
CMD ["web"]
