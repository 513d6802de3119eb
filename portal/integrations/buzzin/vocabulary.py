"""Buzz-In's words for portal concepts, shared by the payloads the portal sends and the API that answers
in Buzz-In's shapes."""

from permits.choices import PermitType

# DECISION: Buzz-In names permit types in camelCase (its webhook sample says "buildUp").
PERMIT_TYPE_NAMES = {
    PermitType.FIT_OUT: "fitOut",
    PermitType.MAINTENANCE: "maintenance",
    PermitType.MOVE_IN: "moveIn",
    PermitType.MOVE_OUT: "moveOut",
    PermitType.BUILD_UP: "buildUp",
    PermitType.OTHER: "other",
}
PERMIT_TYPES_BY_NAME = {name: permit_type for permit_type, name in PERMIT_TYPE_NAMES.items()}
