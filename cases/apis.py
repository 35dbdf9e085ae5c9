"""The REST API for hospital systems and integrations: the same services as the pages, other clothes."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from hemgang import idempotency
from hemgang.api_docs import IDEMPOTENCY_KEY, PAGE_PARAMETERS, errors, paged

from . import access, selectors, services
from .identity import InvalidIdentityNumber, parse_identity_number
from .models import Case, CaseState, Consent, Intervention, Referral, ReferralStatus, Scope, Team


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
    # Always required, known client or not: a "give the name" error only for unknown ones would tell the
    # sender who is already a client.
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
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
    version = serializers.IntegerField(help_text="The decision's version (also its ETag).")


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
    version = serializers.IntegerField(read_only=True, help_text="Send it back to change the case (also its ETag).")

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "providers", "version"]

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


class CaseTeamSerializer(StrictSerializer):
    team = serializers.IntegerField(help_text="The id of one of the municipality's teams.")
    capacity_override_reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The case's version as read; or send it as `If-Match`."
    )


class StaleVersionSerializer(serializers.Serializer):
    """409: the record changed after the caller read it; nothing is saved."""

    detail = serializers.CharField()
    code = serializers.CharField()
    version = serializers.IntegerField(help_text="The version now: read the record again, or send this to overwrite.")
    changed_by = serializers.ListField(child=serializers.CharField())
    changed_at = serializers.DateTimeField(allow_null=True)
    changes = serializers.ListField(child=serializers.DictField(), help_text="field, seen, now, yours")


def etag(version: int) -> str:
    return f'"{version}"'


def version_from(request, data: dict) -> int:
    """The version the caller read: the body's `version`, or the `If-Match` header's ETag. Required: a
    change without it could overwrite what someone else saved (428 Precondition Required)."""
    if data.get("version") is not None:
        return data["version"]
    raw = request.headers.get("If-Match", "").strip().removeprefix("W/").strip('"')
    if raw.isdigit():
        return int(raw)
    raise VersionRequired(
        {
            "detail": _("Send the version you read: the `version` field, or an If-Match header with the ETag."),
            "code": "version_required",
        }
    )


class VersionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED


class ReferralStatusSerializer(serializers.Serializer):
    """A referral as the integration that sent it sees it: its own id, when it came, where it stands. Nothing
    else (no case, no name, no decision), whether it opened a case or joined one already open."""

    id = serializers.IntegerField(help_text="The referral's id (never a case's).")
    received_at = serializers.DateTimeField()
    status = serializers.ChoiceField(
        choices=ReferralStatus.choices,
        help_text="received, accepted (decided), declined, active (support under way) or ended.",
    )


class ReferralCreateView(APIView):
    rule = "cases.register_referral"
    scope = Scope.REFERRALS
    permission_classes = [access.RulePermission]

    @extend_schema(
        request=ReferralCreateSerializer,
        responses={201: ReferralStatusSerializer, **errors(400, 413, 415, 422)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request):
        """Send a referral (aktualisering) for a person, identified by personnummer. The answer is the same
        whatever the municipality knows of the person: a new client is registered, a client without an open
        case gets one, and a client whose case is open gets the referral added to it for the case officer.
        Send an `Idempotency-Key`: a retry with it makes no second referral."""
        serializer = ReferralCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key = idempotency.key_from(request)

        def submit():
            data = dict(serializer.validated_data)
            client_fields = {k: data.pop(k) for k in list(data) if k in (*services.CLIENT_FIELDS, "personal_number")}
            submission = services.referral_submit(actor=request.user, client_fields=client_fields, referral_fields=data)
            access.log_reads(request, [(submission.case.client_id, submission.case_id)], what="api.referral.create")
            return status.HTTP_201_CREATED, dict(ReferralStatusSerializer(submission).data)

        code, body = idempotency.once(user=request.user, key=key, path=request.path, data=request.data, run=submit)
        return Response(body, status=code)


class ReferralStatusView(APIView):
    rule = "cases.view_referral_status"
    rule_on_object = True
    scope = Scope.REFERRALS
    permission_classes = [access.RulePermission]

    @extend_schema(responses={200: ReferralStatusSerializer, **errors(404)})
    def get(self, request, pk):
        """Where a referral this token's account sent stands. Another's, or none, is a 404."""
        submission = access.get_submission_for(request, pk, what="api.referral.status")
        return Response(ReferralStatusSerializer(submission).data)


class CaseListView(APIView):
    scope = None  # the staff's own API: signed in, never by a token
    rule = "cases.home"
    permission_classes = [access.RulePermission]

    @extend_schema(
        operation_id="v1_cases_list",
        parameters=[OpenApiParameter("state", str, many=True, enum=CaseState.values), *PAGE_PARAMETERS],
        responses={200: paged(CaseSerializer, name="PaginatedCaseList"), **errors(400)},
    )
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
    scope = None  # the staff's own API: signed in, never by a token
    rule = "cases.view_case"
    rule_on_object = True
    permission_classes = [access.RulePermission]

    @extend_schema(responses={200: CaseDetailSerializer, **errors(404)})
    def get(self, request, pk):
        case = access.get_case_for(request, pk, what="api.case.detail", queryset=selectors.case_detail_queryset())
        return Response(CaseDetailSerializer(case).data, headers={"ETag": etag(case.version)})

    @extend_schema(
        request=CaseTeamSerializer,
        responses={200: CaseDetailSerializer, **errors(400, 404, 409, 413, 415, 428, e409=StaleVersionSerializer)},
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)],
    )
    def patch(self, request, pk):
        """Assign the case's team (before the support starts), from the version read: a case changed since
        is a 409 naming what changed, by whom and when, and nothing is saved."""
        case = access.get_case_for(request, pk, perm="cases.assign_team", what="api.case.team")
        serializer = CaseTeamSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        team = Team.objects.filter(pk=data["team"], municipality_id=case.municipality_id).first()
        if team is None:
            raise serializers.ValidationError({"team": [_("Choose one of the municipality's teams.")]})
        services.case_assign_team(
            actor=request.user,
            case=case,
            team=team,
            capacity_override_reason=data["capacity_override_reason"],
            version=version_from(request, data),
        )
        case = selectors.case_detail_queryset().get(pk=case.pk)
        return Response(CaseDetailSerializer(case).data, headers={"ETag": etag(case.version)})


class DecisionDetailView(APIView):
    scope = None  # the staff's own API: signed in, never by a token
    rule = "cases.view_case"
    rule_on_object = True
    permission_classes = [access.RulePermission]

    @extend_schema(responses={200: DecisionSerializer, **errors(404)})
    def get(self, request, pk):
        case = access.get_case_for(request, pk, what="api.decision.detail", queryset=selectors.case_detail_queryset())
        decision = getattr(case, "decision", None)
        if decision is None:
            return Response({"detail": _("The case has no decision yet."), "code": "no_decision"}, status=404)
        return Response(DecisionSerializer(decision).data, headers={"ETag": etag(decision.version)})


class ConsentCreateSerializer(StrictSerializer):
    given_on = serializers.DateField()
    given_by = serializers.ChoiceField(choices=Consent.GivenBy.choices)
    given_by_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    form = serializers.ChoiceField(choices=Consent.Form.choices)
    scope = serializers.CharField()
    receivers = serializers.ListField(
        child=serializers.IntegerField(),
        allow_empty=True,
        help_text="Ids of the case's receivers (units of the hemtjänst directory) the consent covers.",
    )
    recipients = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Others named on the form, not in the directory."
    )

    def validate_receivers(self, ids):
        """Only the case's receivers (the ones the consent form offers), each once."""
        offered = {r.pk: r for r in selectors.consent_receiver_choices(self.context["case"])}
        unknown = sorted(set(ids) - set(offered))
        if unknown:
            raise serializers.ValidationError(
                _("Not one of the case's receivers: %(ids)s.") % {"ids": ", ".join(map(str, unknown))}
            )
        return [offered[pk] for pk in dict.fromkeys(ids)]


class ConsentSerializer(serializers.ModelSerializer):
    receivers = UnitSerializer(many=True)

    class Meta:
        model = Consent
        fields = ["id", "given_on", "valid_until", "given_by", "form", "scope", "receivers", "covers_case_receivers"]


class ConsentCreateView(APIView):
    scope = None  # the staff's own API: signed in, never by a token
    rule = "cases.record_consent"
    rule_on_object = True
    permission_classes = [access.RulePermission]

    @extend_schema(
        request=ConsentCreateSerializer, responses={201: ConsentSerializer, **errors(400, 404, 409, 413, 415)}
    )
    def post(self, request, pk):
        """Record the client's consent, naming the case's receivers it covers (nothing about the client is
        sent to a receiver it does not name)."""
        case = access.get_case_for(request, pk, perm="cases.record_consent", what="api.consent.create")
        serializer = ConsentCreateSerializer(data=request.data, context={"case": case})
        serializer.is_valid(raise_exception=True)
        consent = services.consent_record(actor=request.user, case=case, **serializer.validated_data)
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)
