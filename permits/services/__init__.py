"""Every write to permits goes through these services: one transaction, one audit event per change."""

from .attention import permit_attention_clear, permit_attention_raise
from .contractors import contractor_revoke
from .drafts import permit_create_draft, permit_update_draft
from .lifecycle import (
    permit_approve,
    permit_archive,
    permit_cancel,
    permit_expire,
    permit_extend,
    permit_extension_decline,
    permit_pass_issue,
    permit_reissue,
    permit_reject,
    permit_request_changes,
    permit_request_extension,
    permit_revoke,
    permit_submit,
)
from .noc import noc_version_upload
from .people import vehicle_add, vehicle_change_plate, vehicle_remove, worker_add, worker_remove

__all__ = [
    "contractor_revoke",
    "noc_version_upload",
    "permit_approve",
    "permit_archive",
    "permit_attention_clear",
    "permit_attention_raise",
    "permit_cancel",
    "permit_create_draft",
    "permit_expire",
    "permit_extend",
    "permit_extension_decline",
    "permit_pass_issue",
    "permit_reissue",
    "permit_reject",
    "permit_request_changes",
    "permit_request_extension",
    "permit_revoke",
    "permit_submit",
    "permit_update_draft",
    "vehicle_add",
    "vehicle_change_plate",
    "vehicle_remove",
    "worker_add",
    "worker_remove",
]
