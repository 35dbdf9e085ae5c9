"""The queries pages and the API read with. select_related / prefetch are chosen here, once.

Every function takes the user and goes through `access.visible_*`, so a list can never show more than
the rules allow.
"""

import datetime as dt

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.db.models.functions import Right

from . import hooks
from .access import visible_cases, visible_clients
from .identity import InvalidIdentityNumber, parse_identity_number
from .models import (
    CONSENT_ENDING_DAYS,
    LOAD_STATES,
    OPEN_STATES,
    RUNNING_STATES,
    Case,
    CaseState,
    Client,
    Consent,
    ConsentStatus,
    Intervention,
    Recipient,
    Relative,
    Team,
)
from .models.case import WORKFLOW_ORDER
from .timeline import TimelineEntry, case_timeline  # noqa: F401 (read by pages and the apps above)

# Lists read in the order of the routine: active first, then decided, handed over, referred, ended.
CASE_LIST_RELATED = ("client", "team", "case_officer", "referral", "decision")


def case_list(user, *, states=OPEN_STATES, team_id: int | None = None, officer=None) -> QuerySet:
    qs = visible_cases(user).filter(state__in=states).select_related(*CASE_LIST_RELATED)
    if team_id:
        qs = qs.filter(team_id=team_id)
    if officer is not None:
        qs = qs.filter(case_officer=officer)
    return qs.annotate(step=WORKFLOW_ORDER).order_by("step", "-created_at")


def consent_receiver_choices(case: Case) -> list[Recipient]:
    """The units a consent on `case` may name (DOMAIN step 3: its recipients): the client's providers
    linked to the hemtjänst directory (group, safety alarm, night service) and what the apps above offer
    through `hooks.register_consent_receivers` (handover/: the case's receivers, and those the start
    sets). Units in use in the case's municipality only; by kind, then name."""
    client = case.client
    linked = [client.hemtjanst_group_unit_id, client.safety_alarm_unit_id, client.night_service_unit_id]
    found = {r.pk: r for r in Recipient.objects.filter(pk__in=[pk for pk in linked if pk])}
    for recipient in hooks.consent_receivers(case):
        found.setdefault(recipient.pk, recipient)
    chosen = [r for r in found.values() if r.active and r.municipality_id == case.municipality_id]
    return sorted(chosen, key=lambda r: (r.kind, r.name))


def consent_alerts(user, *, today: dt.date) -> list[tuple[Case, ConsentStatus]]:
    """The open cases the user sees whose consent ends within two days (today, tomorrow, the day after)
    or has run out, soonest first: the case officer renews it before nothing more may be shared.

    Two queries whatever the number of cases: the cases whose latest not-withdrawn consent ends by then
    (with their clients), and their consents, from which `Case.consent_status` gives the final word.
    """
    qs = (
        visible_cases(user)
        .filter(state__in=OPEN_STATES)
        .annotate(consent_until=Max("consents__valid_until", filter=Q(consents__withdrawn_at__isnull=True)))
        .filter(consent_until__lte=today + dt.timedelta(days=CONSENT_ENDING_DAYS))
        .select_related("client")
        .prefetch_related("consents")
        .order_by("consent_until", "client__last_name", "pk")
    )
    return [(case, status) for case in qs if (status := case.consent_status(today)) is not None]


def case_detail_queryset() -> QuerySet:
    """One case with everything its page shows, in a fixed number of queries."""
    return Case.objects.select_related(
        "client",
        "client__hemtjanst_group_unit",
        "client__safety_alarm_unit",
        "client__night_service_unit",
        "team",
        "case_officer",
        "registered_by",
        "referral",
        "decision__legal_basis",
        "decision__decided_by",
        "municipality",
    ).prefetch_related(
        Prefetch(
            "consents",
            queryset=Consent.objects.select_related("recorded_by", "withdrawn_recorded_by").prefetch_related(
                "receivers"
            ),
        ),
        Prefetch(
            "decision__interventions",
            queryset=Intervention.objects.select_related("intervention_type"),
        ),
        Prefetch("client__relatives", queryset=Relative.objects.all()),
    )


def client_detail_queryset() -> QuerySet:
    return Client.objects.select_related(
        "hemtjanst_group_unit", "safety_alarm_unit", "night_service_unit"
    ).prefetch_related(
        "relatives",
        Prefetch("cases", queryset=Case.objects.select_related("team", "decision").order_by("-created_at")),
    )


def client_search(user, query: str, *, limit: int = 25) -> list[Client]:
    """By personnummer (any accepted form) or by name; at most `limit` hits."""
    query = (query or "").strip()
    if not query:
        return []
    qs = visible_clients(user).prefetch_related(
        Prefetch(
            "cases",
            queryset=Case.objects.filter(state__in=OPEN_STATES).select_related("team", "decision"),
            to_attr="open_cases",
        )
    )
    digits = "".join(ch for ch in query if ch.isdigit())
    if len(digits) >= 10:
        try:
            number = parse_identity_number(query).number
        except InvalidIdentityNumber:
            number = digits
        # As `personal_number__endswith`, in the form `client_number_last_ten_idx` is built on.
        last_ten = qs.alias(last_ten=Right("personal_number", 10)).filter(last_ten=number[-10:])
        return list(last_ten[:limit])
    terms = query.split()
    condition = Q()
    for term in terms:
        condition &= Q(first_name__istartswith=term) | Q(last_name__istartswith=term)
    return list(qs.filter(condition).order_by("last_name", "first_name")[:limit])


def team_loads(municipality) -> list:
    """Each team with its clients at once, for the case officer choosing a team (one query)."""
    return list(
        Team.objects.filter(municipality=municipality)
        .annotate(load=Count("cases", filter=Q(cases__state__in=LOAD_STATES)))
        .order_by("name")
    )


def team_start_page(user) -> dict:
    """The team's new (decided) and active cases."""
    cases = list(case_list(user, states=(CaseState.DECIDED, *RUNNING_STATES)))
    return {
        "new_cases": [c for c in cases if c.state == CaseState.DECIDED],
        "active_cases": [c for c in cases if c.state != CaseState.DECIDED],
        "load": sum(c.counts_against_capacity for c in cases),
        "over_capacity": [c for c in cases if c.capacity_override_reason and c.state == CaseState.DECIDED],
    }
