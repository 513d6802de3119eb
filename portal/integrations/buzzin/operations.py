"""What the portal asks of Buzz-In: one operation per outbox row."""

CONTRACTOR_CREATE = "contractor.create"
CONTRACTOR_REVOKE = "contractor.revoke"
PERMIT_CREATE = "permit.create"
PERMIT_SUBMIT = "permit.submit"
PERMIT_UPDATE_VALIDITY = "permit.update_validity"
PERMIT_REPLACE_NOC = "permit.replace_noc"
PERMIT_UPDATE_PEOPLE = "permit.update_people"
PASS_REVOKE = "pass.revoke"
PASS_REISSUE = "pass.reissue"

LABELS = {
    CONTRACTOR_CREATE: "Add contractor to community",
    CONTRACTOR_REVOKE: "Revoke contractor",
    PERMIT_CREATE: "Create permit",
    PERMIT_SUBMIT: "Submit permit",
    PERMIT_UPDATE_VALIDITY: "Update validity",
    PERMIT_REPLACE_NOC: "Replace NOC",
    PERMIT_UPDATE_PEOPLE: "Update workers",
    PASS_REVOKE: "Revoke pass",
    PASS_REISSUE: "Reissue pass",
}
