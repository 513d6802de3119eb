"""Thin views: parse the body, resolve ids inside the key's community, call a service, answer."""
