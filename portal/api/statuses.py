"""Permit status numbers and names on the wire.

Buzz-In documents 10 = DRAFT and 1 = ACCEPTED; REVOKED, ARCHIVED and EXPIRED are named without a number,
and the portal uses the numbers of the Buzz-In sandbox for them. The portal's own review steps get
numbers from 11 up. ``statusName`` is always sent; clients should trust it over the number.

| portal status      | status | statusName |
|--------------------|--------|------------|
| draft              | 10     | DRAFT      |
| changes_requested  | 10     | DRAFT      |
| submitted          | 11     | SUBMITTED  |
| approved           | 12     | APPROVED   |
| active             | 1      | ACCEPTED   |
| revoked            | 3      | REVOKED    |
| archived           | 4      | ARCHIVED   |
| expired            | 5      | EXPIRED    |
| rejected           | 13     | REJECTED   |
| cancelled          | 14     | CANCELLED  |
"""

from permits.choices import PermitStatus as S

STATUSES: dict[str, tuple[int, str]] = {
    S.DRAFT: (10, "DRAFT"),
    S.CHANGES_REQUESTED: (10, "DRAFT"),
    S.SUBMITTED: (11, "SUBMITTED"),
    S.APPROVED: (12, "APPROVED"),
    S.ACTIVE: (1, "ACCEPTED"),
    S.REVOKED: (3, "REVOKED"),
    S.ARCHIVED: (4, "ARCHIVED"),
    S.EXPIRED: (5, "EXPIRED"),
    S.REJECTED: (13, "REJECTED"),
    S.CANCELLED: (14, "CANCELLED"),
}
STATUS_NAMES = sorted({name for _, name in STATUSES.values()})
STATUS_NUMBERS = sorted({number for number, _ in STATUSES.values()})


def status_number(status: str) -> int:
    return STATUSES[status][0]


def status_name(status: str) -> str:
    return STATUSES[status][1]
