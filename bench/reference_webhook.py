"""The reference of the webhook figure: the same durable work as the portal's receiver, and nothing else.

``POST /bench/webhooks/buzzin/`` verifies the Buzz-In HMAC with the portal's own scheme (the
``buzzin-signature`` and ``buzzin-signature-timestamp`` headers over ``"<timestamp>-<raw body>"``), parses the
envelope and makes one committed insert into the same inbox table (``InboundEvent``). It publishes nothing,
answers no duplicate and checks no body size: what the portal does beyond that is what the ratio measures.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from portal.integrations.buzzin.signing import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    current_time_ms,
    verify_signature,
)
from portal.integrations.models import InboundEvent, InboundEventState
from portal.integrations.webhooks.envelope import moment


@csrf_exempt
def reference_webhook(request):
    raw_body = request.body
    ok, _reason = verify_signature(
        settings.BUZZIN_WEBHOOK_SECRET or "",
        request.headers.get(TIMESTAMP_HEADER),
        request.headers.get(SIGNATURE_HEADER),
        raw_body,
        current_time_ms(),
    )
    if not ok:
        return JsonResponse({"error": "unauthorized"}, status=401)
    envelope = json.loads(raw_body)
    InboundEvent.objects.create(  # autocommit: one committed insert
        event_id=str(envelope["id"]),
        event=str(envelope["event"]),
        community_id=str(envelope.get("communityId", ""))[:64],
        created_at_remote=moment(envelope, "createdAt"),
        verification="hmac",
        delivery_id=request.headers.get(DELIVERY_HEADER, "")[:100],
        payload=envelope,
        state=InboundEventState.IGNORED,  # stored for the bench only: no worker is to process it
        result="bench reference",
    )
    return JsonResponse({"status": "accepted", "id": envelope["id"]})
