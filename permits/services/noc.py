"""NOC versions: each upload is a new immutable version; the previous one stays viewable.

The document is checked and written to storage before the transaction that locks the permit
(``portal.core.storage``): no storage I/O under the lock, and a refused upload leaves no file.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.actors import Actor
from portal.core.events import domain_service, event_record
from portal.core.storage import StoredFile
from portal.core.uploads import upload_stored_first, validate_upload

from ..models import NocVersion, Permit
from ..models.in_hand import rows_in_hand
from ..transitions import TERMINAL_STATUSES, status_phrase
from ..validators import local_date, validate_noc_covers_permit, validate_noc_dates, validate_noc_issued
from ._common import lock_permit

NOC_FOLDER = "nocs"


def noc_version_upload(
    *,
    actor: Actor,
    permit: Permit,
    noc_number: str,
    issue_date: datetime.date,
    expiry_date: datetime.date,
    file=None,
    document_url: str = "",
    document: StoredFile | None = None,
) -> NocVersion:
    """A new current NOC version from an upload (``file``), an already stored ``document`` or a link."""
    if file is None and document is None and not document_url:
        raise ValidationError({"file": _("Attach the NOC document.")})
    errors = _field_errors(
        ("expiry_date", lambda: validate_noc_dates(issue_date, expiry_date)),
        ("file", lambda: file is not None and validate_upload(file)),
    )
    if errors:
        raise ValidationError(errors)
    fields = {"noc_number": noc_number, "issue_date": issue_date, "expiry_date": expiry_date}
    if file is None:
        return _noc_version_record(actor=actor, permit=permit, document=document, document_url=document_url, **fields)
    with upload_stored_first(file, folder=f"{NOC_FOLDER}/{permit.pk}", fallback_name="noc") as stored:
        return _noc_version_record(actor=actor, permit=permit, document=stored, document_url=document_url, **fields)


@contextmanager
def noc_document_stored(noc: dict | None) -> Iterator[dict | None]:
    """NOC arguments with their file already written (as ``document``), for callers that open a transaction."""
    if not noc or noc.get("file") is None:
        yield noc
        return
    with upload_stored_first(noc["file"], folder=f"{NOC_FOLDER}/new", fallback_name="noc") as stored:
        yield {**{key: value for key, value in noc.items() if key != "file"}, "document": stored}


@domain_service
def _noc_version_record(
    *,
    actor: Actor,
    permit: Permit,
    noc_number: str,
    issue_date: datetime.date,
    expiry_date: datetime.date,
    document: StoredFile | None,
    document_url: str,
) -> NocVersion:
    permit = lock_permit(permit)
    _check_for_permit(permit, issue_date, expiry_date)
    version = (permit.noc_versions.aggregate(top=Max("version"))["top"] or 0) + 1
    permit.noc_versions.filter(is_current=True).update(is_current=False)
    noc = _noc_saved(actor, permit, version, noc_number, issue_date, expiry_date, document, document_url)
    event_record(**noc_uploaded_event_fields(actor, permit, noc))
    return noc


def noc_first_version_insert(
    *,
    actor: Actor,
    permit: Permit,
    noc_number: str,
    issue_date: datetime.date,
    expiry_date: datetime.date,
    document: StoredFile | None = None,
    document_url: str = "",
    file=None,
) -> NocVersion:
    """Version 1 of a permit inserted by the caller's own transaction, with every check of an upload (the
    document already stored, as ``noc_document_stored`` does). No other transaction can see that permit yet,
    so there is no row to lock, no earlier version to number after or to retire. The caller records
    ``noc_uploaded_event_fields``."""
    if file is not None:
        raise ValueError("store the NOC file first (noc_document_stored): no storage I/O inside the transaction")
    if document is None and not document_url:
        raise ValidationError({"file": _("Attach the NOC document.")})
    errors = _field_errors(("expiry_date", lambda: validate_noc_dates(issue_date, expiry_date)))
    if errors:
        raise ValidationError(errors)
    _check_for_permit(permit, issue_date, expiry_date)
    noc = _noc_saved(actor, permit, 1, noc_number, issue_date, expiry_date, document, document_url)
    rows_in_hand(permit, noc_versions=[noc])
    return noc


def noc_uploaded_event_fields(actor: Actor, permit: Permit, noc: NocVersion) -> dict:
    return {
        "actor": actor,
        "target": permit,
        "action": "permits.noc.uploaded",
        "community": permit.community,
        "from_status": permit.status,
        "to_status": permit.status,
        "data": {
            "noc": noc.pk,
            "version": noc.version,
            "noc_number": noc.noc_number,
            "expiry_date": noc.expiry_date.isoformat(),
        },
    }


def _check_for_permit(permit: Permit, issue_date: datetime.date, expiry_date: datetime.date) -> None:
    if permit.status in TERMINAL_STATUSES:
        raise ValidationError(
            _("%(permit)s takes no new NOC.") % {"permit": status_phrase(permit.status)}, code="not_editable"
        )
    tz = permit.community.tzinfo
    errors = _field_errors(
        ("issue_date", lambda: validate_noc_issued(issue_date, today=local_date(timezone.now(), tz))),
        ("expiry_date", lambda: validate_noc_covers_permit(expiry_date, permit.valid_till, tz=tz)),
    )
    if errors:
        raise ValidationError(errors)


def _noc_saved(actor, permit, version, noc_number, issue_date, expiry_date, document, document_url) -> NocVersion:
    noc = NocVersion(
        permit=permit,
        version=version,
        is_current=True,
        noc_number=noc_number.strip(),
        issue_date=issue_date,
        expiry_date=expiry_date,
        document_url=document_url if document is None else "",
        uploaded_by=actor.user,
        uploaded_by_label=actor.label,
    )
    if document is not None:
        noc.original_name, noc.content_type, noc.size = document.original_name, document.content_type, document.size
        noc.file.name = document.attach()
    noc.save(force_insert=True)
    return noc


def _field_errors(*checks) -> dict[str, list[ValidationError]]:
    errors: dict[str, list[ValidationError]] = {}
    for field_name, check in checks:
        try:
            check()
        except ValidationError as error:
            errors.setdefault(field_name, []).extend(error.error_list)
    return errors
