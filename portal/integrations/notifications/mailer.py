"""One e-mail through Django's mail backend (SMTP in production), and what its result means for the row.

E-mail is sent **at most once**. A failure before the server took the message (no connection,
refused sender or recipient, a 4xx answer to the message) is known not to have sent anything: it is
retried (4xx, connection) or failed (5xx). A failure while the message was being handed over (the
connection dropped, a timeout) may have sent it: the row fails as "uncertain" and an admin decides
("retry" sends it again). The same holds for a row whose worker died mid-send (``subscriber``).
"""

from __future__ import annotations

import contextlib
import smtplib
import time

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from ..delivery.outcome import CONFIGURATION, RETRY, Outcome, failed, succeeded
from ..http import CallRecord

UNCERTAIN = "uncertain"
REJECTED = "rejected"
UNAVAILABLE = "unavailable"


def mail_send(message: EmailMessage, *, summary: str) -> Outcome:
    call = CallRecord(method="SMTP", url=_backend_name(), request_summary=summary)
    started = time.monotonic()
    try:
        connection = get_connection()
        connection.open()
    except smtplib.SMTPAuthenticationError as error:
        return _done(call, started, failed(f"The mail server refused the portal's credentials: {error}", CONFIGURATION))
    except (smtplib.SMTPException, OSError) as error:
        return _done(call, started, _retry(f"The mail server cannot be reached: {error}"))
    try:
        message.connection = connection
        message.send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
        return _done(call, started, failed(f"The mail server refused the address: {error}", REJECTED))
    except smtplib.SMTPDataError as error:
        if 400 <= error.smtp_code < 500:
            return _done(call, started, _retry(f"The mail server deferred the message: {error}"))
        return _done(call, started, failed(f"The mail server refused the message: {error}", REJECTED))
    except Exception as error:  # the message may have been taken: never sent twice
        note = (
            f"Sending was interrupted ({type(error).__name__}: {error}); it may have gone out, so it is not sent again."
        )
        return _done(call, started, failed(note, UNCERTAIN))
    finally:
        _close(connection)
    return _done(call, started, succeeded([], {"sent": True}))


def _retry(message: str) -> Outcome:
    return Outcome(RETRY, message=message, error_kind=UNAVAILABLE)


def _done(call: CallRecord, started: float, outcome: Outcome) -> Outcome:
    call.duration_ms = int((time.monotonic() - started) * 1000)
    call.error = outcome.message
    outcome.calls = [call]
    return outcome


def _close(connection) -> None:
    with contextlib.suppress(Exception):  # closing an already broken connection: nothing left to do
        connection.close()


def _backend_name() -> str:
    """ "smtp", "console", "locmem": which backend took the mail (no host or credentials)."""
    return settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
