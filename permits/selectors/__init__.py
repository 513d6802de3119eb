from .access import permit_for_user_or_404, permits_visible_to

__all__ = ["permit_for_user_or_404", "permits_visible_to"]
