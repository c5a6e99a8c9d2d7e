"""PostgreSQL: drop ``ledger_append_check``; every append now reads the heads under the lock.

The optimistic append it served is gone (docs/adr/0034-api-command-append-protocol.md): no
product path reached it, since every API command runs inside ``idempotent_post``'s transaction.
Reversing this migration creates the function again, as 0006 did.
"""

import importlib

from django.db import migrations

_0006 = importlib.import_module("ledger.migrations.0006_append_check_function")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0012_contradictionview_cue_kind")]

    operations = [migrations.RunPython(_0006.drop, _0006.create)]
