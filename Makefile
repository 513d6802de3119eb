# Two commands on a fresh machine: `make run` (the portal, with worker, beat and sandboxes) and
# `make test` (lint + the whole suite). Everything they need is installed here, nothing by hand.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint check-deploy format test-unit test-services test-browser browser-deps deploy-deps gettext-deps messages bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

# The Arabic catalogue is compiled here (never committed as .mo): it always matches locale/ar/*.po.
MO := locale/ar/LC_MESSAGES/django.mo
$(MO): locale/ar/LC_MESSAGES/django.po $(STAMP) | gettext-deps
	$(BIN)/python manage.py compilemessages --locale ar --ignore '.venv' -v 0

install: $(STAMP) $(MO)

# msgfmt/xgettext (GNU gettext, Debian's package) compile the catalogue and let makemessages read the code.
gettext-deps:
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)

# After adding or changing user-facing strings: refresh the catalogue, then translate what it marks new.
messages: install
	$(BIN)/python manage.py messages_update

run: install
	$(BIN)/python -m portal.devrun

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The production settings must pass Django's deployment checklist (a throwaway secret for the check).
check-deploy: install
	DJANGO_SETTINGS_MODULE=portal.settings.production ALLOWED_HOSTS=permits.example.com \
	SECRET_KEY=$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))") \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The whole suite on the embedded default (SQLite, filesystem broker, sandboxes on loopback).
test-unit: install
	$(BIN)/pytest -q -n 2 -m "not browser"

# The same suite on PostgreSQL and Redis with a real Celery worker (see .ci/run).
test-services: install
	$(BIN)/pytest -q -n 2 -m "not browser"

browser-deps:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null)

# The proxy of the scale-out topology and the RabbitMQ server its broker nodes run (Debian's packages).
deploy-deps:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || (apt-get update -qq && apt-get install -y -qq nginx >/dev/null)
	@test -x /usr/lib/rabbitmq/bin/rabbitmq-server || (apt-get update -qq && apt-get install -y -qq rabbitmq-server >/dev/null)

test-browser: install browser-deps
	$(BIN)/pytest -q -m browser

test: lint check-deploy test-unit test-browser

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var

# Fault tests: every kind of change pushed to the Buzz-In and OPS-COM sandboxes under the production retry
# policy (times DELIVERY_TIME_SCALE) through partner 503s, workers killed before and after the partner applied,
# broker restarts and web workers killed between commit and answer; fails unless each fault is proven at its
# floor and nothing was lost, applied twice or failed (README, "What the fault script proves").
# With CELERY_BROKER_URL=amqp://... (CI) the broker is a private RabbitMQ node the script restarts.
.PHONY: faults scaleout
faults: install deploy-deps
	$(BIN)/python -m faults

# Scale-out: the production topology on loopback under supervisord (nginx, 2 web, 3 workers, beat,
# PostgreSQL, RabbitMQ), 1,000 permit changes and 10,000 webhooks while a worker and a web process are
# killed; fails unless nothing was lost or done twice and the backlog drained (faults/scaleout.py).
scaleout: install deploy-deps
	$(BIN)/python -m faults.scaleout
