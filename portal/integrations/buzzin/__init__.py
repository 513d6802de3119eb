"""Buzz-In: the client, webhook signing and vocabulary (pure Python), and the portal's side of the partner:
its own tables (``models``), the subscriber that turns domain events into calls (``subscriber``), the calls'
handlers and payloads, and what its answers record (``records``).

The local stand-in lives outside the production package, in ``sandboxes.buzzin`` (a checkout only).
"""
