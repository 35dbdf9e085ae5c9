# The outcome measures moved here from cases/ (issue 9) without losing a row. Their tables keep the names
# they were created with in cases/0004 (db_table, and simple-history's table_name for the history), so a
# database that has them keeps them and a fresh one gets them from cases/0004: this migration creates the
# models in the migration state only, and cases/0012 then forgets cases' copy. The constraints keep their
# names (hemgang/constraints.py maps them to messages). The content types move with the models, so the
# admin permissions given on them are kept.

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MODELS = [
    "safetyrating",
    "katzassessment",
    "copmgoal",
    "ibicrating",
    "historicalsafetyrating",
    "historicalkatzassessment",
    "historicalcopmgoal",
    "historicalibicrating",
]


def _move_content_types(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def move_content_types(apps, schema_editor):
    """Keep the admin permissions (and anything else keyed on the content type) of the moved models."""
    _move_content_types(apps, "cases", "measures")


def move_content_types_back(apps, schema_editor):
    _move_content_types(apps, "measures", "cases")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0011_case_events"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalCopmGoal',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('recorded_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('priority', models.PositiveSmallIntegerField(verbose_name='priority')),
                        ('problem', models.CharField(max_length=300, verbose_name='goal')),
                        ('performance_start', models.PositiveSmallIntegerField(verbose_name='performance at start')),
                        ('satisfaction_start', models.PositiveSmallIntegerField(verbose_name='satisfaction at start')),
                        ('performance_end', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='performance at end')),
                        ('satisfaction_end', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='satisfaction at end')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('case', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.case')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical COPM goal',
                        'verbose_name_plural': 'historical COPM goals',
                        'db_table': 'cases_historicalcopmgoal',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalIbicRating',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('recorded_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('area', models.CharField(choices=[('d1', 'd1 Learning and applying knowledge'), ('d2', 'd2 General tasks and demands'), ('d3', 'd3 Communication'), ('d4', 'd4 Mobility'), ('d5', 'd5 Self-care'), ('d6', 'd6 Domestic life'), ('d7', 'd7 Interpersonal interactions and relationships'), ('d8', 'd8 Major life areas'), ('d9', 'd9 Community, social and civic life'), ('security', 'Sense of security')], max_length=10, verbose_name='life area')),
                        ('phase', models.CharField(choices=[('start', 'At start'), ('follow_up', 'At follow-up')], max_length=10, verbose_name='when')),
                        ('level', models.PositiveSmallIntegerField(choices=[(0, '0 No difficulty'), (1, '1 Mild difficulty'), (2, '2 Moderate difficulty'), (3, '3 Severe difficulty'), (4, '4 Complete difficulty'), (8, '8 Not specified'), (9, '9 Not applicable')], verbose_name='rating')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('case', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.case')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical IBIC rating',
                        'verbose_name_plural': 'historical IBIC ratings',
                        'db_table': 'cases_historicalibicrating',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalKatzAssessment',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('recorded_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('phase', models.CharField(choices=[('start', 'At start'), ('end', 'At end')], max_length=10, verbose_name='when')),
                        ('bathing', models.BooleanField(verbose_name='bathing')),
                        ('dressing', models.BooleanField(verbose_name='dressing')),
                        ('toileting', models.BooleanField(verbose_name='toileting')),
                        ('transfer', models.BooleanField(verbose_name='transfer')),
                        ('continence', models.BooleanField(verbose_name='continence')),
                        ('feeding', models.BooleanField(verbose_name='feeding')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('case', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.case')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical Katz ADL assessment',
                        'verbose_name_plural': 'historical Katz ADL assessments',
                        'db_table': 'cases_historicalkatzassessment',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalSafetyRating',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('recorded_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('phase', models.CharField(choices=[('start', 'At start'), ('end', 'At end')], max_length=10, verbose_name='when')),
                        ('score', models.PositiveSmallIntegerField(verbose_name='experienced safety')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('case', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.case')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical experienced safety',
                        'verbose_name_plural': 'historical experienced safety',
                        'db_table': 'cases_historicalsafetyrating',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='CopmGoal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('recorded_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('priority', models.PositiveSmallIntegerField(verbose_name='priority')),
                        ('problem', models.CharField(max_length=300, verbose_name='goal')),
                        ('performance_start', models.PositiveSmallIntegerField(verbose_name='performance at start')),
                        ('satisfaction_start', models.PositiveSmallIntegerField(verbose_name='satisfaction at start')),
                        ('performance_end', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='performance at end')),
                        ('satisfaction_end', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='satisfaction at end')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='copm_goals', to='cases.case')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'COPM goal',
                        'verbose_name_plural': 'COPM goals',
                        'db_table': 'cases_copmgoal',
                        'ordering': ['priority'],
                        'constraints': [models.UniqueConstraint(fields=('case', 'priority'), name='copm_priority_unique_per_case'), models.CheckConstraint(condition=models.Q(('priority__gte', 1), ('priority__lte', 5)), name='copm_priority_range'), models.CheckConstraint(condition=models.Q(('performance_start__gte', 1), ('performance_start__lte', 10), ('satisfaction_start__gte', 1), ('satisfaction_start__lte', 10)), name='copm_start_range'), models.CheckConstraint(condition=models.Q(models.Q(('performance_end__isnull', True), ('satisfaction_end__isnull', True)), models.Q(('performance_end__isnull', False), ('satisfaction_end__isnull', False), ('performance_end__gte', 1), ('performance_end__lte', 10), ('satisfaction_end__gte', 1), ('satisfaction_end__lte', 10)), _connector='OR'), name='copm_end_range_and_complete')],
                    },
                ),
                migrations.CreateModel(
                    name='IbicRating',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('recorded_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('area', models.CharField(choices=[('d1', 'd1 Learning and applying knowledge'), ('d2', 'd2 General tasks and demands'), ('d3', 'd3 Communication'), ('d4', 'd4 Mobility'), ('d5', 'd5 Self-care'), ('d6', 'd6 Domestic life'), ('d7', 'd7 Interpersonal interactions and relationships'), ('d8', 'd8 Major life areas'), ('d9', 'd9 Community, social and civic life'), ('security', 'Sense of security')], max_length=10, verbose_name='life area')),
                        ('phase', models.CharField(choices=[('start', 'At start'), ('follow_up', 'At follow-up')], max_length=10, verbose_name='when')),
                        ('level', models.PositiveSmallIntegerField(choices=[(0, '0 No difficulty'), (1, '1 Mild difficulty'), (2, '2 Moderate difficulty'), (3, '3 Severe difficulty'), (4, '4 Complete difficulty'), (8, '8 Not specified'), (9, '9 Not applicable')], verbose_name='rating')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ibic_ratings', to='cases.case')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'IBIC rating',
                        'verbose_name_plural': 'IBIC ratings',
                        'db_table': 'cases_ibicrating',
                        'constraints': [models.UniqueConstraint(fields=('case', 'area', 'phase'), name='ibic_one_per_case_area_phase'), models.CheckConstraint(condition=models.Q(('phase__in', ['start', 'follow_up'])), name='ibic_phase_known'), models.CheckConstraint(condition=models.Q(('area__in', ['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7', 'd8', 'd9', 'security'])), name='ibic_area_known'), models.CheckConstraint(condition=models.Q(('level__in', [0, 1, 2, 3, 4, 8, 9])), name='ibic_level_range')],
                    },
                ),
                migrations.CreateModel(
                    name='KatzAssessment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('recorded_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('phase', models.CharField(choices=[('start', 'At start'), ('end', 'At end')], max_length=10, verbose_name='when')),
                        ('bathing', models.BooleanField(verbose_name='bathing')),
                        ('dressing', models.BooleanField(verbose_name='dressing')),
                        ('toileting', models.BooleanField(verbose_name='toileting')),
                        ('transfer', models.BooleanField(verbose_name='transfer')),
                        ('continence', models.BooleanField(verbose_name='continence')),
                        ('feeding', models.BooleanField(verbose_name='feeding')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='katz_assessments', to='cases.case')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'Katz ADL assessment',
                        'verbose_name_plural': 'Katz ADL assessments',
                        'db_table': 'cases_katzassessment',
                        'constraints': [models.UniqueConstraint(fields=('case', 'phase'), name='katz_one_per_case_phase'), models.CheckConstraint(condition=models.Q(('phase__in', ['start', 'end'])), name='katz_phase_known')],
                    },
                ),
                migrations.CreateModel(
                    name='SafetyRating',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('recorded_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('phase', models.CharField(choices=[('start', 'At start'), ('end', 'At end')], max_length=10, verbose_name='when')),
                        ('score', models.PositiveSmallIntegerField(verbose_name='experienced safety')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='safety_ratings', to='cases.case')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'experienced safety',
                        'verbose_name_plural': 'experienced safety',
                        'db_table': 'cases_safetyrating',
                        'constraints': [models.UniqueConstraint(fields=('case', 'phase'), name='safety_one_per_case_phase'), models.CheckConstraint(condition=models.Q(('phase__in', ['start', 'end'])), name='safety_phase_known'), models.CheckConstraint(condition=models.Q(('score__gte', 0), ('score__lte', 10)), name='safety_score_range')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
