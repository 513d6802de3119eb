"""``PATCH /passes/{id}`` bodies."""

from rest_framework import serializers

from .common import Text


class PassActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=["submit", "revoke", "reissuePass"],
        help_text="submit: into the portal's review; revoke: the pass (or the unapproved permit) stops at once; "
        "reissuePass: a new access code for an ACCEPTED permit.",
    )
    reason = Text(max_length=1000, required=False, allow_blank=True)
