"""The inbox, a message with its receipts, the case's messages and the handover pages; and the API."""

import base64
import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import services as case_services
from cases.models import AccessLog, Role
from handover import services
from handover.models import Message

from .. import factories as f

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def on_monday():
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(15))), tick=False):
        yield


def _send_drafts(world, case):
    for message in Message.objects.filter(case=case, sent_at__isnull=True):
        services.message_send(actor=world.staff, message=message)


def _queries(http, url):
    with CaptureQueriesContext(connection) as ctx:
        response = http.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_coordinator_sees_the_messages_to_their_units_and_the_count_in_the_menu(world, login, start_case):
    case = start_case(MONDAY)
    _send_drafts(world, case)
    page = login(world.coordinator).get(reverse("inbox")).content.decode()
    assert "Hemgångsteam" in page and case.reference in page
    assert "Inkorg (2 att kvittera)" in page
    assert AccessLog.objects.filter(user=world.coordinator, what="inbox", client_id=case.client_id).exists()
    assert case.client.full_name not in login(world.other_coordinator).get(reverse("inbox")).content.decode()


def test_the_inbox_filters_unread_and_unacknowledged(world, login, start_case):
    case = start_case(MONDAY)
    _send_drafts(world, case)
    http = login(world.coordinator)
    start = Message.objects.get(case=case, kind="start_notice")
    http.post(reverse("message_detail", args=[start.pk]), {"representative": ""})
    unread = http.get(reverse("inbox"), {"show": "unread"}).content.decode()
    unacknowledged = http.get(reverse("inbox"), {"show": "unacknowledged"}).content.decode()
    assert start.subject not in unread and start.subject not in unacknowledged
    invitation = Message.objects.get(case=case, kind="meeting_invitation")
    assert invitation.subject in unread and invitation.subject in unacknowledged


def test_the_inbox_query_count_does_not_grow_with_messages(world, login, start_case):
    _send_drafts(world, start_case(MONDAY))
    http = login(world.coordinator)
    small = _queries(http, reverse("inbox"))
    for _ in range(4):
        _send_drafts(world, start_case(MONDAY))
    assert _queries(http, reverse("inbox")) == small


def test_a_coordinator_acknowledges_on_the_message_page_and_the_team_sees_it(world, login, start_case):
    case = start_case(MONDAY)
    _send_drafts(world, case)
    invitation = Message.objects.get(case=case, kind="meeting_invitation")
    response = login(world.coordinator).post(reverse("message_detail", args=[invitation.pk]), {"representative": "Kim"})
    assert response.status_code == 302
    assert not invitation.deliveries.filter(acknowledged_at__isnull=True).exists()
    page = login(world.staff).get(reverse("case_messages", args=[case.pk])).content.decode()
    assert "kvitterat" in page


def test_message_text_is_shown_escaped(world, login, start_case):
    case = start_case(MONDAY)
    message = services.message_draft(
        actor=world.staff, case=case, kind="free", subject="<b>Hej</b>", body="<script>alert(1)</script>"
    )
    services.message_send(actor=world.staff, message=message)
    page = login(world.coordinator).get(reverse("message_detail", args=[message.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_a_coordinator_cannot_open_messages_of_other_units_or_case_pages(world, login, start_case):
    case = start_case(MONDAY)
    _send_drafts(world, case)
    message = Message.objects.get(case=case, kind="start_notice")
    assert login(world.other_coordinator).get(reverse("message_detail", args=[message.pk])).status_code == 404
    assert login(world.coordinator).get(reverse("case_detail", args=[case.pk])).status_code == 404
    draft = services.message_draft(actor=world.staff, case=case, kind="free", subject="Utkast", body="Ej skickat")
    assert login(world.coordinator).get(reverse("message_detail", args=[draft.pk])).status_code == 404


def test_the_team_sends_a_summary_from_the_case_page_and_is_stopped_without_consent(world, login, start_case):
    case = start_case(MONDAY)
    http = login(world.staff)
    data = {
        "action": "new",
        "kind": "summary",
        "subject": "Sammanfattning",
        "body": "Bra dag.",
        "recipients": [world.group.pk, world.coordination.pk],
    }
    assert http.post(reverse("case_messages", args=[case.pk]), data).status_code == 302
    from cases import services as case_services

    case_services.consent_withdraw(actor=world.officer, consent=case.consents.get(), reported_by="USK", reason="Nej")
    response = http.post(reverse("case_messages", args=[case.pk]), data)
    assert response.status_code == 200
    assert "samtycke" in response.content.decode()
    assert Message.objects.filter(case=case, kind="summary", sent_at__isnull=False).count() == 1


def test_the_coordinator_writes_the_summary_back(world, login, start_case):
    case = start_case(MONDAY)
    _send_drafts(world, case)
    start = Message.objects.get(case=case, kind="start_notice")
    response = login(world.coordinator).post(
        reverse("message_reply", args=[start.pk]), {"subject": "", "body": "Natten lugn."}
    )
    assert response.status_code == 302
    assert Message.objects.filter(case=case, direction="to_team").count() == 1
    assert "Sammanfattning från hemtjänsten" in login(world.staff).get(reverse("inbox")).content.decode()


def test_the_handover_pages_and_the_pdf(world, login, start_case):
    case = start_case(MONDAY)
    http = login(world.staff)
    intervention = case.decision.interventions.get()
    response = http.post(
        reverse("handover_edit", args=[case.pk]),
        {
            "working_methods": "Duschar själv med pall.",
            f"how_{intervention.pk}": "Tillsammans, morgon",
        },
    )
    assert response.status_code == 302
    preview = http.get(reverse("handover_pdf", args=[case.pk]))
    assert preview["Content-Type"] == "application/pdf" and preview.content.startswith(b"%PDF")
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(MONDAY + dt.timedelta(days=5), dt.time(9)))):
        http = login(world.staff)  # the follow-up day: the handover may be sent now
        response = http.post(reverse("case_messages", args=[case.pk]), {"action": "handover"})
        edit_url = response["Location"]
        response = http.post(
            edit_url,
            {
                "action": "send",
                "subject": "Överlämning",
                "body": "Se bilaga.",
                "recipients": [world.group.pk, world.coordination.pk],
            },
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "handed_over"
    message = Message.objects.get(case=case, kind="final_handover")
    attachment = login(world.coordinator).get(reverse("message_attachment", args=[message.pk]))
    assert attachment.content.startswith(b"%PDF")


def test_the_timeline_shows_the_messages(world, login, start_case):
    case = start_case(MONDAY)
    _send_drafts(world, case)
    page = login(world.officer).get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Skickat till hemtjänsten: startbesked" in page


# --- the API for hemtjänst providers' systems ------------------------------------------------------


def _api(user):
    from cases.models import ApiToken

    _token, raw = ApiToken.issue(user, scopes=["messages"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def test_a_providers_system_lists_fetches_and_acknowledges(world, start_case):
    case = start_case(MONDAY)
    _send_drafts(world, case)
    f.hand_over(world.staff, case)
    api = _api(world.coordinator)
    listing = api.get(reverse("api-message-list"), {"unacknowledged": "true"}).json()["results"]
    assert {m["kind"] for m in listing} == {"start_notice", "meeting_invitation", "final_handover"}
    handover = next(m for m in listing if m["kind"] == "final_handover")
    detail = api.get(reverse("api-message-detail", args=[handover["id"]])).json()
    assert base64.b64decode(detail["attachments"][0]["content_base64"]).startswith(b"%PDF")
    response = api.post(reverse("api-message-acknowledge", args=[handover["id"]]), {}, format="json")
    assert response.status_code == 200
    assert all(d["acknowledged_at"] for d in response.json()["deliveries"])
    again = api.post(reverse("api-message-acknowledge", args=[handover["id"]]), {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_acknowledged"


def test_the_api_keeps_other_units_out_and_refuses_unknown_fields(world, start_case):
    case = start_case(MONDAY)
    _send_drafts(world, case)
    message = Message.objects.get(case=case, kind="start_notice")
    assert _api(world.other_coordinator).get(reverse("api-message-detail", args=[message.pk])).status_code == 404
    response = _api(world.coordinator).post(
        reverse("api-message-acknowledge", args=[message.pk]), {"ok": True}, format="json"
    )
    assert response.status_code == 400 and "ok" in response.json()


def test_the_coordinators_reply_ends_on_a_page_they_may_see(world, login, start_case):
    case = start_case(MONDAY)
    for message in Message.objects.filter(case=case, sent_at__isnull=True):
        from handover import services

        services.message_send(actor=world.staff, message=message)
    start = Message.objects.get(case=case, kind="start_notice")
    response = login(world.coordinator).post(
        reverse("message_reply", args=[start.pk]), {"subject": "", "body": "Lugn natt."}, follow=True
    )
    assert response.status_code == 200


def test_a_refused_send_leaves_no_draft_behind(world, login, start_case):
    case = start_case(MONDAY)
    case_services.consent_withdraw(actor=world.officer, consent=case.consents.get(), reported_by="USK", reason="Nej")
    before = Message.objects.filter(case=case).count()
    data = {"action": "new", "kind": "free", "subject": "Hej", "body": "Text", "recipients": [world.group.pk]}
    login(world.staff).post(reverse("case_messages", args=[case.pk]), data)
    assert Message.objects.filter(case=case).count() == before


def test_the_case_messages_page_query_count_does_not_grow(world, login, start_case):
    """session, user, case, receivers, messages, their deliveries, the summary's journal entries, menu."""
    case = start_case(MONDAY)
    _send_drafts(world, case)
    http = login(world.staff)
    small = _queries(http, reverse("case_messages", args=[case.pk]))
    for i in range(5):
        services.message_draft_and_send(
            actor=world.staff,
            case=case,
            kind="summary",
            subject=f"S{i}",
            body="Bra.",
            recipients=[world.group, world.coordination],
        )
    assert _queries(http, reverse("case_messages", args=[case.pk])) == small


def _provider_system(world, recipient, username):
    account = f.UserFactory(municipality=world.town, role=Role.PROVIDER_INTEGRATION, username=username)
    recipient.members.add(account)
    return account


def test_a_provider_integration_reads_and_acknowledges_only_its_units_messages(world, start_case):
    """Role.PROVIDER_INTEGRATION is bound to its provider's units as a coordinator is (Recipient.members):
    its `messages` token lists, opens and acknowledges what was sent to them, and nothing sent elsewhere."""
    from handover.models import Recipient

    case = start_case(MONDAY)
    _send_drafts(world, case)
    mine = _api(_provider_system(world, world.group, "omsorg-system"))
    listing = mine.get(reverse("api-message-list")).json()["results"]
    assert listing and all(any(d["receiver"] == world.group.name for d in m["deliveries"]) for m in listing)
    message = Message.objects.get(pk=listing[0]["id"])
    assert mine.get(reverse("api-message-detail", args=[message.pk])).status_code == 200
    assert mine.post(reverse("api-message-acknowledge", args=[message.pk]), {}, format="json").status_code == 200
    other_unit = Recipient.objects.get(name="Koordinator Annat")
    theirs = _api(_provider_system(world, other_unit, "annat-system"))
    assert theirs.get(reverse("api-message-list")).json()["results"] == []
    assert theirs.get(reverse("api-message-detail", args=[message.pk])).status_code == 404
