"""Sources are unique per publisher and SHA-256, no longer per SHA-256 alone.

The same bytes submitted by two organisations become two sources, so submitting a document
never tells one organisation that another holds it (issue 17.11). Existing rows keep their ids;
they are all distinct per SHA-256, so they satisfy the new constraint.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("ledger", "0009_checkpoint_chain_and_guards")]

    operations = [
        migrations.AlterField(
            model_name="source",
            name="sha256",
            field=models.CharField(max_length=64),
        ),
        migrations.AddConstraint(
            model_name="source",
            constraint=models.UniqueConstraint(
                fields=("sha256", "publisher"), name="source_sha256_publisher_unique"
            ),
        ),
    ]
