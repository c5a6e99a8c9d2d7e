from django.apps import AppConfig
from django.db.backends.signals import connection_created


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = "Ledger"

    def ready(self) -> None:
        from ledger.sql import use_compiled_timestamptz_loader

        connection_created.connect(use_compiled_timestamptz_loader)
