"""The REST API for hospital systems and integrations: the same services as the pages, other clothes."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from . import access, selectors, services
from .identity import InvalidIdentityNumber, parse_identity_number
from .models import Case, CaseState, Intervention, Referral


class StrictSerializer(serializers.Serializer):
    """Unknown fields are an error, not silently dropped: a misspelt field must not lose data."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = set(data) - set(self.fields)
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
        return super().to_internal_value(data)


class ReferralCreateSerializer(StrictSerializer):
    personal_number = serializers.CharField(max_length=13, help_text="Personnummer or samordningsnummer.")
    first_name = serializers.CharField(max_length=100, required=False)
    last_name = serializers.CharField(max_length=100, required=False)
    street_address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=6, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    source = serializers.ChoiceField(choices=Referral.Source.choices)
    source_unit = serializers.CharField(max_length=200, required=False, allow_blank=True)
    admitted_on = serializers.DateField(required=False, allow_null=True)
    ready_for_discharge_at = serializers.DateTimeField(required=False, allow_null=True)
    planned_homecoming_on = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField()
    triage = serializers.ChoiceField(choices=Referral.Triage.choices)

    def validate_personal_number(self, value):
        try:
            return parse_identity_number(value).number
        except InvalidIdentityNumber as err:
            raise serializers.ValidationError(str(err.message)) from err


class InterventionSerializer(serializers.ModelSerializer):
    intervention_type = serializers.CharField(source="intervention_type.name")

    class Meta:
        model = Intervention
        fields = ["intervention_type", "times", "per", "minutes", "part_of_day", "note"]


class DecisionSerializer(serializers.Serializer):
    case = serializers.IntegerField(source="case_id")
    legal_basis = serializers.CharField(source="legal_basis.name")
    needs_assessed = serializers.BooleanField()
    decided_on = serializers.DateField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    purpose = serializers.CharField()
    goals = serializers.CharField()
    interventions = InterventionSerializer(many=True)


class CaseSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    client_name = serializers.CharField(source="client.full_name")
    team = serializers.CharField(source="team.name", allow_null=True, default=None)
    has_decision = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["id", "reference", "state", "state_changed_at", "created_at", "client_name", "team", "has_decision"]

    def get_has_decision(self, case) -> bool:
        return hasattr(case, "decision")


class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ProviderSerializer(serializers.Serializer):
    """One of the client's other providers: the unit in the hemtjänst directory, or free text for one not in it."""

    unit = UnitSerializer(allow_null=True)
    other = serializers.CharField(help_text="A provider not in the directory.")


class ProvidersSerializer(serializers.Serializer):
    hemtjanst_group = ProviderSerializer()
    safety_alarm = ProviderSerializer()
    night_service = ProviderSerializer()


class CaseDetailSerializer(CaseSerializer):
    providers = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "providers"]

    @extend_schema_field(ProvidersSerializer)
    def get_providers(self, case) -> dict:
        client = case.client
        return {
            name: {
                "unit": {"id": unit.pk, "name": unit.name} if (unit := getattr(client, f"{name}_unit")) else None,
                "other": getattr(client, name),
            }
            for name in ("hemtjanst_group", "safety_alarm", "night_service")
        }


class ReferralCreateView(APIView):
    rule = "cases.register_referral"
    permission_classes = [access.RulePermission]

    @extend_schema(request=ReferralCreateSerializer, responses={201: CaseSerializer})
    def post(self, request):
        """Register a referral (aktualisering) for a client, identified by personnummer. A client not yet
        known is registered with the given name; a client with an open case gets a 409."""
        serializer = ReferralCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        client_fields = {k: data.pop(k) for k in list(data) if k in services.CLIENT_FIELDS or k == "personal_number"}
        case = services.client_and_referral_register(
            actor=request.user, client_fields=client_fields, referral_fields=data
        )
        access.log_reads(request, [(case.client_id, case.pk)], what="api.referral.create")
        case = selectors.case_list(request.user, states=[case.state]).get(pk=case.pk)
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)


class CaseListView(APIView):
    rule = "cases.home"
    permission_classes = [access.RulePermission]

    @extend_schema(responses=CaseSerializer(many=True))
    def get(self, request):
        """The cases the caller may see, open ones first; `?state=` filters."""
        states = request.query_params.getlist("state") or [s.value for s in CaseState]
        unknown = set(states) - {s.value for s in CaseState}
        if unknown:
            raise serializers.ValidationError({"state": [_("Unknown state: %s") % ", ".join(sorted(unknown))]})
        cases = selectors.case_list(request.user, states=states)
        paginator = api_settings.DEFAULT_PAGINATION_CLASS()
        page = paginator.paginate_queryset(cases, request, view=self)
        access.log_reads(request, [(c.client_id, c.pk) for c in page], what="api.case.list")
        return paginator.get_paginated_response(CaseSerializer(page, many=True).data)


class CaseDetailView(APIView):
    rule = "cases.view_case"
    rule_on_object = True
    permission_classes = [access.RulePermission]

    @extend_schema(responses=CaseDetailSerializer)
    def get(self, request, pk):
        case = access.get_case_for(request, pk, what="api.case.detail", queryset=selectors.case_detail_queryset())
        return Response(CaseDetailSerializer(case).data)


class DecisionDetailView(APIView):
    rule = "cases.view_case"
    rule_on_object = True
    permission_classes = [access.RulePermission]

    @extend_schema(responses=DecisionSerializer)
    def get(self, request, pk):
        case = access.get_case_for(request, pk, what="api.decision.detail", queryset=selectors.case_detail_queryset())
        decision = getattr(case, "decision", None)
        if decision is None:
            return Response({"detail": _("The case has no decision yet."), "code": "no_decision"}, status=404)
        return Response(DecisionSerializer(decision).data)
