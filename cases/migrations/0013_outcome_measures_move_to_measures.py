# The outcome measures move to their own app, measures/ (issue 9), without losing a row: their tables keep
# their names (measures/0001 creates the models in the migration state on the same tables), so this only
# forgets cases' copy of the models. State only: nothing in the database changes, the constraints and
# indexes keep their names, and the history tables come along as they are.

from django.db import migrations

MOVED = [
    "SafetyRating",
    "KatzAssessment",
    "CopmGoal",
    "IbicRating",
    "HistoricalSafetyRating",
    "HistoricalKatzAssessment",
    "HistoricalCopmGoal",
    "HistoricalIbicRating",
]


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_backfill_case_events"),
        ("measures", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name=name) for name in MOVED],
        ),
    ]
