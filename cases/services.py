"""Every write that matters in a case. Views, the API, the admin and seed data all come through here.

Each service checks the state, changes it inside one transaction and leaves history (simple-history
records who did it: every save goes through `hemgang.history.save_as`, so tasks and the API are attributed too).
Refusals are `DomainError`s with a message for the case officer.
"""

import datetime as dt
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hemgang.errors import DomainError, DomainValidationError
from hemgang.history import delete_as, save_as
from hemgang.versions import Snapshot, check_version, list_change

from . import events, hooks, selectors
from .identity import InvalidIdentityNumber, parse_identity_number

# The lifecycle's door, offered here too: the services are where callers find every write.
from .lifecycle import case_decline, case_readmit, case_start, case_transition, case_withdraw  # noqa: F401
from .models import (
    DECISION_CHANGE_STATES,
    LOAD_STATES,
    OPEN_STATES,
    Case,
    CaseState,
    Client,
    Consent,
    Decision,
    Intervention,
    Recipient,
    Referral,
    ReferralSubmission,
    Relative,
    Team,
)

CLIENT_FIELDS = (
    "first_name",
    "last_name",
    "street_address",
    "postal_code",
    "city",
    "door_code",
    "phone",
    "protected_identity",
    "hemtjanst_group",
    "safety_alarm",
    "night_service",
    "hemtjanst_group_unit",
    "safety_alarm_unit",
    "night_service_unit",
)
# The client's providers: the link to the directory, the kind of unit it must be, the free text beside it.
PROVIDER_LINKS = (
    ("hemtjanst_group_unit", Recipient.Kind.GROUP, "hemtjanst_group"),
    ("safety_alarm_unit", Recipient.Kind.SAFETY_ALARM, "safety_alarm"),
    ("night_service_unit", Recipient.Kind.NIGHT_PATROL, "night_service"),
)
REFERRAL_FIELDS = (
    "source",
    "source_unit",
    "admitted_on",
    "ready_for_discharge_at",
    "planned_homecoming_on",
    "reason",
    "triage",
    "exclusion_palliative",
    "exclusion_psychiatric",
    "exclusion_substance",
    "exclusion_comment",
)
RELATIVE_FIELDS = ("name", "relation", "phone", "email", "is_primary_contact")
# What the case's settings form shows of the case, and what a change of them is compared on.
CASE_SETTINGS_FIELDS = ("team", "state", "case_officer")


# --- clients ---------------------------------------------------------------------------------------


def normalise_personal_number(raw: str) -> tuple[str, str]:
    try:
        parsed = parse_identity_number(raw, today=timezone.localdate())
    except InvalidIdentityNumber as err:
        raise DomainValidationError(err.message, code="invalid_personal_number", field="personal_number") from err
    return parsed.number, parsed.kind


@transaction.atomic
def client_register(*, actor, personal_number: str, relatives: list[dict] | None = None, **fields) -> Client:
    """Register a client (brukare) in the actor's municipality; the number is stored as 12 digits."""
    number, kind = normalise_personal_number(personal_number)
    if Client.objects.filter(municipality_id=actor.municipality_id, personal_number=number).exists():
        raise DomainValidationError(
            _("A client with this personal identity number is already registered. Search for them instead."),
            code="client_exists",
            field="personal_number",
        )
    client = Client(municipality_id=actor.municipality_id, personal_number=number, id_kind=kind)
    for name in CLIENT_FIELDS:
        if name in fields:
            setattr(client, name, fields[name])
    _check_provider_links(client, [link for link, _kind, _text in PROVIDER_LINKS if fields.get(link)])
    try:
        with transaction.atomic():
            save_as(client, actor)
    except IntegrityError as err:  # two registrations of the same number at once
        raise DomainValidationError(
            _("A client with this personal identity number is already registered."),
            code="client_exists",
            field="personal_number",
        ) from err
    relatives_replace(actor=actor, client=client, relatives=relatives or [])
    return client


@transaction.atomic
def client_update(
    *, actor, client: Client, relatives: list[dict] | None = None, version: int | None = None, **fields
) -> Client:
    """Change the client's details and relatives. `version` is the client's version when the form was
    opened: a save made after someone else's is refused with what they changed (hemgang.versions), checked
    on the locked row. A change of the relatives only counts the client's version up too, as they are on
    the same form."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    check_version(
        client,
        version,
        fields=CLIENT_FIELDS,
        typed=fields,
        related=lambda snapshot: _relatives_changed(client, snapshot, relatives),
        hidden=() if actor.has_perm("cases.view_address", client) else ADDRESS_FIELDS,
    )
    changed = [name for name in CLIENT_FIELDS if name in fields and getattr(client, name) != fields[name]]
    for name in changed:
        setattr(client, name, fields[name])
    _check_provider_links(client, [name for name in changed if name.endswith("_unit")])
    # The client first, its relatives after: a later conflict reads the relatives as of just before it.
    if changed or (
        relatives is not None and relatives_replace(actor=actor, client=client, relatives=relatives, dry_run=True)
    ):
        save_as(client, actor, update_fields=changed)
    if relatives is not None:
        relatives_replace(actor=actor, client=client, relatives=relatives)
    return client


ADDRESS_FIELDS = ("street_address", "postal_code", "city", "door_code")


def _relative_line(relative) -> str:
    return f"{relative.name} ({relative.relation})" if relative.relation else relative.name


def _relatives_changed(client: Client, snapshot: Snapshot, typed: list[dict] | None):
    """The client's relatives as the user saw them (the relatives' history at that moment) and now."""
    seen = None
    if snapshot.seen_until is not None:
        then = Relative.history.as_of(snapshot.seen_until).filter(client_id=client.pk)
        seen = [_relative_line(r) for r in then]
    now = [_relative_line(r) for r in client.relatives.all()]
    yours = (
        None
        if typed is None
        else [_relative_line(Relative(name=r["name"], relation=r.get("relation", ""))) for r in typed]
    )
    return list_change(str(_("Relatives")), seen, now, yours)


def _check_provider_links(client: Client, newly_linked: list[str]) -> None:
    """A provider links to an active unit of the right kind in the client's own municipality (a unit taken
    out of use later stays linked until someone changes it); the free text is only for a provider that is
    not in the directory, so a provider is either linked or written, never both."""
    for link_field, kind, text_field in PROVIDER_LINKS:
        unit = getattr(client, link_field)
        if unit is None:
            continue
        if link_field in newly_linked and (
            unit.municipality_id != client.municipality_id or unit.kind != kind or not unit.active
        ):
            raise DomainValidationError(
                _("Choose %(what)s from the municipality's directory of units in use.")
                % {"what": Recipient.Kind(kind).label.lower()},
                code="provider_not_in_directory",
                field=link_field,
            )
        if getattr(client, text_field).strip():
            raise DomainValidationError(
                _("Choose the unit from the directory or write another provider (not in the directory), not both."),
                code="provider_linked_and_written",
                field=text_field,
            )


def relatives_replace(*, actor, client: Client, relatives: list[dict], dry_run: bool = False) -> bool:
    """Make the client's relatives the given list: rows with an `id` are updated, others added,
    the ones left out removed. Each change is kept in the relative's history. True when anything changed
    (with `dry_run`, would change: nothing is saved)."""
    existing = {r.pk: r for r in client.relatives.all()}
    keep = set()
    any_change = False
    for data in relatives:
        rel = existing.get(data.get("id")) or Relative(client=client)
        changed = [name for name in RELATIVE_FIELDS if getattr(rel, name) != data.get(name, getattr(rel, name))]
        if rel.pk is None or changed:
            any_change = True
            if not dry_run:
                for name in changed:
                    setattr(rel, name, data[name])
                save_as(rel, actor)
        keep.add(rel.pk)
    for pk, rel in existing.items():
        if pk not in keep:
            any_change = True
            if not dry_run:
                delete_as(rel, actor)
    return any_change


# --- referral --------------------------------------------------------------------------------------


def _check_referral(fields: dict) -> None:
    admitted, homecoming = fields.get("admitted_on"), fields.get("planned_homecoming_on")
    ready = fields.get("ready_for_discharge_at")
    if admitted and homecoming and homecoming < admitted:
        raise DomainValidationError(
            _("The planned homecoming cannot be before the admission date."), field="planned_homecoming_on"
        )
    if admitted and ready and timezone.localtime(ready).date() < admitted:
        raise DomainValidationError(
            _("Ready for discharge cannot be before the admission date."), field="ready_for_discharge_at"
        )
    if fields.get("source") == Referral.Source.HOSPITAL and not admitted:
        raise DomainValidationError(_("Give the admission date for a referral from hospital."), field="admitted_on")
    excluded = any(fields.get(n) for n in ("exclusion_palliative", "exclusion_psychiatric", "exclusion_substance"))
    if excluded and not (fields.get("exclusion_comment") or "").strip():
        raise DomainValidationError(_("Write your assessment of the exclusion you ticked."), field="exclusion_comment")


@transaction.atomic
def referral_register(*, actor, client: Client, **fields) -> Case:
    """Aktualisering: open a case for the client with its referral.

    At most one open case per client: the client row is locked so that two officers registering at once
    are serialised, and the partial unique index `case_one_open_per_client` is the last word.
    """
    _check_referral(fields)
    client = Client.objects.select_for_update().get(pk=client.pk, municipality_id=actor.municipality_id)
    if Case.objects.filter(client=client, state__in=OPEN_STATES).exists():
        raise DomainError(
            _("The client already has an open case. Continue in that case instead."), code="open_case_exists"
        )
    case = Case(
        municipality_id=client.municipality_id,
        client=client,
        registered_by=actor,
        case_officer=actor if actor.has_perm("cases.be_case_officer") else None,
    )
    try:
        with transaction.atomic():
            save_as(case, actor, reason="referred")
    except IntegrityError as err:
        raise DomainError(_("The client already has an open case."), code="open_case_exists") from err
    referral = Referral(case=case, **{name: fields[name] for name in REFERRAL_FIELDS if name in fields})
    save_as(referral, actor)
    events.record(
        case,
        events.Kind.REFERRED,
        actor,
        to_state=case.state,
        payload={"source": referral.source, "triage": referral.triage},
    )
    return case


@transaction.atomic
def client_and_referral_register(*, actor, client_fields: dict, referral_fields: dict, relatives=None) -> Case:
    """The case officer's one flow (and the hospital API): find the client by number or register them,
    then register the referral. Nothing is saved unless both succeed."""
    number, _kind = normalise_personal_number(client_fields["personal_number"])
    client = Client.objects.filter(municipality_id=actor.municipality_id, personal_number=number).first()
    if client is None:
        for name, label in (("first_name", _("first name")), ("last_name", _("last name"))):
            if not (client_fields.get(name) or "").strip():
                raise DomainValidationError(
                    _("The client is not registered yet: give their %(field)s.") % {"field": label}, field=name
                )
        client = client_register(actor=actor, relatives=relatives, **client_fields)
    return referral_register(actor=actor, client=client, **referral_fields)


# What the timeline's "Ny aktualisering från sjukhuset" says of a referral to an open case (the rest is on
# its ReferralSubmission).
NEWS = ("source", "source_unit", "triage", "reason", "planned_homecoming_on")


@transaction.atomic
def referral_submit(*, actor, client_fields: dict, referral_fields: dict) -> ReferralSubmission:
    """A referral from an integration (POST /api/v1/referrals/), answered the same way whatever the client
    has (issue 12: the hospital learns nothing it did not send):

    1. the client is found by personnummer in the actor's municipality, their row locked (as
       referral_register does, so that two referrals for one person are serialised);
    2. a client with an open case: the referral is kept on that case as received, and the case officer sees
       "Ny aktualisering från sjukhuset" on its timeline (event REFERRAL_RECEIVED, naming the submission).
       Neither the client nor the open case is changed: the officer reads what was sent and decides;
    3. otherwise the client is registered if new and a case opened (client_and_referral_register);
    4. either way one ReferralSubmission, whose id is the API's answer (never a case's id)."""
    _check_referral(referral_fields)
    number, _kind = normalise_personal_number(client_fields["personal_number"])
    client = (
        Client.objects.select_for_update().filter(municipality_id=actor.municipality_id, personal_number=number).first()
    )
    open_case = client and Case.objects.filter(client=client, state__in=OPEN_STATES).first()
    if open_case is None:
        case = client_and_referral_register(actor=actor, client_fields=client_fields, referral_fields=referral_fields)
        outcome = ReferralSubmission.Outcome.NEW_CASE
    else:
        case, outcome = open_case, ReferralSubmission.Outcome.OPEN_CASE
    sent = {name: value for name, value in {**client_fields, **referral_fields}.items() if name != "personal_number"}
    submission = ReferralSubmission(
        municipality_id=case.municipality_id,
        submitted_by=actor,
        case=case,
        outcome=outcome,
        sent=json.loads(json.dumps(sent, cls=DjangoJSONEncoder)),
    )
    save_as(submission, actor)
    if outcome == ReferralSubmission.Outcome.OPEN_CASE:
        events.record(
            case,
            events.Kind.REFERRAL_RECEIVED,
            actor,
            payload={"submission": submission.pk, **{name: submission.sent.get(name) or "" for name in NEWS}},
        )
    return submission


# --- consent ---------------------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    actor,
    case: Case,
    given_on: dt.date,
    given_by: str,
    form: str,
    scope: str,
    receivers=(),
    recipients: str = "",
    given_by_name: str = "",
) -> Consent:
    """Record samtycke. Valid for the municipality's number of days, the day it is given being day 1
    (Botkyrka: given 1 March, valid through 10 March).

    It names its `receivers`, chosen from the case's (`selectors.consent_receiver_choices`): nothing about
    the client is shared with a unit it does not name (the consent gate, handover/). At least one when the
    case has any; `recipients` is free text for others not in the directory, who receive nothing through
    the system."""
    case = Case.objects.select_for_update(of=("self",)).select_related("municipality", "client").get(pk=case.pk)
    if not case.is_open:
        raise DomainError(_("Consent can only be recorded on an open case."), code="case_not_open")
    if given_on > timezone.localdate():
        raise DomainValidationError(_("Consent cannot be given in the future."), field="given_on")
    if given_by == Consent.GivenBy.REPRESENTATIVE and not given_by_name.strip():
        raise DomainValidationError(_("Give the representative's name."), field="given_by_name")
    receivers = _check_consent_receivers(case, receivers)
    valid_until = given_on + dt.timedelta(days=case.municipality.consent_validity_days - 1)
    consent = Consent(
        renews=_consent_renewed_by(case, given_on),
        case=case,
        given_on=given_on,
        valid_until=valid_until,
        given_by=given_by,
        given_by_name=given_by_name,
        form=form,
        scope=scope,
        recipients=recipients,
        recorded_by=actor,
    )
    save_as(consent, actor)
    consent._history_user = actor
    consent.receivers.set(receivers)
    events.record(
        case,
        events.Kind.CONSENT_RENEWED if consent.renews_id else events.Kind.CONSENT_RECORDED,
        actor,
        payload={
            "consent_id": consent.pk,
            "given_on": given_on.isoformat(),
            "valid_until": valid_until.isoformat(),
            "given_by": given_by,
            "receivers": [{"id": r.pk, "name": r.name} for r in receivers],
        },
    )
    return consent


def _check_consent_receivers(case: Case, receivers) -> list[Recipient]:
    """The receivers a consent names come from the case's (units of the directory in use); at least one
    when the case has any to name."""
    offered = {r.pk: r for r in selectors.consent_receiver_choices(case)}
    chosen = list({r.pk: r for r in receivers}.values())
    strangers = [r for r in chosen if r.pk not in offered]
    if strangers:
        raise DomainValidationError(
            _("%(names)s is not one of the case's receivers. Choose whom the consent covers among them.")
            % {"names": ", ".join(r.name for r in strangers)},
            code="receiver_not_on_case",
            field="receivers",
        )
    if offered and not chosen:
        raise DomainValidationError(
            _("Choose whom the consent covers: nothing about the client may go to a receiver it does not name."),
            code="receivers_required",
            field="receivers",
        )
    return [offered[r.pk] for r in chosen]


def _consent_renewed_by(case: Case, given_on: dt.date) -> Consent | None:
    """The earlier consent a new one renews: not withdrawn, and valid on `given_on` or run out at most
    `Consent.RENEWAL_GRACE_DAYS` before it. None when the new consent is a first one (or follows a
    withdrawal, which is a new consent, not a renewal)."""
    return (
        case.consents.filter(
            withdrawn_at__isnull=True,
            given_on__lte=given_on,
            valid_until__gte=given_on - dt.timedelta(days=Consent.RENEWAL_GRACE_DAYS),
        )
        .order_by("-valid_until", "-recorded_at")
        .first()
    )


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent, reported_by: str, reason: str) -> Consent:
    """The client withdraws consent; from now on nothing about them may be shared with hemtjänst.
    Whoever notices tells the case officer (001), who records it here."""
    consent = Consent.objects.select_for_update(of=("self",)).select_related("case").get(pk=consent.pk)
    if consent.is_withdrawn:
        raise DomainError(_("This consent is already withdrawn."), code="already_withdrawn")
    if consent.has_expired:
        # Nothing is shared on an expired consent anyway; recording a withdrawal would misstate the case file.
        raise DomainError(
            _("This consent has already expired (valid through %(until)s); there is nothing to withdraw.")
            % {"until": consent.valid_until},
            code="consent_expired",
        )
    if not reason.strip():
        raise DomainValidationError(_("Write why the consent was withdrawn."), field="reason")
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_recorded_by = actor
    consent.withdrawal_reported_by = reported_by
    consent.withdrawal_reason = reason
    save_as(
        consent,
        actor,
        update_fields=["withdrawn_at", "withdrawn_recorded_by", "withdrawal_reported_by", "withdrawal_reason"],
    )
    events.record(
        consent.case,
        events.Kind.CONSENT_WITHDRAWN,
        actor,
        # Who reported it (often a relative, by name) stays in the consent's record, not in the append-only log.
        payload={"consent_id": consent.pk, "reason": reason},
    )
    return consent


# --- decision --------------------------------------------------------------------------------------


@dataclass
class InterventionLine:
    intervention_type_id: int
    times: int
    per: str
    minutes: int
    part_of_day: str
    note: str = ""
    id: int | None = None  # an existing intervention kept by an ändringsbeslut

    FIELDS = ("intervention_type_id", "times", "per", "minutes", "part_of_day", "note")

    def values(self) -> dict:
        return {name: getattr(self, name) for name in self.FIELDS}


def _check_team(case: Case, team: Team) -> Team:
    team = Team.objects.select_for_update().filter(pk=team.pk, municipality_id=case.municipality_id).first()
    if team is None:
        raise DomainValidationError(_("Choose one of the municipality's teams."), field="team")
    return team


@transaction.atomic
def decision_register(
    *,
    actor,
    case: Case,
    team: Team,
    legal_basis,
    needs_assessed: bool,
    decided_on: dt.date,
    start_date: dt.date,
    end_date: dt.date,
    purpose: str,
    goals: str,
    interventions: list[InterventionLine],
    capacity_override_reason: str = "",
    consent_gap_accepted: bool = False,
) -> Decision:
    """Beslut om insatser, and the order to the team.

    Refused when the case already has its decision (it is changed with `decision_change`), without
    consent valid on the day of the decision, for a period that ends before it starts or is longer than
    the team's longest support, without at least one intervention, and for a legal basis of the other
    kind than the needs-assessment flag. A period that runs past the consent's last day is registered
    only when the case officer has accepted it (`consent_gap_accepted`): the client must renew consent
    before then, or nothing may be shared with hemtjänst for the rest of the support (001).
    Moves the case referred → decided through `case_transition`.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    if Decision.objects.filter(case=case).exists():
        raise DomainError(_("The decision is already registered — change it instead."), code="decision_exists")
    team = _check_team(case, team)
    over_capacity = _accept_over_capacity(actor=actor, case=case, team=team, reason=capacity_override_reason)
    if legal_basis.municipality_id != case.municipality_id:
        raise DomainValidationError(_("Choose a legal basis from the catalogue."), field="legal_basis")
    if decided_on > timezone.localdate():
        raise DomainValidationError(_("The decision date cannot be in the future."), field="decided_on")
    if end_date < start_date:
        raise DomainValidationError(_("The end date cannot be before the start date."), field="end_date")
    length = (end_date - start_date).days + 1
    if length > team.max_support_days:
        raise DomainValidationError(
            _("%(team)s gives support for at most %(max)s days; this decision is %(days)s days.")
            % {"team": team.name, "max": team.max_support_days, "days": length},
            field="end_date",
        )
    if start_date < decided_on:
        raise DomainValidationError(_("The support cannot start before the decision."), field="start_date")
    if not interventions:
        raise DomainValidationError(_("Add at least one intervention."), code="no_interventions", field="interventions")
    _check_needs_assessment(legal_basis, needs_assessed)
    if case.valid_consent_on(decided_on) is None:
        raise DomainError(
            _("There is no valid consent for the decision date. Record the client's consent first."),
            code="consent_required",
        )
    _check_consent_covers(case, end_date, on=decided_on, accepted=consent_gap_accepted)
    _check_intervention_types(case, interventions)

    decision = save_as(
        Decision(
            case=case,
            legal_basis=legal_basis,
            needs_assessed=needs_assessed,
            decided_by=actor,
            decided_on=decided_on,
            start_date=start_date,
            end_date=end_date,
            purpose=purpose,
            goals=goals,
        ),
        actor,
    )
    for line in interventions:
        save_as(Intervention(decision=decision, **line.values()), actor)
    if case.team_id != team.pk or over_capacity:
        case.team, case.capacity_override_reason = team, over_capacity
        save_as(case, actor, update_fields=["team", "capacity_override_reason"], reason="team assigned")
    case_transition(
        case=case,
        to=CaseState.DECIDED,
        actor=actor,
        payload={
            "decision_id": decision.pk,
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat(),
            "team_id": team.pk,
            "team": team.name,
            "over_capacity": bool(over_capacity),
        },
    )
    return decision


def _check_needs_assessment(legal_basis, needs_assessed: bool) -> None:
    """SoL 2025:400: a decision after an individual needs assessment rests on a basis of that kind, one
    without on a basis for interventions without it (the database refuses the mismatch too)."""
    if legal_basis.needs_assessment and not needs_assessed:
        raise DomainValidationError(
            _(
                "%(basis)s is a basis for decisions after an individual needs assessment. Tick the box or "
                "choose a basis for interventions without one."
            )
            % {"basis": legal_basis.name},
            code="needs_assessment_mismatch",
            field="needs_assessed",
        )
    if not legal_basis.needs_assessment and needs_assessed:
        raise DomainValidationError(
            _(
                "%(basis)s is a basis for interventions without an individual needs assessment. Untick the box "
                "or choose another basis."
            )
            % {"basis": legal_basis.name},
            code="needs_assessment_mismatch",
            field="needs_assessed",
        )


def _check_consent_covers(case: Case, end_date: dt.date, *, on: dt.date, accepted: bool) -> None:
    """Warn, before saving, about a period running past the consent's last day (see Case.consent_ends_before)."""
    last_day = case.consent_ends_before(end_date, on=on)
    if last_day is not None and not accepted:
        raise DomainValidationError(
            _(
                "The consent is valid through %(until)s but the decision runs until %(end)s. Record renewed "
                "consent, or confirm that the client will be asked to renew it before then."
            )
            % {"until": last_day, "end": end_date},
            code="consent_ends_before_decision",
            field="consent_gap_accepted",
        )


def _check_intervention_types(case: Case, interventions: list[InterventionLine]) -> None:
    types = set(case.municipality.interventiontype_set.filter(active=True).values_list("pk", flat=True))
    if any(line.intervention_type_id not in types for line in interventions):
        raise DomainValidationError(_("Choose interventions from the catalogue."), field="interventions")


@transaction.atomic
def decision_change(
    *,
    actor,
    decision: Decision,
    end_date: dt.date,
    interventions: list[InterventionLine],
    reason: str,
    consent_gap_accepted: bool = False,
    version: int | None = None,
) -> Decision:
    """Ändringsbeslut: a new end date and interventions added or removed, with a written reason.

    Steps, in one transaction with the case locked:
    0. the decision is still at `version`, the one the form was opened with: a change made from an older
       decision is refused with what changed meanwhile (hemgang.versions), never written over it;
    1. the case is decided or running (not closed or ended), and consent is valid today, as for a decision;
    2. the new end is not before the start nor today, and within the team's longest support;
    3. the lines are compared with the interventions in force: a line with the `id` of one and the same
       values keeps it; a missing one is removed (marked `ended_on`, never deleted: visits and the
       handover refer to it); a line without `id`, or a kept one with changed values, is added;
    4. the decision and each intervention are saved with the reason as their history's change reason
       (the case timeline shows "Ändringsbeslut: …");
    5. the `decision_changed` hook lets higher layers follow: scheduling re-plans the visits.
    Refused when nothing changes.
    """
    case = Case.objects.select_for_update(of=("self",)).select_related("team", "municipality").get(pk=decision.case_id)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    names = dict(case.municipality.interventiontype_set.values_list("pk", "name"))
    check_version(
        decision,
        version,
        fields=["end_date"],
        typed={"end_date": end_date},
        related=lambda snapshot: _interventions_changed(decision, snapshot, interventions, names),
    )
    today = timezone.localdate()
    if case.state not in DECISION_CHANGE_STATES:
        raise DomainError(
            _("A decision can only be changed while the case is decided or the support is running."),
            code="decision_locked",
        )
    if not reason.strip():
        raise DomainValidationError(_("Write the reason for the change."), code="reason_required", field="reason")
    if case.valid_consent_on(today) is None:
        raise DomainError(
            _("There is no valid consent today. Record the client's consent first."), code="consent_required"
        )
    if end_date < decision.start_date:
        raise DomainValidationError(_("The end date cannot be before the start date."), field="end_date")
    if end_date != decision.end_date and end_date < today:
        raise DomainValidationError(_("The new end date cannot be in the past."), field="end_date")
    length = (end_date - decision.start_date).days + 1
    if length > case.team.max_support_days:
        raise DomainValidationError(
            _("%(team)s gives support for at most %(max)s days; this decision is %(days)s days.")
            % {"team": case.team.name, "max": case.team.max_support_days, "days": length},
            field="end_date",
        )
    if not interventions:
        raise DomainValidationError(_("Add at least one intervention."), code="no_interventions", field="interventions")
    _check_intervention_types(case, interventions)
    current = {i.pk: i for i in decision.interventions.all()}
    if any(line.id is not None and line.id not in current for line in interventions):
        raise DomainValidationError(_("Choose interventions from the decision."), field="interventions")
    kept = {
        line.id
        for line in interventions
        if line.id is not None and all(getattr(current[line.id], k) == v for k, v in line.values().items())
    }
    added_lines = [line for line in interventions if line.id not in kept]
    removed = [i for pk, i in current.items() if pk not in kept]
    if end_date == decision.end_date and not added_lines and not removed:
        raise DomainValidationError(_("The change changes nothing."), code="no_change", field="end_date")
    if end_date > decision.end_date:
        _check_consent_covers(case, end_date, on=today, accepted=consent_gap_accepted)

    old_end = decision.end_date
    decision.end_date = end_date
    save_as(decision, actor, update_fields=["end_date"], reason=reason)
    for intervention in removed:
        intervention.ended_on = today
        save_as(intervention, actor, update_fields=["ended_on"], reason=reason)
    added = [save_as(Intervention(decision=decision, **line.values()), actor, reason=reason) for line in added_lines]
    events.record(
        case,
        events.Kind.DECISION_CHANGED,
        actor,
        payload={
            "decision_id": decision.pk,
            "reason": reason,
            "start_date": decision.start_date.isoformat(),
            "end_date": end_date.isoformat(),
            "old_end_date": old_end.isoformat(),
            "added": [{"id": i.pk, "name": names.get(i.intervention_type_id, "")} for i in added],
            "removed": [{"id": i.pk, "name": names.get(i.intervention_type_id, "")} for i in removed],
        },
    )
    hooks.decision_changed(
        hooks.DecisionChange(
            case_id=case.pk,
            decision_id=decision.pk,
            old_end_date=old_end,
            new_end_date=end_date,
            added_ids=[i.pk for i in added],
            removed_ids=[i.pk for i in removed],
            reason=reason,
        ),
        actor=actor,
    )
    return decision


def _intervention_line(values, names: dict) -> str:
    per = Intervention.Per(values.per).label
    return f"{names.get(values.intervention_type_id, '?')} {values.times} {per}, {values.minutes} min"


def _interventions_changed(decision: Decision, snapshot: Snapshot, typed: list[InterventionLine], names: dict):
    """The interventions in force as the user saw them (their history at that moment), now, and as typed."""
    seen = None
    if snapshot.seen_until is not None:
        then = Intervention.history.as_of(snapshot.seen_until).filter(decision_id=decision.pk, ended_on__isnull=True)
        seen = [_intervention_line(i, names) for i in then]
    now = [_intervention_line(i, names) for i in decision.interventions.all()]
    yours = [_intervention_line(line, names) for line in typed]
    return list_change(str(_("Interventions")), seen, now, yours)


@transaction.atomic
def case_assign_team(
    *, actor, case: Case, team: Team, capacity_override_reason: str = "", version: int | None = None
) -> Case:
    """Give the order to another team (before the support has started). `version` is the case's when the
    form was opened: a case changed since (another team, a decision, a start) is refused with what changed."""
    case = Case.objects.select_for_update(of=("self",)).select_related("decision").get(pk=case.pk)
    check_version(case, version, fields=CASE_SETTINGS_FIELDS, typed={"team": team})
    if case.state not in (CaseState.REFERRED, CaseState.DECIDED):
        raise DomainError(_("The team can only be changed before the support starts."), code="team_locked")
    team = _check_team(case, team)
    decision = getattr(case, "decision", None)
    if decision and decision.length_days > team.max_support_days:
        raise DomainValidationError(
            _("%(team)s gives support for at most %(max)s days; the decision is %(days)s days.")
            % {"team": team.name, "max": team.max_support_days, "days": decision.length_days},
            field="team",
        )
    if case.state == CaseState.DECIDED:
        case.capacity_override_reason = _accept_over_capacity(
            actor=actor, case=case, team=team, reason=capacity_override_reason
        )
    case.team = team
    save_as(case, actor, update_fields=["team", "capacity_override_reason"], reason="team assigned")
    events.record(
        case,
        events.Kind.TEAM_ASSIGNED,
        actor,
        payload={"team_id": team.pk, "team": team.name, "over_capacity": bool(case.capacity_override_reason)},
    )
    return case


def team_load(team: Team, *, excluding: Case | None = None) -> int:
    """Clients at once (SKL 2017): the decided and active cases count against the team's capacity."""
    qs = team.cases.filter(state__in=LOAD_STATES)
    return qs.exclude(pk=excluding.pk).count() if excluding else qs.count()


def _accept_over_capacity(*, actor, case: Case, team: Team, reason: str) -> str:
    """A team at its capacity takes one more client only when a case officer or unit manager accepts it
    with a written reason; the team's unit managers are told by e-mail once the change is committed."""
    load = team_load(team, excluding=case)
    if load < team.capacity:
        return ""
    if not reason.strip():
        raise DomainValidationError(
            _(
                "%(team)s is at its capacity (%(load)s of %(capacity)s clients at once). Write why the case "
                "should still go to the team, or choose another team."
            )
            % {"team": team.name, "load": load, "capacity": team.capacity},
            field="capacity_override_reason",
            code="team_at_capacity",
        )
    if not actor.has_perm("cases.accept_over_capacity"):
        raise DomainError(_("Only a case officer or unit manager can accept a team over capacity."))
    return reason
