"""The claim list knows whether a claim is in the default (check-worthy) queue (issue 21).

Existing rows get True: before the classifier no claim was labelled not check-worthy, so a
rebuild from the events gives the same value (``ledger.claims.claim_check_worthy``).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0010_source_unique_per_publisher"),
    ]

    operations = [
        migrations.AddField(
            model_name="claimview",
            name="check_worthy",
            field=models.BooleanField(
                db_default=True,
                default=True,
                help_text="In the default review queue: not labelled unworthy by the classifier, "
                "or promoted by an editor.",
            ),
        ),
        migrations.AddIndex(
            model_name="claimview",
            index=models.Index(
                fields=["check_worthy", "last_position"], name="claimview_worthy_position"
            ),
        ),
    ]
