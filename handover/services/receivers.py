"""Who receives: the case's hemtjänst receivers from the client's links to the directory, the warning
for a case without a day receiver, and the consent gate that nothing passes without."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import events
from cases.models import Case, CaseState
from hemgang.errors import DomainError, DomainValidationError
from hemgang.history import delete_as, save_as

from ..models import (
    CaseRecipient,
    Recipient,
)

# --- who receives --------------------------------------------------------------------------------------


def default_recipients(case: Case, *, night: bool | None = None) -> list[Recipient]:
    """The client's hemtjänst group and its provider's day coordinator(s); with night interventions or a night
    provider, the night patrol and its provider's night coordinator too (001: "Om det finns nattinsatser
    kontaktas även koordinator för natten"). Read from the client's links to the directory, never from names
    (issue 8: a spelling dropped the day coordinator). Units taken out of use receive nothing. `night`
    True takes the night side whatever the interventions (consent is often given before the decision)."""
    from scheduling.services import has_night_interventions

    client = case.client
    directory = list(Recipient.objects.filter(municipality_id=case.municipality_id, active=True))
    active_ids = {r.pk for r in directory}
    chosen = []

    def with_coordinators(unit: Recipient, coordinator_kind: str) -> list[Recipient]:
        same_provider = [r for r in directory if r.kind == coordinator_kind and r.provider == unit.provider]
        return [unit] + (same_provider if unit.provider else [])

    if client.hemtjanst_group_unit_id in active_ids:
        chosen += with_coordinators(client.hemtjanst_group_unit, Recipient.Kind.COORDINATOR_DAY)
    if night or (night is None and has_night_interventions(case)):
        patrol = client.night_service_unit if client.night_service_unit_id in active_ids else None
        patrols = [r for r in directory if r.kind == Recipient.Kind.NIGHT_PATROL]
        if patrol is None and not client.has_night_provider and len(patrols) == 1:
            patrol = patrols[0]  # night interventions, no provider named: the municipality's one night patrol
        if patrol is not None:
            chosen += with_coordinators(patrol, Recipient.Kind.COORDINATOR_NIGHT)
    return chosen


def day_receiver_warning(case: Case) -> str:
    """The team is told before anything is sent when no day coordinator of hemtjänst will receive the case's
    messages (issue 8): for a decided case from what the start will choose, for a running one from its
    receivers. Empty when all is well."""
    if case.state == CaseState.DECIDED:
        if any(r.kind == Recipient.Kind.COORDINATOR_DAY for r in default_recipients(case)):
            return ""
        return _(
            "When the support starts, no day coordinator of hemtjänst will receive the start notice: the client's "
            "home-care group is not linked to the hemtjänst directory, or its provider has no day coordinator in "
            "it. Link the group on the client's page (or ask the administrator to add the unit to the directory), "
            "or choose the receivers on the case's messages page after the start."
        )
    if (
        case.is_running
        and not CaseRecipient.objects.filter(case=case, recipient__kind=Recipient.Kind.COORDINATOR_DAY).exists()
    ):
        return _(
            "No day coordinator of hemtjänst is among the case's receivers, so the start notice and the summaries "
            "would not reach them. Choose the receivers on the case's messages page before you send anything."
        )
    return ""


@transaction.atomic
def case_recipients_set(*, actor, case: Case, recipients) -> list[Recipient]:
    """Make the case's hemtjänst receivers exactly `recipients` (from the municipality's directory)."""
    wanted = {r.pk: r for r in recipients}
    if any(r.municipality_id != case.municipality_id for r in wanted.values()):
        raise DomainValidationError(_("Choose receivers from the municipality's directory."), field="recipients")
    existing = {link.recipient_id: link for link in CaseRecipient.objects.filter(case=case)}
    added = [recipient for pk, recipient in wanted.items() if pk not in existing]
    removed = [link for pk, link in existing.items() if pk not in wanted]
    for recipient in added:
        save_as(CaseRecipient(case=case, recipient=recipient, added_by=actor), actor)
    for link in removed:
        delete_as(link, actor)
    if added or removed:
        events.record(
            case,
            events.Kind.RECEIVERS_CHANGED,
            actor,
            payload={
                "added": [{"id": r.pk, "name": r.name} for r in added],
                "removed": [{"id": link.recipient_id} for link in removed],
            },
        )
    return list(wanted.values())


def consent_receiver_candidates(case: Case) -> list[Recipient]:
    """Registered with `cases.hooks.register_consent_receivers`: whom a consent on the case may name — the
    receivers on the case, and those the start of the support sets from the client's links (the night side
    too, as consent is usually given before the decision says whether there are night interventions)."""
    on_case = [link.recipient for link in CaseRecipient.objects.filter(case=case).select_related("recipient")]
    return [*on_case, *default_recipients(case, night=True)]


# --- the consent gate ------------------------------------------------------------------------------------


def consent_gate(case: Case, receivers):
    """The consent that allows sharing with `receivers` now, or a refusal that says what to do (DOMAIN
    step 3): a consent valid today that names every one of them (the newest such). A receiver it does not
    name is refused by name; nothing is sent to the others either, so the team decides."""
    consent, not_covered = case.consent_covering(list(receivers), timezone.localdate())
    if consent is not None:
        return consent
    if case.valid_consent_on(timezone.localdate()) is None:
        raise DomainError(
            gettext_lazy(
                "Nothing about the client may be shared with hemtjänst: there is no valid consent today (it has "
                "expired or been withdrawn). Ask the case officer to record a renewed consent, then send again."
            ),
            code="consent_required",
        )
    raise DomainError(
        _(
            "The consent does not cover %(names)s: nothing about the client may be sent to them. Remove them as "
            "receivers, or ask the case officer to record a consent that names them."
        )
        % {"names": ", ".join(r.name for r in not_covered)},
        code="receiver_not_covered",
        field="recipients",
    )


def _check_team_sender(actor, case: Case) -> None:
    if not actor.has_perm("handover.draft_to_hemtjanst", case):
        raise DomainError(_("Only the case's team writes to hemtjänst about the case."), code="not_team")
