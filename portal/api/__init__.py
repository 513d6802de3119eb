"""The JSON API (/api/v1/): Buzz-In's "Work Permit DAMAC integration" shapes, answered by the portal.

A CRM that speaks to Buzz-In can speak to the portal instead; what it sends enters the portal's own
workflow (review, documents, parking) before anything reaches the gate.
"""
