from django.apps import AppConfig


class MatchingConfig(AppConfig):
    """Its own app label so its tables and migrations stay apart from the rest of ``reviews``."""

    name = "reviews.matching"
    label = "matching"
    verbose_name = "Claim matching"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Nudge the matching consumer after every commit that records a claim (one hook, as
        the contradiction consumer's; ``ledger`` may not import ``reviews``)."""
        from ledger.store import after_commit_register
        from reviews.matching import services, tasks

        after_commit_register(
            name=services.NUDGE_HOOK_NAME,
            event_types=services.NUDGE_EVENT_TYPES,
            callback=tasks.matching_after_commit,
        )
