# The hemtjänst directory (Recipient) moves from handover/ down to cases/ (issue 8) without losing a row:
# the four tables are renamed (handover_recipient, its members table and the two history tables), and the
# migration state learns the model under its new app. handover/0002 then points its foreign keys at it and
# forgets its own copy. PostgreSQL keeps the foreign-key constraints and identity sequences across a rename.
# This depends on handover/0001 only because that is where the tables were created.

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

RENAMES = [
    ("handover_recipient", "cases_recipient"),
    ("handover_recipient_members", "cases_recipient_members"),
    ("handover_historicalrecipient", "cases_historicalrecipient"),
    ("handover_historicalrecipient_members", "cases_historicalrecipient_members"),
]

KINDS = [
    ("coordinator_day", "Home-care coordinator (day)"),
    ("coordinator_night", "Home-care coordinator (night)"),
    ("group", "Home-care group"),
    ("night_patrol", "Night patrol"),
    ("safety_alarm", "Safety alarm centre (trygghetslarm)"),
]


def move_content_types(apps, schema_editor):
    """Keep the admin permissions (and anything else keyed on the content type) of the moved models."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("recipient", "historicalrecipient", "historicalrecipient_members"):
        if not ContentType.objects.filter(app_label="cases", model=model).exists():
            ContentType.objects.filter(app_label="handover", model=model).update(app_label="cases")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("recipient", "historicalrecipient", "historicalrecipient_members"):
        if not ContentType.objects.filter(app_label="handover", model=model).exists():
            ContentType.objects.filter(app_label="cases", model=model).update(app_label="handover")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_decision_changes_legal_basis_kind_consent_renewal"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("handover", "0002_swedish_admin_labels"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    [f'ALTER TABLE "{old}" RENAME TO "{new}"' for old, new in RENAMES],
                    reverse_sql=[f'ALTER TABLE "{new}" RENAME TO "{old}"' for old, new in reversed(RENAMES)],
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name="Recipient",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("kind", models.CharField(choices=KINDS, max_length=20, verbose_name="kind")),
                        ("name", models.CharField(max_length=200, verbose_name="name")),
                        (
                            "provider",
                            models.CharField(
                                blank=True, help_text="E.g. the company.", max_length=200, verbose_name="provider"
                            ),
                        ),
                        ("active", models.BooleanField(default=True, verbose_name="in use")),
                        (
                            "members",
                            models.ManyToManyField(
                                blank=True,
                                related_name="recipients",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="members",
                            ),
                        ),
                        (
                            "municipality",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="recipients",
                                to="cases.municipality",
                                verbose_name="municipality",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "recipient",
                        "verbose_name_plural": "recipients",
                        "ordering": ["kind", "name"],
                        "constraints": [
                            models.UniqueConstraint(fields=("municipality", "kind", "name"), name="recipient_unique")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalRecipient",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("kind", models.CharField(choices=KINDS, max_length=20, verbose_name="kind")),
                        ("name", models.CharField(max_length=200, verbose_name="name")),
                        (
                            "provider",
                            models.CharField(
                                blank=True, help_text="E.g. the company.", max_length=200, verbose_name="provider"
                            ),
                        ),
                        ("active", models.BooleanField(default=True, verbose_name="in use")),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "municipality",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="cases.municipality",
                                verbose_name="municipality",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical recipient",
                        "verbose_name_plural": "historical recipients",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="HistoricalRecipient_members",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                        (
                            "history",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                to="cases.historicalrecipient",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                db_tablespace="",
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "recipient",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                db_tablespace="",
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="cases.recipient",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "HistoricalRecipient_members",
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
