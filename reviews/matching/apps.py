from django.apps import AppConfig


class MatchingConfig(AppConfig):
    """Its own app label so its tables and migrations stay apart from the rest of ``reviews``."""

    name = "reviews.matching"
    label = "matching"
    verbose_name = "Claim matching"
    default_auto_field = "django.db.models.BigAutoField"
