"""What the portal asks of OPS-COM: one parking permit per vehicle, pushed, updated, deleted."""

PARKING_PUSH = "parking.push"
PARKING_UPDATE = "parking.update"
PARKING_DELETE = "parking.delete"

LABELS = {
    PARKING_PUSH: "Push parking permit",
    PARKING_UPDATE: "Update parking permit",
    PARKING_DELETE: "Delete parking permit",
}
