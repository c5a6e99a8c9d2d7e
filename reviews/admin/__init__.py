"""The review desk in the Django admin, one module per page family.

Django's admin autodiscovery imports ``reviews.admin``; each module registers its own
ModelAdmins: ``claims`` (the review queue, the claim page, bulk actions), ``contradictions``
(contradiction flags), ``organisations`` (organisations, memberships, the four-eyes rule),
``sources`` (the sources page scoped to the viewer) and ``api`` (API keys, webhooks).
"""

from reviews.admin import api, claims, contradictions, organisations, sources  # noqa: F401
