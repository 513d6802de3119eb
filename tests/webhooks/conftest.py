import pytest
from django.urls import reverse

from permits.models import Permit
from portal.celery import app as celery_app
from portal.integrations.buzzin.records import permit_buzzin_id
from portal.integrations.buzzin.signing import signed_headers
from tests.factories import VehicleFactory, link_buzzin_permit, permit_in_status

from . import payloads

SECRET = "test-webhook-secret"


@pytest.fixture
def eager_celery(monkeypatch):
    """Tasks run where they are sent, as a worker would run them (the portal hands tasks over by name)."""

    def run_here(name, args=(), kwargs=None, **options):
        return celery_app.tasks[name].apply(args=args, kwargs=kwargs or {})

    monkeypatch.setattr(celery_app, "send_task", run_here)


@pytest.fixture
def webhook_url():
    return reverse("integrations:buzzin-webhook")


def post_webhook(client, url, body: dict | None, *, raw: bytes | None = None, secret=SECRET, headers=None, **sign):
    """POST like Buzz-In: the raw body signed with ``secret`` (HMAC headers and the token)."""
    raw = payloads.encode(body) if raw is None else raw
    event = body["event"] if body else "passes.permits.issued"
    sent = signed_headers(secret, raw, event, "dlv-test", **sign)
    sent.pop("Content-Type")
    sent.update(headers or {})
    sent = {name: value for name, value in sent.items() if value is not None}
    return client.post(url, data=raw, content_type="application/json", headers=sent)


@pytest.fixture
def deliver(client, webhook_url, eager_celery, django_capture_on_commit_callbacks):
    """Deliver one event and run what is committed (the enqueued processing task) at once."""

    def _deliver(body: dict | None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post_webhook(client, webhook_url, body, **kwargs)

    return _deliver


def with_buzzin_id(permit: Permit) -> Permit:
    """As after Buzz-In answered the create: the permit knows its Buzz-In id."""
    link_buzzin_permit(permit, payloads.object_id())
    return permit


@pytest.fixture
def approved_permit(db):
    permit = with_buzzin_id(permit_in_status("approved"))
    VehicleFactory(permit=permit)
    return permit


@pytest.fixture
def active_permit(db):
    permit = with_buzzin_id(permit_in_status("approved"))
    VehicleFactory(permit=permit)
    from permits.services import permit_pass_issue
    from portal.core.actors import Actor

    permit_pass_issue(
        actor=Actor.system("test setup"),
        permit=permit,
        pass_number="WP-000001",
        access_code="OLDCODE0000000000000000A",
        documentation_url=f"https://cdn.buzz-in.co/passes/{permit_buzzin_id(permit)}/permit.pdf",
    )
    permit.refresh_from_db()
    return permit
