"""The API for hemtjänst providers' own systems: list the messages to their units, fetch one with its
attachment, acknowledge it. The same visibility rule (and so the consent gate) and the same receipts."""

import base64

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import access
from cases.apis import StrictSerializer
from cases.models import Scope
from hemgang.api_docs import PAGE_PARAMETERS, errors

from . import access as handover_access
from . import selectors, services
from .models import Delivery, HandoverSummary, Message


class DeliverySerializer(serializers.ModelSerializer):
    receiver = serializers.CharField(source="receiver_name")
    acknowledged_by = serializers.CharField(source="acknowledged_by.display_name", allow_null=True, default=None)

    class Meta:
        model = Delivery
        fields = ["id", "receiver", "acknowledged_at", "acknowledged_by"]


class MessageSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id")
    case_reference = serializers.CharField(source="case.reference")
    client_name = serializers.CharField(source="case.client.full_name")
    deliveries = DeliverySerializer(many=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "case",
            "case_reference",
            "client_name",
            "kind",
            "direction",
            "subject",
            "body",
            "sent_at",
            "deliveries",
        ]


class AttachmentSerializer(serializers.Serializer):
    filename = serializers.CharField()
    content_type = serializers.CharField()
    content_base64 = serializers.CharField()


class MessageDetailSerializer(MessageSerializer):
    attachments = serializers.SerializerMethodField()

    class Meta(MessageSerializer.Meta):
        fields = [*MessageSerializer.Meta.fields, "attachments"]

    @extend_schema(responses=AttachmentSerializer(many=True))
    def get_attachments(self, message) -> list[dict]:
        if message.kind != Message.Kind.FINAL_HANDOVER or message.sent_at is None:
            return []
        summary = HandoverSummary.objects.filter(case_id=message.case_id, pdf__isnull=False).first()
        if summary is None:
            return []
        return [
            {
                "filename": f"overlamning-{message.case.reference}.pdf",
                "content_type": "application/pdf",
                "content_base64": base64.b64encode(bytes(summary.pdf)).decode(),
            }
        ]


class AcknowledgeSerializer(StrictSerializer):
    representative = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class PaginatedMessageSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        help_text="The messages, counted up to 1000 (or to just past the page asked for); more when count_capped."
    )
    count_capped = serializers.BooleanField(help_text="There are more messages than count.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = MessageSerializer(many=True)


class InboxPagination(LimitOffsetPagination):
    """`limit` and `offset` as elsewhere in the API, with a bounded count: ten years of a coordinator's
    messages are 100,000, and counting them all for every page would cost more than the page. The count
    stops at INBOX_COUNT_LIMIT, or just past the page asked for when it lies further back, so that `next`
    is still right; `count_capped` says there are more."""

    max_limit = 200

    def get_count(self, queryset) -> int:
        self.bound = max(selectors.INBOX_COUNT_LIMIT, self.get_offset(self.request) + self.limit + 1)
        return queryset.order_by().values("pk")[: self.bound].count()

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.count >= self.bound
        return response


class MessageListView(APIView):
    scope = Scope.MESSAGES
    rule = "handover.view_inbox"
    permission_classes = [access.RulePermission]

    @extend_schema(
        # A paged list answered through APIView looks like a "retrieve" to drf-spectacular, whose name
        # collides with the detail view's (a check --deploy warning).
        operation_id="v1_messages_list",
        parameters=[
            OpenApiParameter("unacknowledged", bool, description="only messages still to acknowledge"),
            *PAGE_PARAMETERS,
        ],
        responses={200: PaginatedMessageSerializer, **errors()},
    )
    def get(self, request):
        """The messages to the caller's units (or team), newest first, a page at a time (`limit` up to 200,
        `offset`) with their `count` (up to 1000, or just past the page asked for: `count_capped`)."""
        items = selectors.inbox(
            request.user, unacknowledged=request.query_params.get("unacknowledged") in ("1", "true")
        )
        paginator = InboxPagination()
        page = paginator.paginate_queryset(items, request, view=self)
        access.log_reads(request, [(m.case.client_id, m.case_id) for m in page], what="api.inbox")
        return paginator.get_paginated_response(MessageSerializer(page, many=True).data)


class MessageDetailView(APIView):
    scope = Scope.MESSAGES
    rule = "handover.view_message"
    rule_on_object = True
    permission_classes = [access.RulePermission]

    @extend_schema(responses={200: MessageDetailSerializer, **errors(404)})
    def get(self, request, pk):
        """One message with its attachments (the handover PDF, base64)."""
        message = handover_access.get_message_for(
            request, pk, what="api.message.read", queryset=selectors.message_detail_queryset()
        )
        services.message_mark_read(user=request.user, message=message)
        return Response(MessageDetailSerializer(message).data)


class MessageAcknowledgeView(APIView):
    scope = Scope.MESSAGES
    rule = "handover.acknowledge"
    rule_on_object = True
    permission_classes = [access.RulePermission]

    @extend_schema(request=AcknowledgeSerializer, responses={200: MessageSerializer, **errors(400, 404, 409, 413, 415)})
    def post(self, request, pk):
        """Acknowledge the message for the caller's units. A second acknowledgement is a 409."""
        message = handover_access.get_message_for(
            request, pk, what="api.message.acknowledge", queryset=selectors.message_detail_queryset()
        )
        serializer = AcknowledgeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        mine = handover_access.deliveries_for(request.user, message)
        if not mine:
            raise Http404
        for delivery in mine:
            services.message_acknowledge(actor=request.user, delivery=delivery, **serializer.validated_data)
        return Response(MessageSerializer(selectors.message_detail(pk)).data)
