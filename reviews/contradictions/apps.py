from django.apps import AppConfig


class ContradictionsConfig(AppConfig):
    """Its own app label so its tables and migrations stay apart from the rest of ``reviews``."""

    name = "reviews.contradictions"
    label = "contradictions"
    verbose_name = "Contradiction detection"
    default_auto_field = "django.db.models.BigAutoField"
