"""Writes to contractor companies, their users, documents and community memberships."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.actors import Actor
from portal.core.contact import country_of, normalize_email
from portal.core.events import domain_service, event_record
from portal.core.models import Community
from portal.core.storage import StoredFile
from portal.core.uploads import upload_stored_first
from portal.core.validation import on_field

from .attention import ATTENTION_FIELDS, attention_cleared, attention_raised
from .choices import AttentionParty, DocumentKind, MembershipStatus
from .models import Contractor, ContractorDocument, ContractorMembership, ContractorUser
from .selectors import phone_taken_in
from .validators import normalize_contractor_contact, phone_taken_message


@domain_service
def contractor_create(
    *,
    actor: Actor,
    company_name: str,
    contact_name: str,
    email: str,
    phone: str,
    communities: list[Community] = (),
    trade_licence_number: str = "",
    trade_licence_expiry: datetime.date | None = None,
    insurance_expiry: datetime.date | None = None,
    crm_reference: str | None = None,
) -> Contractor:
    """Register a company (by itself, an admin or a CRM); it is pending in each community."""
    contact = normalize_contractor_contact(email=email, phone=phone, region=country_of(communities))
    if Contractor.objects.filter(email__iexact=contact["email"]).exists():
        raise ValidationError({"email": _("A company with this e-mail address is already registered.")})
    taken_in = phone_taken_in(contact["phone"], communities)
    if taken_in:
        raise ValidationError({"phone": phone_taken_message(taken_in)})
    contractor = Contractor.objects.create(
        company_name=company_name.strip(),
        contact_name=contact_name.strip(),
        email=contact["email"],
        phone=contact["phone"],
        trade_licence_number=trade_licence_number,
        trade_licence_expiry=trade_licence_expiry,
        insurance_expiry=insurance_expiry,
        crm_reference=crm_reference,
    )
    event_record(actor=actor, target=contractor, action="contractors.contractor.created", community=None)
    for community in communities:
        membership_request(actor=actor, contractor=contractor, community=community)
    return contractor


@domain_service
def contractor_user_create(*, actor: Actor, contractor: Contractor, email: str, password: str | None) -> ContractorUser:
    """A sign-in for the company. Without a password the user sets one through the reset e-mail."""
    User = get_user_model()
    with on_field("email"):
        email = normalize_email(email)
    if User.objects.filter(username__iexact=email).exists():
        raise ValidationError({"email": _("This e-mail address already has an account.")})
    user = User(username=email, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    profile = ContractorUser.objects.create(user=user, contractor=contractor)
    event_record(
        actor=actor, target=contractor, action="contractors.user.created", community=None, data={"user": email}
    )
    return profile


@domain_service
def contractor_register(*, company: dict, email: str, password: str) -> ContractorUser:
    """A company registers itself: the company (pending in its communities) and its first user, or neither."""
    actor = Actor(label=f"self-registration: {email.strip().lower()}")
    try:
        contractor = contractor_create(actor=actor, **company)
    except ValidationError as error:
        # The company's e-mail is called company_email where the user's own e-mail is also asked.
        if hasattr(error, "error_dict") and "email" in error.error_dict:
            raise ValidationError({"company_email": error.error_dict["email"]}) from None
        raise
    return contractor_user_create(actor=actor, contractor=contractor, email=email, password=password)


@domain_service
def membership_request(*, actor: Actor, contractor: Contractor, community: Community) -> ContractorMembership:
    if not ContractorMembership.objects.filter(contractor=contractor, community=community).exists():
        taken_in = phone_taken_in(contractor.phone, [community], exclude_pk=contractor.pk)
        if taken_in:
            raise ValidationError({"phone": phone_taken_message(taken_in)})
    membership, created = ContractorMembership.objects.get_or_create(contractor=contractor, community=community)
    if created:
        event_record(
            actor=actor,
            target=membership,
            action="contractors.membership.requested",
            community=community,
            to_status=membership.status,
        )
    return membership


@domain_service
def contractor_approve(*, actor: Actor, membership: ContractorMembership) -> ContractorMembership:
    """Approve a contractor in one community (the partners follow ``contractors.membership.approved``)."""
    membership = _membership_locked(membership, "contractor", "community")
    if membership.status == MembershipStatus.APPROVED:
        raise ValidationError(
            _("%(company)s is already approved in %(community)s.")
            % {"company": membership.contractor, "community": membership.community}
        )
    from_status = membership.status
    membership.status = MembershipStatus.APPROVED
    membership.status_changed_at = timezone.now()
    membership.status_reason = ""
    membership.save()
    event_record(
        actor=actor,
        target=membership,
        action="contractors.membership.approved",
        community=membership.community,
        from_status=from_status,
        to_status=membership.status,
    )
    return membership


def membership_set_revoked(*, actor: Actor, membership: ContractorMembership, reason: str) -> ContractorMembership:
    """The membership half of ``permits.services.contractor_revoke``, which also archives permits."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for revoking the contractor."), code="reason_required")
    membership = _membership_locked(membership, "contractor", "community")
    if membership.status == MembershipStatus.REVOKED:
        raise ValidationError(
            _("%(company)s is already revoked in %(community)s.")
            % {"company": membership.contractor, "community": membership.community}
        )
    from_status = membership.status
    membership.status = MembershipStatus.REVOKED
    membership.status_changed_at = timezone.now()
    membership.status_reason = reason
    membership.save()
    event_record(
        actor=actor,
        target=membership,
        action="contractors.membership.revoked",
        community=membership.community,
        from_status=from_status,
        to_status=membership.status,
        reason=reason,
    )
    return membership


def contractor_document_upload(
    *,
    actor: Actor,
    contractor: Contractor,
    kind: DocumentKind,
    file=None,
    expiry_date: datetime.date,
    number: str = "",
    document: StoredFile | None = None,
) -> ContractorDocument:
    """A new version of the trade licence or insurance; the earlier versions stay.

    The upload (``file``) is checked and written before the transaction; ``document`` is one already written.
    """
    if file is None:
        return _document_record(
            actor=actor, contractor=contractor, kind=kind, document=document, expiry_date=expiry_date, number=number
        )
    with upload_stored_first(file, folder=f"contractors/{contractor.pk}/{kind}", fallback_name=kind) as stored:
        return _document_record(
            actor=actor, contractor=contractor, kind=kind, document=stored, expiry_date=expiry_date, number=number
        )


@domain_service
def _document_record(
    *,
    actor: Actor,
    contractor: Contractor,
    kind: DocumentKind,
    document: StoredFile,
    expiry_date: datetime.date,
    number: str,
) -> ContractorDocument:
    contractor = Contractor.objects.select_for_update().get(pk=contractor.pk)
    row = ContractorDocument(
        contractor=contractor,
        kind=kind,
        original_name=document.original_name,
        content_type=document.content_type,
        size=document.size,
        number=number.strip(),
        expiry_date=expiry_date,
        uploaded_by=actor.user,
    )
    row.file.name = document.attach()
    row.save()
    if kind == DocumentKind.TRADE_LICENCE:
        contractor.trade_licence_expiry = expiry_date
        contractor.trade_licence_number = number.strip() or contractor.trade_licence_number
    else:
        contractor.insurance_expiry = expiry_date
    contractor.save()
    event_record(
        actor=actor,
        target=contractor,
        action=f"contractors.{kind}.uploaded",
        community=None,
        data={"document": row.pk, "expiry_date": expiry_date.isoformat()},
    )
    return row


CONTACT_FIELDS = ("contact_name", "email", "phone")


@domain_service
def contractor_contact_update(
    *, actor: Actor, contractor: Contractor, contact_name: str, email: str, phone: str
) -> Contractor:
    """The company's contact details, corrected by its own users or a manager of one of its communities.

    Its ``contractors.contractor.contact_updated`` event is what sends again whatever a partner refused
    for the old details (the partners' subscribers follow it).
    """
    contractor = Contractor.objects.select_for_update().get(pk=contractor.pk)
    communities = [membership.community for membership in contractor.memberships.select_related("community")]
    contact = normalize_contractor_contact(email=email, phone=phone, region=country_of(communities))
    contact["contact_name"] = (contact_name or "").strip()
    if not contact["contact_name"]:
        raise ValidationError({"contact_name": "Give the name of the company's representative."})
    if Contractor.objects.filter(email__iexact=contact["email"]).exclude(pk=contractor.pk).exists():
        raise ValidationError({"email": "A company with this e-mail address is already registered."})
    taken_in = phone_taken_in(contact["phone"], communities, exclude_pk=contractor.pk)
    if taken_in:
        raise ValidationError({"phone": phone_taken_message(taken_in)})
    changes = {
        name: [getattr(contractor, name), contact[name]]
        for name in CONTACT_FIELDS
        if getattr(contractor, name) != contact[name]
    }
    needs_attention = contractor.memberships.filter(attention_since__isnull=False).exists()
    if not changes and not needs_attention:
        return contractor
    for name in CONTACT_FIELDS:
        setattr(contractor, name, contact[name])
    contractor.save(update_fields=list(CONTACT_FIELDS))
    event_record(
        actor=actor,
        target=contractor,
        action="contractors.contractor.contact_updated",
        community=None,
        data={"changes": changes},
    )
    return contractor


@domain_service
def membership_attention_raise(
    *,
    actor: Actor,
    membership: ContractorMembership,
    reason: str,
    by: str = AttentionParty.COMPANY,
    params: dict | None = None,
) -> ContractorMembership:
    """Something elsewhere refused the company in this community for a reason a person can fix (``params``:
    see ``permit_attention_raise``)."""
    membership = _membership_locked(membership, "community")
    if not attention_raised(membership, reason, by, params):
        return membership
    membership.save(update_fields=ATTENTION_FIELDS)
    event_record(
        actor=actor,
        target=membership,
        action="contractors.membership.needs_attention",
        community=membership.community,
        reason=membership.attention_note,
        data={"by": by, **({"reason_i18n": membership.attention_reason} if membership.attention_reason else {})},
    )
    return membership


@domain_service
def membership_attention_clear(*, actor: Actor, membership: ContractorMembership, note: str = "") -> bool:
    """The refusal is dealt with (sent again, or accepted); returns whether there was one."""
    membership = _membership_locked(membership, "community")
    if not attention_cleared(membership):
        return False
    membership.save(update_fields=ATTENTION_FIELDS)
    event_record(
        actor=actor,
        target=membership,
        action="contractors.membership.attention_cleared",
        community=membership.community,
        reason=note,
    )
    return True


def _membership_locked(membership: ContractorMembership, *related: str) -> ContractorMembership:
    """The membership row locked, its company and community only read: a status change in one community must
    not wait on (or hold) the community row every permit of that community references."""
    rows = ContractorMembership.objects.select_for_update(of=("self",), no_key=True)
    return rows.select_related(*related).get(pk=membership.pk)
