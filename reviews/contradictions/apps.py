from django.apps import AppConfig


class ContradictionsConfig(AppConfig):
    """Its own app label so its tables and migrations stay apart from the rest of ``reviews``."""

    name = "reviews.contradictions"
    label = "contradictions"
    verbose_name = "Contradiction detection"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Nudge the contradiction consumer after every commit that records or revises a claim.

        ``ledger`` may not import ``reviews``, so the link is a hook ``ledger.store`` calls.
        """
        from ledger.store import after_commit_register
        from reviews.contradictions import services

        after_commit_register(
            name=services.NUDGE_HOOK_NAME,
            event_types=services.NUDGE_EVENT_TYPES,
            callback=services.contradictions_after_commit,
        )
