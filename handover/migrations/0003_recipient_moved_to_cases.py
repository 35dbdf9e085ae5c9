# The directory moved to cases/ (cases/0005 renamed its tables): point the foreign keys at cases.Recipient and
# forget handover's copy. State only: the columns and their constraints already reference the renamed table.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_recipient_moves_from_handover"),
        ("handover", "0002_swedish_admin_labels"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="historicalrecipient_members",
                    name="history",
                ),
                migrations.RemoveField(
                    model_name="historicalrecipient_members",
                    name="recipient",
                ),
                migrations.RemoveField(
                    model_name="historicalrecipient_members",
                    name="user",
                ),
                migrations.RemoveField(
                    model_name="recipient",
                    name="members",
                ),
                migrations.RemoveField(
                    model_name="recipient",
                    name="municipality",
                ),
                migrations.AlterField(
                    model_name="historicalcaserecipient",
                    name="recipient",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="cases.recipient",
                    ),
                ),
                migrations.AlterField(
                    model_name="delivery",
                    name="recipient",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="deliveries",
                        to="cases.recipient",
                    ),
                ),
                migrations.AlterField(
                    model_name="message",
                    name="sender_recipient",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="sent_messages",
                        to="cases.recipient",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicaldelivery",
                    name="recipient",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="cases.recipient",
                    ),
                ),
                migrations.AlterField(
                    model_name="caserecipient",
                    name="recipient",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="case_links", to="cases.recipient"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalmessage",
                    name="sender_recipient",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="cases.recipient",
                    ),
                ),
                migrations.DeleteModel(
                    name="HistoricalRecipient",
                ),
                migrations.DeleteModel(
                    name="HistoricalRecipient_members",
                ),
                migrations.DeleteModel(
                    name="Recipient",
                ),
            ],
        ),
    ]
