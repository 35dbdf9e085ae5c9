"""Who may do what with the messages between the team and hemtjänst, and the handover.

The rules are added to the same rule set as `cases/access.py`, from whose predicates they are built
(HandoverConfig.ready() imports this module, and registers `receiver_cases` with `cases.hooks`, so that the
core's `receiver_on_case` and `get_case_for(receivers=True)` know the case's receivers without importing
handover). `get_message_for` / `get_draft_for` fetch a message with the check and the access-log entry in
one call: a message the user may not open is a 404.
"""

import rules
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from cases.access import (
    can_view_case,
    case_is_running,
    case_officer_of_municipality,
    is_coordinator,
    is_provider_integration,
    is_team_member,
    is_team_staff,
    read_of_case,
    receiving_coordinator,
    refuse_read_of,
    staff_of_case,
    team_ids,
    team_of_case,
    visible_cases,
)
from cases.models import Case, Role

from .models import CaseRecipient, Delivery, Message

# Members of hemtjänst's units (Recipient.members): its coordinators, and a provider's system.
HEMTJANST_ROLES = (Role.COORDINATOR, Role.PROVIDER_INTEGRATION)

# --- predicates -------------------------------------------------------------------------------------


@rules.predicate
def receives_message(user, message):
    """A hemtjänst user whose unit is a receiver of this sent message (the only way they see a client)."""
    if message is None or message.sent_at is None:
        return False
    return message.deliveries.filter(recipient__members=user).exists()


@rules.predicate
def reads_case_of_message(user, message):
    return message is not None and can_view_case.test(user, message.case) and user.role != Role.INTEGRATION


@rules.predicate
def receiver_of_delivery(user, delivery):
    """The receiving unit's people (hemtjänst), or the team's for a delivery to the team."""
    if delivery is None or delivery.message.sent_at is None:
        return False
    if delivery.recipient_id:
        return delivery.recipient.members.filter(pk=user.pk).exists()
    return user.role in (Role.TEAM_STAFF, Role.UNIT_MANAGER) and delivery.team_id in team_ids(user)


# A provider's system (Role.PROVIDER_INTEGRATION) reads and acknowledges its units' messages as their
# coordinators do, through the API only; it writes nothing and opens no case.
rules.add_perm("handover.view_inbox", is_coordinator | is_provider_integration | is_team_member)
rules.add_perm("handover.write_first_to_team", receiving_coordinator & case_is_running)
rules.add_perm("handover.view_case_messages", team_of_case | case_officer_of_municipality)
rules.add_perm("handover.write_to_hemtjanst", team_of_case & is_team_staff & case_is_running)
# Who drafts a message to hemtjänst about a case at all, whichever page calls the service: its team's staff.
rules.add_perm("handover.draft_to_hemtjanst", staff_of_case)
rules.add_perm("handover.view_message", receives_message | reads_case_of_message)
rules.add_perm("handover.acknowledge", receiver_of_delivery)
rules.add_perm("handover.write_to_team", is_coordinator & receives_message & case_is_running)


# --- querysets: the same rules for lists ----------------------------------------------------------


def visible_messages(user, base: QuerySet | None = None) -> QuerySet:
    """The messages a user may open, as a queryset: hemtjänst users those sent to their units (and none
    sent after the client withdrew the consent they relied on); the team and case officers those of the
    cases they see."""
    qs = Message.objects.all() if base is None else base
    if not (user.is_authenticated and user.municipality_id):
        return qs.none()
    if user.role in HEMTJANST_ROLES:
        return qs.filter(
            Exists(Delivery.objects.filter(message=OuterRef("pk"), recipient__members=user)),
            sent_at__isnull=False,
        ).exclude(Q(consent__withdrawn_at__isnull=False) & Q(consent__withdrawn_at__lt=F("sent_at")))
    if user.role == Role.INTEGRATION:
        return qs.none()
    if user.role in (Role.TEAM_STAFF, Role.UNIT_MANAGER):
        # visible_cases' rule for the team, on the message's own case row: as `case__in=visible_cases(…)`
        # PostgreSQL hashes every case the team ever had (ten years: 9,000) before the inbox's first row.
        return qs.filter(case__municipality_id=user.municipality_id, case__team_id__in=team_ids(user))
    return qs.filter(case__in=visible_cases(user))


def received_deliveries(user) -> QuerySet:
    """The deliveries addressed to the user: to their units in the hemtjänst directory, or to their team."""
    if user.role in HEMTJANST_ROLES:
        return Delivery.objects.filter(recipient__members=user)
    return Delivery.objects.filter(team_id__in=team_ids(user))


def receiver_cases(user, base: QuerySet | None = None) -> QuerySet:
    """The cases a hemtjänst user's units are receivers on (CaseRecipient), in their municipality. Registered
    with `cases.hooks.register_receiver_cases`."""
    qs = Case.objects.all() if base is None else base
    if not (user.is_authenticated and user.role == Role.COORDINATOR and user.municipality_id):
        return qs.none()
    links = CaseRecipient.objects.filter(recipient__members=user, recipient__municipality_id=user.municipality_id)
    return qs.filter(municipality_id=user.municipality_id, pk__in=links.values("case"))


# --- fetch with check and log ----------------------------------------------------------------------


def get_message_for(
    request, pk, *, perm: str = "handover.view_message", what: str, queryset: QuerySet | None = None
) -> Message:
    """The message `pk` if the user may open it (visible_messages and the rule) and `perm` it, logged as a
    read of its client; 404 otherwise."""
    base = Message.objects.select_related("case") if queryset is None else queryset
    message = visible_messages(request.user, base).filter(pk=pk).first()
    if message is None:
        _refuse_message(request, pk, what=what)
    read_of_case(request, message.case, [("handover.view_message", message), (perm, message)], what=what)
    return message


def get_draft_for(
    request, pk, *, perm: str = "handover.write_to_hemtjanst", what: str, queryset: QuerySet | None = None
) -> Message:
    """A message the team writes, if the user may `perm` its case (a rule on the case, not the message),
    logged as a read of its client; 404 otherwise. A message already sent is returned too, so that its
    page can send the user on to it."""
    base = Message.objects.select_related("case") if queryset is None else queryset
    message = visible_messages(request.user, base).filter(pk=pk).first()
    if message is None:
        _refuse_message(request, pk, what=what)
    case = message.case
    read_of_case(request, case, [(perm, case)], what=what)
    return message


def _refuse_message(request, pk, *, what: str):
    refuse_read_of(request, Case.objects.filter(pk__in=Message.objects.filter(pk=pk).values("case")), what=what)


def deliveries_for(user, message, *, perm: str = "handover.acknowledge") -> list[Delivery]:
    """The deliveries of a message (fetched with `get_message_for`) that `user` may `perm`: the ones they
    acknowledge for their unit or team, never another receiver's."""
    return [delivery for delivery in message.deliveries.all() if user.has_perm(perm, delivery)]
