"""The team's API (a phone app can be built on it): the same rules and services as the pages."""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import access
from cases.apis import StrictSerializer
from hemgang import bounds
from hemgang.api_docs import errors

from . import access as scheduling_access
from . import selectors, services
from .models import FollowUpMeeting, MeetingParticipant, Visit, VisitIntervention


class VisitInterventionSerializer(serializers.ModelSerializer):
    intervention = serializers.CharField(source="intervention.intervention_type.name")

    class Meta:
        model = VisitIntervention
        fields = ["id", "intervention", "outcome"]


class VisitSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id")
    client_name = serializers.CharField(source="case.client.full_name")
    address = serializers.SerializerMethodField()
    watch_for = serializers.SerializerMethodField()
    assigned_to = serializers.CharField(source="assigned_to.display_name", allow_null=True, default=None)
    interventions = VisitInterventionSerializer(source="visit_interventions", many=True)
    undocumented = serializers.BooleanField(
        source="is_undocumented", read_only=True, help_text="Planned, its time passed, never logged."
    )

    class Meta:
        model = Visit
        fields = [
            "id",
            "case",
            "client_name",
            "address",
            "watch_for",
            "planned_start",
            "planned_minutes",
            "assigned_to",
            "status",
            "undocumented",
            "interventions",
            "actual_start",
            "actual_end",
            "not_done_reason",
            "client_condition",
            "experienced_safety",
        ]

    def get_address(self, visit) -> str:
        """Skyddade personuppgifter: the address only to those who visit (cases.view_address)."""
        user = self.context["request"].user
        return visit.case.client.address_display if user.has_perm("cases.view_address", visit.case) else ""

    def get_watch_for(self, visit) -> str:
        plan = getattr(visit.case, "care_plan", None)
        return plan.watch_for if plan else ""


class OutcomeSerializer(StrictSerializer):
    id = serializers.IntegerField(help_text="The id of the visit's intervention row.")
    outcome = serializers.ChoiceField(choices=VisitIntervention.Outcome.choices)


class VisitLogSerializer(StrictSerializer):
    performed = serializers.BooleanField()
    actual_start = serializers.DateTimeField(required=False, allow_null=True)
    actual_end = serializers.DateTimeField(required=False, allow_null=True)
    not_done_reason = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    outcomes = OutcomeSerializer(many=True, required=False, default=list)
    client_condition = serializers.CharField(required=False, allow_blank=True, default="")
    experienced_safety = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=10)
    journal_note = serializers.CharField(required=False, allow_blank=True, default="")


class ParticipantSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingParticipant
        fields = ["role", "name", "confirmed_at", "representative"]


class MeetingSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id")
    ends_at = serializers.DateTimeField(read_only=True)
    participants = ParticipantSerializer(many=True)

    class Meta:
        model = FollowUpMeeting
        fields = [
            "case",
            "starts_at",
            "ends_at",
            "location",
            "status",
            "reschedule_reason",
            "continued_needs",
            "further_support",
            "outcome_note",
            "participants",
        ]


class DayBoardView(APIView):
    scope = None  # the team's own API: signed in, never by a token
    rule = "scheduling.view_day_board"
    permission_classes = [access.RulePermission]

    @extend_schema(
        parameters=[
            OpenApiParameter("date", str, description="YYYY-MM-DD; today when left out"),
            OpenApiParameter("mine", bool, description="only the caller's own visits"),
        ],
        responses={200: VisitSerializer(many=True), **errors(400)},
    )
    def get(self, request):
        """The caller's team's visits of a day and the next, in time order."""
        day = bounds.param_date(request.query_params.get("date"), name="date") or timezone.localdate()
        mine = request.query_params.get("mine") in ("1", "true")
        visits = selectors.day_board(
            request.user, team_id=request.user.team_id, day=day, staff_id=request.user.pk if mine else None
        )
        access.log_reads(request, [(v.case.client_id, v.case_id) for v in visits], what="api.board.day")
        return Response(VisitSerializer(visits, many=True, context={"request": request}).data)


class CaseVisitsView(APIView):
    scope = None  # the team's own API: signed in, never by a token
    rule = "cases.view_case"
    rule_on_object = True
    permission_classes = [access.RulePermission]

    @extend_schema(responses={200: VisitSerializer(many=True), **errors(404)})
    def get(self, request, pk):
        case = access.get_case_for(request, pk, what="api.visits.list")
        return Response(VisitSerializer(selectors.case_visits(case), many=True, context={"request": request}).data)


class VisitLogView(APIView):
    scope = None  # the team's own API: signed in, never by a token
    rule = "scheduling.log_visit"
    rule_on_object = True
    permission_classes = [access.RulePermission]

    @extend_schema(request=VisitLogSerializer, responses={200: VisitSerializer, **errors(400, 404, 409, 413, 415)})
    def post(self, request, pk):
        """Log a planned visit: performed or not, times, how each intervention was done, a journal note."""
        visit = scheduling_access.get_visit_for(
            request, pk, perm="scheduling.log_visit", what="api.visit.log", queryset=selectors.visit_queryset()
        )
        serializer = VisitLogSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["outcomes"] = {row["id"]: row["outcome"] for row in data.pop("outcomes")}
        services.visit_log(actor=request.user, visit=visit, **data)
        return Response(VisitSerializer(selectors.visit_for_log(pk), context={"request": request}).data)


class MeetingView(APIView):
    scope = None  # the team's own API: signed in, never by a token
    rule = "scheduling.view_meeting"
    rule_on_object = True
    permission_classes = [access.RulePermission]

    @extend_schema(responses={200: MeetingSerializer, **errors(404)})
    def get(self, request, pk):
        case = access.get_case_for(request, pk, perm="scheduling.view_meeting", what="api.meeting")
        meeting = selectors.meeting_detail(case)
        if meeting is None:
            raise Http404
        return Response(MeetingSerializer(meeting).data)
