"""The one check every uploaded document passes: type from its content, size from a setting."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError

from .references import new_reference
from .storage import StoredFile, file_stored_first

ALLOWED_TYPES = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int


def validate_upload(upload) -> CheckedUpload:
    """Accept PDF, PNG and JPEG only, judged by the first bytes, never by the name."""
    size = upload.size or 0
    limit = settings.UPLOAD_MAX_BYTES
    if size == 0:
        raise ValidationError("The file is empty.", code="empty_file")
    if size > limit:
        raise ValidationError(
            f"The file is {size / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:.0f} MB.", code="file_too_large"
        )
    upload.seek(0)
    head = upload.read(262)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime not in ALLOWED_TYPES:
        raise ValidationError(
            "Only PDF, PNG and JPEG files are accepted; this file's content is not one of them.",
            code="file_type_not_allowed",
        )
    return CheckedUpload(content_type=mime, size=size)


@contextmanager
def upload_stored_first(upload, *, folder: str) -> Iterator[StoredFile]:
    """Check an upload and write it under a generated name, before the transaction that attaches it.

    Raises ValidationError under ``file``; the file is removed again unless a transaction attached it.
    """
    try:
        checked = validate_upload(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.error_list}) from None
    with file_stored_first(
        upload,
        path=f"{folder}/{new_reference('doc')}",
        original_name=(getattr(upload, "name", "") or "document")[-255:],
        content_type=checked.content_type,
        size=checked.size,
    ) as stored:
        yield stored
