"""Buzz-In: HTTP client, webhook signing helpers and a local sandbox (standalone, no Django imports)."""
