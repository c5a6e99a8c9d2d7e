"""Checkpoints become a chain of their own, and append-only (ADR 0029).

Each checkpoint gets ``previous`` (the chain hash of the one before it, GENESIS_HASH for the
first) and ``chain_hash``; those already recorded are linked here, in position order, before the
triggers that refuse UPDATE, DELETE and TRUNCATE (SQLite: UPDATE and DELETE) are installed.
"""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from ledger.db_guards import install_checkpoint_guards, remove_checkpoint_guards
from ledger.reading import format_timestamp
from ledger.verify_export import GENESIS_HASH, checkpoint_chain_hash


def link(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    checkpoint_model = apps.get_model("ledger", "Checkpoint")
    previous = GENESIS_HASH
    for checkpoint in checkpoint_model.objects.order_by("position"):
        chain_hash = checkpoint_chain_hash(
            checkpoint.position, checkpoint.hash, format_timestamp(checkpoint.recorded_at), previous
        )
        checkpoint_model.objects.filter(position=checkpoint.position).update(
            previous=previous, chain_hash=chain_hash
        )
        previous = chain_hash


def guard(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # After the constraint: on SQLite adding it rebuilds the table, which drops triggers.
    install_checkpoint_guards(schema_editor.connection)


def unguard(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    remove_checkpoint_guards(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0008_hash_format_2_and_redactor")]

    operations = [
        migrations.AddField(
            model_name="checkpoint",
            name="previous",
            field=models.CharField(db_default="", default="", max_length=64),
        ),
        migrations.AddField(
            model_name="checkpoint",
            name="chain_hash",
            field=models.CharField(db_default="", default="", max_length=64),
        ),
        migrations.RunPython(link, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="checkpoint",
            constraint=models.UniqueConstraint(
                fields=["previous"], name="checkpoint_previous_unique"
            ),
        ),
        migrations.RunPython(guard, unguard),
    ]
