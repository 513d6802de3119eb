"""Delivery of outbox rows to Buzz-In and OPS-COM.

- ``payloads_buzzin`` / ``payloads_opscom``: request bodies from the current state (the DECISIONs);
- ``handlers_buzzin`` / ``handlers_opscom``: one function per operation, the partner's answer as an ``Outcome``;
- ``sender``: claim a row, call outside any transaction, record the attempt and apply the answer;
- ``policy``: backoff with full jitter and the loop's limits; ``dispatch``: handing rows to the broker;
- ``services``: the relay and admin retries; ``selectors``: shared reads (e.g. ``configuration_faults``);
- ``tasks``: ``integrations.delivery_send`` and ``integrations.delivery_relay``.
"""
