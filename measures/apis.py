"""The outcome measures of a case over the API: the same selector and rules as the pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import access
from cases.models import Case
from hemgang.api_docs import errors

from . import selectors
from .rules import KatzGrade


class RecordedSerializer(serializers.Serializer):
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.CharField(source="recorded_by.display_name")


class SafetySerializer(RecordedSerializer):
    score = serializers.IntegerField(help_text="Experienced safety, 0 (not at all safe) to 10 (completely safe).")


class KatzSerializer(RecordedSerializer):
    grade = serializers.ChoiceField(
        choices=KatzGrade.choices, help_text="Computed from the six activities; never typed."
    )
    independent_count = serializers.IntegerField()
    # Each activity: True independent, False dependent.
    bathing = serializers.BooleanField()
    dressing = serializers.BooleanField()
    toileting = serializers.BooleanField()
    transfer = serializers.BooleanField()
    continence = serializers.BooleanField()
    feeding = serializers.BooleanField()


class SafetyStartEndSerializer(serializers.Serializer):
    start = SafetySerializer(allow_null=True)
    end = SafetySerializer(allow_null=True)
    change = serializers.IntegerField(allow_null=True, help_text="End minus start; higher is safer.")


class KatzStartEndSerializer(serializers.Serializer):
    start = KatzSerializer(allow_null=True)
    end = KatzSerializer(allow_null=True)
    change = serializers.IntegerField(allow_null=True, help_text="Change in the number of independent activities.")


class CopmGoalSerializer(RecordedSerializer):
    id = serializers.IntegerField()
    priority = serializers.IntegerField()
    problem = serializers.CharField()
    performance_start = serializers.IntegerField()
    satisfaction_start = serializers.IntegerField()
    performance_end = serializers.IntegerField(allow_null=True)
    satisfaction_end = serializers.IntegerField(allow_null=True)
    performance_change = serializers.IntegerField(allow_null=True)
    satisfaction_change = serializers.IntegerField(allow_null=True)


def _score():
    return serializers.DecimalField(max_digits=3, decimal_places=1, coerce_to_string=False, allow_null=True)


class CopmScoreSerializer(serializers.Serializer):
    start = _score()
    end = _score()
    change = _score()
    significant = serializers.BooleanField(help_text="A change of two points or more (COPM).")


class CopmSerializer(serializers.Serializer):
    goals = CopmGoalSerializer(many=True, source="copm_goals")
    performance = CopmScoreSerializer(source="copm_performance")
    satisfaction = CopmScoreSerializer(source="copm_satisfaction")


class IbicRowSerializer(serializers.Serializer):
    area = serializers.CharField(help_text="ICF chapter d1–d9, or 'security' (känsla av trygghet).")
    label = serializers.CharField()
    start = serializers.IntegerField(source="compared.start.level", allow_null=True)
    follow_up = serializers.IntegerField(source="compared.end.level", allow_null=True)
    change = serializers.IntegerField(
        source="compared.change", allow_null=True, help_text="Only when both are 0–4; lower is better."
    )


class MeasuresSerializer(serializers.Serializer):
    safety = SafetyStartEndSerializer()
    katz = KatzStartEndSerializer()
    copm = CopmSerializer(source="*")
    ibic = IbicRowSerializer(many=True)


class MeasuresView(APIView):
    scope = None  # the team's own API: signed in, never by a token
    rule = "measures.view_measures"
    rule_on_object = True
    permission_classes = [access.RulePermission]

    @extend_schema(responses={200: MeasuresSerializer, **errors(404)})
    def get(self, request, pk):
        """The outcome measures of a case: experienced safety and Katz ADL at start and end, the COPM goals
        and scores, and the IBIC needs per life area at start and at follow-up, each with its change."""
        case = access.get_case_for(request, pk, perm=self.rule, what="api.measures", queryset=Case.objects.all())
        return Response(MeasuresSerializer(selectors.case_measures_summary(case)).data)
