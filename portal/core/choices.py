from django.db import models


class StaffRole(models.TextChoices):
    PROPERTY_MANAGER = "property_manager", "Property manager"


class Partner(models.TextChoices):
    BUZZIN = "buzzin", "Buzz-In"
    OPSCOM = "opscom", "OPS-COM"


class Operation(models.TextChoices):
    """What a partner must learn. The integrations layer maps each one to a call."""

    CONTRACTOR_CREATE = "contractor.create", "Create contractor"
    CONTRACTOR_REVOKE = "contractor.revoke", "Revoke contractor"
    PERMIT_CREATE = "permit.create", "Create permit"
    PERMIT_SUBMIT = "permit.submit", "Submit permit"
    PERMIT_UPDATE_VALIDITY = "permit.update_validity", "Update validity"
    PERMIT_REPLACE_NOC = "permit.replace_noc", "Replace NOC"
    PASS_REVOKE = "pass.revoke", "Revoke pass"
    PASS_REISSUE = "pass.reissue", "Reissue pass"
    PARKING_PUSH = "parking.push", "Push parking permit"
    PARKING_UPDATE = "parking.update", "Update parking permit"
    PARKING_DELETE = "parking.delete", "Delete parking permit"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    ABANDONED = "abandoned", "Given up"


OPEN_DELIVERY_STATES = (DeliveryState.PENDING, DeliveryState.SENDING, DeliveryState.FAILED)
