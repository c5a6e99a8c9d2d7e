"""The contradiction list knows which detector raised each flag (issue 16).

Existing rows get "": flags recorded before ContradictionFlagged schema 2 did not say which
detectors fired, so a rebuild from the events gives the same value (the upcast reads none).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0011_claimview_check_worthy"),
    ]

    operations = [
        migrations.AddField(
            model_name="contradictionview",
            name="cue_kind",
            field=models.CharField(blank=True, default="", max_length=40),
        ),
    ]
