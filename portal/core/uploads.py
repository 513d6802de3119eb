"""The one check every uploaded document passes: type from its content, size from a setting.

The type decides the extension too: a file is stored and downloaded as ``<safe base>.<detected extension>``,
never under the uploader's extension (a PDF named ``poly.html`` is ``poly.pdf``).
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PureWindowsPath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .references import new_reference
from .storage import StoredFile, file_stored_first

ALLOWED_TYPES = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}
EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
BASE_MAX_LENGTH = 100
UNSAFE_CHARACTERS = re.compile(r"[^\w-]+")  # anything but letters, digits, "_" and "-" (dots included)


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def validate_upload(upload) -> CheckedUpload:
    """Accept PDF, PNG and JPEG only, judged by the first bytes, never by the name."""
    size = upload.size or 0
    limit = settings.UPLOAD_MAX_BYTES
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty_file")
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": f"{size / 1_048_576:.1f}", "limit": f"{limit / 1_048_576:.0f}"},
            code="file_too_large",
        )
    upload.seek(0)
    head = upload.read(262)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime not in ALLOWED_TYPES:
        raise ValidationError(
            _("Only PDF, PNG and JPEG files are accepted; this file's content is not one of them."),
            code="file_type_not_allowed",
        )
    return CheckedUpload(content_type=mime, size=size)


def extension_for(content_type: str) -> str:
    """The extension of a detected type; none for anything else (no name ever says more than the content)."""
    return EXTENSIONS.get(content_type, "")


def safe_file_name(uploaded_name: str, content_type: str, *, fallback: str = "document") -> str:
    """The name a document is kept and downloaded under: the uploaded base name without its extension, any
    folder or character outside letters, digits, ``_`` and ``-``, then the extension of the detected type."""
    base = PureWindowsPath(uploaded_name or "").name  # the last part after "/" or "\\"
    base = base.rsplit(".", 1)[0] if "." in base else base
    base = UNSAFE_CHARACTERS.sub("-", base).strip("-_")[:BASE_MAX_LENGTH].strip("-_")
    return (base or fallback) + extension_for(content_type)


@contextmanager
def upload_stored_first(upload, *, folder: str, fallback_name: str = "document") -> Iterator[StoredFile]:
    """Check an upload and write it under a generated name, before the transaction that attaches it.

    The stored name is generated, with the extension of the detected type; the name kept for downloads is
    the uploaded base name made safe (``safe_file_name``). Raises ValidationError under ``file``; the file is
    removed again unless a transaction attached it.
    """
    try:
        checked = validate_upload(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.error_list}) from None
    with file_stored_first(
        upload,
        path=f"{folder}/{new_reference('doc')}{extension_for(checked.content_type)}",
        original_name=safe_file_name(getattr(upload, "name", ""), checked.content_type, fallback=fallback_name),
        content_type=checked.content_type,
        size=checked.size,
    ) as stored:
        yield stored
