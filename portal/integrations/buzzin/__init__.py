"""Buzz-In: HTTP client, webhook signing helpers and the partner's vocabulary (standalone, no Django imports).

The local stand-in lives outside the production package, in ``sandboxes.buzzin`` (a checkout only).
"""
