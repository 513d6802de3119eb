"""Every download of a stored document, for staff and contractors alike: access-checked, never public.

Anything the user may not see is a 404, so a foreign document's existence is not told.
"""

from __future__ import annotations

from csp.decorators import csp_replace
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from ..selectors.contractor import (
    contractor_document_for_user_or_404,
    noc_for_user_or_404,
    permit_with_qr_for_user_or_404,
)


def _file_response(field_file, *, content_type: str, filename: str, attachment: bool = True) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("The file is missing.")) from None
    response = FileResponse(
        handle, as_attachment=attachment, filename=filename, content_type=content_type or "application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def noc_download(request, pk):
    noc = noc_for_user_or_404(request.user, pk)
    return _file_response(noc.file, content_type=noc.content_type, filename=noc.download_name)


PREVIEWABLE = ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp")


@require_GET
@login_required
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"], "object-src": ["'self'"]})
def noc_preview(request, pk):
    """The same NOC, shown in the page (the permit page frames it) rather than downloaded.

    Only this URL may be framed, and only by the portal's own pages; anything but a PDF or an image is
    still a download.
    """
    noc = noc_for_user_or_404(request.user, pk)
    inline = noc.content_type in PREVIEWABLE
    return _file_response(noc.file, content_type=noc.content_type, filename=noc.download_name, attachment=not inline)


@require_GET
@login_required
def contractor_document_download(request, pk):
    document = contractor_document_for_user_or_404(request.user, pk)
    return _file_response(document.file, content_type=document.content_type, filename=document.download_name)


@require_GET
@login_required
def qr_image(request, reference):
    permit = permit_with_qr_for_user_or_404(request.user, reference)
    return _file_response(
        permit.qr_image, content_type="image/png", filename=f"{permit.reference}-qr.png", attachment=False
    )
