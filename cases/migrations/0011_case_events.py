"""The case event log, append-only like the access log: PostgreSQL refuses UPDATE and DELETE."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


APPEND_ONLY = """
CREATE FUNCTION cases_caseevent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the case event log is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER cases_caseevent_append_only
    BEFORE UPDATE OR DELETE ON cases_caseevent
    FOR EACH ROW EXECUTE FUNCTION cases_caseevent_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS cases_caseevent_append_only ON cases_caseevent;
DROP FUNCTION IF EXISTS cases_caseevent_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_intervention_hemtjanst_from"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("referred", "Referred"),
                            ("consent_recorded", "Consent recorded"),
                            ("consent_renewed", "Consent renewed"),
                            ("consent_withdrawn", "Consent withdrawn"),
                            ("decided", "Decided"),
                            ("decision_changed", "Decision changed"),
                            ("team_assigned", "Team assigned"),
                            ("started", "Started"),
                            ("declined", "Declined"),
                            ("withdrawn", "Withdrawn"),
                            ("readmitted", "Readmitted"),
                            ("handover_sent", "Handover sent"),
                            ("closed", "Closed"),
                            ("meeting_booked", "Follow-up meeting booked"),
                            ("meeting_moved", "Follow-up meeting moved"),
                            ("meeting_held", "Follow-up meeting held"),
                            ("meeting_confirmed", "Follow-up meeting confirmed"),
                            ("receivers_changed", "Receivers changed"),
                            ("message_sent", "Message sent"),
                            ("message_received", "Message received"),
                            ("message_acknowledged", "Message acknowledged"),
                            ("tapering_set", "Tapering to hemtjänst"),
                        ],
                        max_length=30,
                    ),
                ),
                ("from_state", models.CharField(blank=True, max_length=20)),
                ("to_state", models.CharField(blank=True, max_length=20)),
                (
                    "means",
                    models.CharField(
                        choices=[("web", "web"), ("api", "API"), ("task", "background task"), ("system", "system")],
                        default="system",
                        max_length=10,
                    ),
                ),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("payload", models.JSONField(blank=True, default=dict)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="events", to="cases.case"
                    ),
                ),
                (
                    "municipality",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="cases.municipality"
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cases.team",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["case", "at"], name="caseevent_case_at_idx"),
                    models.Index(fields=["team", "kind", "at"], name="caseevent_team_kind_at_idx"),
                    models.Index(fields=["municipality", "kind", "at"], name="caseevent_muni_kind_at_idx"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("from_state", ""), ("to_state", "")),
                            models.Q(("to_state", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="caseevent_state_change_has_target",
                    )
                ],
            },
        ),
        migrations.RunSQL(APPEND_ONLY, REVERSE),
    ]
