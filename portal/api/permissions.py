from rest_framework.permissions import BasePermission

from portal.core.models import ApiKey


class HasApiKey(BasePermission):
    """Every endpoint needs a live key; what it may reach is then limited to the key's community."""

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiKey)
