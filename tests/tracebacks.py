"""What an error report shows of a failing call: Django's ExceptionReporter, as with DEBUG off in production.

Only the frames of the code under test and everything it called are returned: the test's own frames above
it hold the secret on purpose and are not what is checked (a test double called by the code is kept).
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

from django.test import override_settings
from django.views.debug import ExceptionReporter

TESTS_DIR = str(Path(__file__).resolve().parent)


def a_secret(prefix: str = "secret") -> str:
    """A value that occurs nowhere else (not even in the test's source lines the report quotes)."""
    return f"{prefix}-{secrets.token_hex(16)}"


def error_report(call, request=None) -> dict:
    """The data of the report of the error ``call`` raises (frames, filtered POST and META, settings)."""
    try:
        call()
    except Exception:
        exc_info = sys.exc_info()
    else:
        raise AssertionError("the call did not fail")
    with override_settings(DEBUG=False):
        return ExceptionReporter(request, *exc_info).get_traceback_data()


def frames_below_the_test(call, request=None) -> list[dict]:
    frames = error_report(call, request)["frames"]
    first = next(index for index, frame in enumerate(frames) if not frame["filename"].startswith(TESTS_DIR))
    return frames[first:]


def shown(frames: list[dict]) -> str:
    """Everything the report prints of these frames: local variables and source lines."""
    parts = []
    for frame in frames:
        parts.append(f"{frame['function']} {frame.get('context_line', '')}")
        parts.extend(f"{name}={value}" for name, value in frame["vars"])
    return "\n".join(parts)
