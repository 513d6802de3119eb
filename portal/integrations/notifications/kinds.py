"""Who hears what: every kind of notification, the events that raise it, and who receives it.

| kind                | raised by                                           | audience            | opens       |
|---------------------|-----------------------------------------------------|---------------------|-------------|
| permit_approved     | permits.permit.approved                             | company             | the pass    |
| pass_issued         | permits.permit.activated, permits.pass.reissued     | company             | the pass    |
| changes_requested   | permits.permit.changes_requested (note)             | company             | the permit  |
| permit_rejected     | permits.permit.rejected (reason)                    | company             | the permit  |
| permit_revoked      | permits.permit.revoked (reason)                     | company             | the permit  |
| extension_decided   | permits.permit.extended                             | company             | the permit  |
| partner_refused     | permits.permit / contractors.membership .needs_attention | company        | permit/company |
| extension_declined  | permits.permit.extension_declined (reason)          | company             | the permit  |
| company_approved    | contractors.membership.approved                     | company             | company     |
| company_revoked     | contractors.membership.revoked (reason)             | company             | company     |
| noc_expiring        | the daily reminders (``reminders``)                 | company             | the permit  |
| permit_ending       | the daily reminders; Buzz-In's "expiring" webhook   | company, managers   | the permit  |
| document_expiring   | the daily reminders                                 | company, managers   | company     |
| permit_submitted    | permits.permit.submitted (daily digest possible)    | managers            | the permit  |
| extension_requested | permits.permit.extension_requested                  | managers            | the permit  |
| company_waiting     | contractors.membership.requested                    | managers            | membership  |
| push_attention      | the same "needs attention" events                   | managers            | permit/membership |
| approval_deadline   | permits.permit.decision_due_soon (deadline job)     | managers            | the permit  |
| approval_overdue    | permits.permit.decision_overdue (deadline job)      | leads               | the permit  |
| partner_fault       | failed deliveries with a configuration error        | operators           | deliveries  |

"Company" is every active user of the permit's or membership's contractor; "managers" every active
property manager of its community; "leads" every active manager marked team lead
(``StaffMembership.is_lead``) of its community; "operators" superusers and the "operator" group. Nobody is told
of what they did themselves. A kind ``waiting_for`` an issue has no event yet (TODO above): it is
neither raised nor offered on the preferences page until that issue adds its event here.

Texts are translatable: the headline (e-mail subject and in-app line) is here, the body is the
template ``notifications/messages/<kind>.txt``; both are rendered when shown or sent, from the
notification's kind and data, in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

CONTRACTOR = "contractor"
MANAGER = "manager"
LEAD = "lead"
OPERATOR = "operator"

# What a notification opens (``links.link_for``): a contractor page, or the admin page for staff.
PERMIT = "permit"
PASS = "pass"
COMPANY = "company"
MEMBERSHIP = "membership"
DELIVERIES = "deliveries"
ATTENTION = "attention"  # the permit when the event is about one, else the company's standing

ATTENTION_EVENTS = ("permits.permit.needs_attention", "contractors.membership.needs_attention")


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str  # on the preferences page
    audiences: tuple[str, ...]
    headline: str  # %(name)s placeholders filled from the notification's data (``messages.display``)
    link: str
    events: tuple[str, ...] = ()
    digest: bool = False  # may be gathered into a daily digest instead of one mail each
    variants: dict[str, str] = field(default_factory=dict)  # data["variant"] → another headline
    action: str = _("Open in the permit portal")  # the e-mail's button
    waiting_for: str = ""  # the issue whose event will raise it: until then nobody is offered it


KINDS: tuple[Kind, ...] = (
    Kind(
        "permit_approved",
        _("Permit approved"),
        (CONTRACTOR,),
        _("Work permit %(reference)s is approved"),
        PASS,
        events=("permits.permit.approved",),
        action=_("Open the pass"),
    ),
    Kind(
        "pass_issued",
        _("Pass issued"),
        (CONTRACTOR,),
        _("The pass of work permit %(reference)s is ready"),
        PASS,
        events=("permits.permit.activated", "permits.pass.reissued"),
        action=_("Open the pass"),
    ),
    Kind(
        "changes_requested",
        _("Changes requested"),
        (CONTRACTOR,),
        _("Work permit %(reference)s needs changes"),
        PERMIT,
        events=("permits.permit.changes_requested",),
        action=_("Open the permit"),
    ),
    Kind(
        "permit_rejected",
        _("Permit rejected"),
        (CONTRACTOR,),
        _("Work permit %(reference)s was rejected"),
        PERMIT,
        events=("permits.permit.rejected",),
        action=_("Open the permit"),
    ),
    Kind(
        "permit_revoked",
        _("Pass revoked"),
        (CONTRACTOR,),
        _("The pass of work permit %(reference)s was revoked"),
        PERMIT,
        events=("permits.permit.revoked",),
        action=_("Open the permit"),
    ),
    Kind(
        "extension_decided",
        _("Validity changed (extension decided)"),
        (CONTRACTOR,),
        _("Work permit %(reference)s now runs until %(valid_till)s"),
        PERMIT,
        events=("permits.permit.extended",),
        action=_("Open the permit"),
    ),
    Kind(
        "partner_refused",
        _("Gate or parking system refused a permit"),
        (CONTRACTOR,),
        _("Work permit %(reference)s needs your attention"),
        ATTENTION,
        events=ATTENTION_EVENTS,
        variants={"company": _("%(company)s needs your attention in %(community_name)s")},
        action=_("Open the page to correct it"),
    ),
    Kind(
        "extension_declined",
        _("Extension declined"),
        (CONTRACTOR,),
        _("The extension of work permit %(reference)s was declined"),
        PERMIT,
        events=("permits.permit.extension_declined",),
        action=_("Open the permit"),
    ),
    Kind(
        "company_approved",
        _("Company approved in a community"),
        (CONTRACTOR,),
        _("%(company)s is approved in %(community_name)s"),
        MEMBERSHIP,
        events=("contractors.membership.approved",),
        action=_("Open the company page"),
    ),
    Kind(
        "company_revoked",
        _("Company revoked in a community"),
        (CONTRACTOR,),
        _("%(company)s was revoked in %(community_name)s"),
        MEMBERSHIP,
        events=("contractors.membership.revoked",),
        action=_("Open the company page"),
    ),
    Kind(
        "noc_expiring",
        _("NOC expiring"),
        (CONTRACTOR,),
        _("The NOC of work permit %(reference)s expires on %(expiry)s"),
        PERMIT,
        action=_("Upload the renewed NOC"),
    ),
    Kind(
        "permit_ending",
        _("Permit ending"),
        (CONTRACTOR, MANAGER),
        _("Work permit %(reference)s ends on %(ends)s"),
        PERMIT,
        variants={
            "7d": _("Work permit %(reference)s ends within 7 days: %(ends)s"),
            "1d": _("Work permit %(reference)s ends within 24 hours: %(ends)s"),
        },
        action=_("Open the permit"),
    ),
    Kind(
        "document_expiring",
        _("Trade licence or insurance expiring"),
        (CONTRACTOR, MANAGER),
        _("%(company)s: %(document)s expires on %(expiry)s"),
        COMPANY,
        variants={"expired": _("%(company)s: %(document)s expired on %(expiry)s")},
        action=_("Open the company page"),
    ),
    Kind(
        "permit_submitted",
        _("Permit submitted for approval"),
        (MANAGER,),
        _("Work permit %(reference)s of %(company)s waits for approval"),
        PERMIT,
        events=("permits.permit.submitted",),
        digest=True,
        action=_("Review the permit"),
    ),
    Kind(
        "extension_requested",
        _("Extension requested"),
        (MANAGER,),
        _("%(company)s asks to extend work permit %(reference)s to %(requested_till)s"),
        PERMIT,
        events=("permits.permit.extension_requested",),
        action=_("Review the permit"),
    ),
    Kind(
        "company_waiting",
        _("Company registered and waiting"),
        (MANAGER,),
        _("%(company)s asks to work in %(community_name)s"),
        MEMBERSHIP,
        events=("contractors.membership.requested",),
        action=_("Review the company"),
    ),
    Kind(
        "push_attention",
        _("Partner push needing attention"),
        (MANAGER,),
        _("Work permit %(reference)s needs attention"),
        ATTENTION,
        events=ATTENTION_EVENTS,
        variants={"company": _("%(company)s needs attention in %(community_name)s")},
        action=_("Open the page to correct it"),
    ),
    Kind(
        "approval_deadline",
        _("Decision deadline close"),
        (MANAGER,),
        _("Work permit %(reference)s must be decided by %(deadline)s"),
        PERMIT,
        events=("permits.permit.decision_due_soon",),
        variants={"extension": _("The extension of work permit %(reference)s must be decided by %(deadline)s")},
        action=_("Review the permit"),
    ),
    Kind(
        "approval_overdue",
        _("Decision overdue (team leads)"),
        (LEAD,),
        _("Overdue: work permit %(reference)s was due for a decision by %(deadline)s"),
        PERMIT,
        events=("permits.permit.decision_overdue",),
        variants={
            "extension": _("Overdue: the extension of work permit %(reference)s was due for a decision by %(deadline)s")
        },
        action=_("Review the permit"),
    ),
    Kind(
        "partner_fault",
        _("Partner configuration fault"),
        (OPERATOR,),
        _("%(partner)s refuses the configuration of %(community_name)s"),
        DELIVERIES,
        action=_("Open the failed deliveries"),
    ),
)

BY_SLUG: dict[str, Kind] = {kind.slug: kind for kind in KINDS}
BY_EVENT: dict[str, list[Kind]] = {}
for _kind in KINDS:
    for _event in _kind.events:
        BY_EVENT.setdefault(_event, []).append(_kind)


def kind_named(slug: str) -> Kind:
    return BY_SLUG[slug]


def kinds_for(audiences: set[str]) -> list[Kind]:
    """The kinds a person with these audiences may receive, in the table's order (not those still waiting)."""
    return [kind for kind in KINDS if audiences.intersection(kind.audiences) and not kind.waiting_for]
