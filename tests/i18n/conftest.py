"""The web pages' fixtures (two companies in one community, their users, managers, permits)."""

from tests.web.conftest import *  # noqa: F403
