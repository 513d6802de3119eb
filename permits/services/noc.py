"""NOC versions: each upload is a new immutable version; the previous one stays viewable."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from portal.core.actors import Actor
from portal.core.choices import Operation
from portal.core.uploads import safe_file_name, validate_upload

from ..models import NocVersion, Permit
from ..transitions import KNOWN_TO_BUZZIN_STATUSES, TERMINAL_STATUSES, status_phrase
from ..validators import local_date, validate_noc_covers_permit, validate_noc_dates, validate_noc_issued
from ._common import audit_permit, enqueue_buzzin, lock_permit


@transaction.atomic
def noc_version_upload(
    *,
    actor: Actor,
    permit: Permit,
    noc_number: str,
    issue_date: datetime.date,
    expiry_date: datetime.date,
    file=None,
    document_url: str = "",
) -> NocVersion:
    if file is None and not document_url:
        raise ValidationError({"file": "Attach the NOC document."})
    errors = _field_errors(
        ("expiry_date", lambda: validate_noc_dates(issue_date, expiry_date)),
        ("file", lambda: file is not None and validate_upload(file)),
    )
    permit = lock_permit(permit)
    if permit.status in TERMINAL_STATUSES:
        raise ValidationError(f"{status_phrase(permit.status)} takes no new NOC.", code="not_editable")
    tz = permit.community.tzinfo
    errors.update(
        _field_errors(
            ("issue_date", lambda: validate_noc_issued(issue_date, today=local_date(timezone.now(), tz))),
            ("expiry_date", lambda: validate_noc_covers_permit(expiry_date, permit.valid_till, tz=tz)),
        )
    )
    if errors:
        raise ValidationError(errors)
    checked = validate_upload(file) if file is not None else None
    version = (permit.noc_versions.aggregate(top=Max("version"))["top"] or 0) + 1
    permit.noc_versions.filter(is_current=True).update(is_current=False)
    noc = NocVersion(
        permit=permit,
        version=version,
        is_current=True,
        noc_number=noc_number.strip(),
        issue_date=issue_date,
        expiry_date=expiry_date,
        document_url=document_url,
        uploaded_by=actor.user,
        uploaded_by_label=actor.label,
    )
    if file is not None:
        noc.content_type, noc.size = checked.content_type, checked.size
        noc.original_name = safe_file_name(getattr(file, "name", ""), checked.content_type, fallback="noc")
        noc.file.save("noc", file, save=False)
    noc.save()
    audit_permit(
        permit,
        "permits.noc.uploaded",
        actor=actor,
        data={"version": version, "noc_number": noc.noc_number, "expiry_date": expiry_date.isoformat()},
    )
    if permit.status in KNOWN_TO_BUZZIN_STATUSES:
        enqueue_buzzin(permit, Operation.PERMIT_REPLACE_NOC, {"noc_version": noc.pk})
    return noc


def _field_errors(*checks) -> dict[str, list[ValidationError]]:
    errors: dict[str, list[ValidationError]] = {}
    for field_name, check in checks:
        try:
            check()
        except ValidationError as error:
            errors.setdefault(field_name, []).extend(error.error_list)
    return errors
