"""The caseload now (issue 11, part 1): per team its load against its capacity, its cases in progress with
what needs attention, and its pipeline; per staff member the cases and visits on their hands.

Only what is open or still to be done is read — the open cases (`case_team_state_idx`), the planned
visits of the running ones (`visit_planned_idx`), their booked meeting, and the receipts still missing
(`delivery_unacknowledged_idx`) — so ten years of closed cases, done visits and acknowledged messages cost
nothing here. The number of queries is fixed: the teams, their counts by state, the open cases with their
client, referral, decision and meeting, their consents, the coming visits counted per case, the planned
visits whose time has passed, the missing receipts, the two receipt lead settings, and the staff.

Every rule is the one the reminders use (no second definition to drift apart): an undocumented visit is
`scheduling.reminders.visit_undocumented_is_due`, a missing receipt is reminded and escalated at
`handover.reminders.reminder_moments`, payment responsibility starts on `notifications.rules.
payment_starts_on`, a meeting's outcome is missing by `scheduling.reminders.meeting_outcome_is_due`, and
consent is ending or expired by `Case.consent_status`."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, FilteredRelation, Min, Prefetch, Q
from django.utils import timezone

from cases.models import (
    LOAD_STATES,
    OPEN_STATES,
    RUNNING_STATES,
    Case,
    CaseState,
    Consent,
    ConsentStatus,
    Referral,
    Role,
    Team,
    User,
)
from handover.models import Delivery, Message
from handover.reminders import reminder_moments
from notifications.reminders import Leads, Setting, at_local, local_day
from notifications.rules import NOT_HOME_STATES, payment_starts_on
from scheduling.models import FollowUpMeeting, Visit
from scheduling.reminders import meeting_outcome_is_due, visit_undocumented_is_due

from .common import teams_of

# "Planned visits in the coming days" on the staff table: tomorrow and the six days after it.
COMING_DAYS = 7
PIPELINE_STATES = (CaseState.REFERRED, CaseState.DECIDED)


@dataclass(frozen=True)
class TeamLoad:
    """A team's open cases by state (the fields in the order of `cases.models.OPEN_STATES`)."""

    team: Team
    referred: int
    decided: int
    active: int
    handed_over: int

    @property
    def load(self) -> int:
        """Clients at once (SKL 2017): a decided case holds its place from the decision, an active one until
        it is handed over (`cases.models.LOAD_STATES`)."""
        return sum(getattr(self, state) for state in LOAD_STATES)

    @property
    def capacity(self) -> int:
        return self.team.capacity

    @property
    def capacity_use(self) -> float:
        return self.load / self.capacity

    @property
    def capacity_percent(self) -> int:
        return round(100 * self.capacity_use)

    @property
    def over_capacity(self) -> bool:
        return self.load > self.capacity


@dataclass(frozen=True)
class StaffLoad:
    user: User
    cases: int
    visits_today: int = 0
    visits_coming: int = 0
    undocumented: int = 0


@dataclass(frozen=True)
class Receipts:
    """A case's messages to hemtjänst without a receipt, past the reminder's moment (`missing`) and of those
    past the escalation's moment too (`escalated`)."""

    missing: int = 0
    escalated: int = 0


@dataclass(frozen=True)
class CaseRow:
    """An active or handed-over case and what needs the unit manager's eye."""

    case: Case
    day: int | None
    length: int | None
    next_visit: dt.datetime | None
    meeting: FollowUpMeeting | None
    meeting_outcome_missing: bool
    consent: ConsentStatus | None
    consent_missing: bool
    receipts: Receipts
    overdue_visits: int
    past_end: dt.date | None
    undocumented: int
    staff_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def consent_problem(self) -> bool:
        return self.consent_missing or self.consent is not None

    @property
    def has_problems(self) -> bool:
        return bool(
            self.consent_problem
            or self.receipts.missing
            or self.overdue_visits
            or self.past_end
            or self.undocumented
            or self.meeting_outcome_missing
        )


@dataclass(frozen=True)
class PipelineRow:
    """A referral waiting for its decision, or a decided case waiting for its start."""

    case: Case
    waiting_days: int
    ready_for_discharge_at: dt.datetime | None
    payment_from: dt.date | None
    payment_days: int
    payment_cost: int


@dataclass(frozen=True)
class Caseload:
    teams: tuple[TeamLoad, ...]
    staff: tuple[StaffLoad, ...]
    cases: tuple[CaseRow, ...] = ()
    pipeline: tuple[PipelineRow, ...] = ()

    @property
    def shown(self) -> list[Case]:
        """Every case whose client the page shows, for the access log."""
        return [row.case for row in self.cases] + [row.case for row in self.pipeline]


def caseload_now(*, teams, cases=None, staff=None, problems_only: bool = False) -> Caseload:
    """The caseload of `teams` now.

    `cases` narrows the case lists (a queryset of cases, as the page's filter gives it: a team or a state);
    the team loads always count all of the teams' open cases. `staff` keeps the cases in progress in which
    that staff member has a planned visit still to come or left undone; `problems_only` those with
    something to act on. The pipeline has no visits or receipts yet: only `cases` narrows it."""
    loads = team_loads(teams=teams)
    ids = [load.team.pk for load in loads]
    now = timezone.now()
    today = local_day(now)
    open_cases = _open_cases(ids, cases)
    running = [case for case in open_cases if case.state in RUNNING_STATES]
    coming = _coming_visits(running, now)
    passed = _passed_visits(running, now)
    receipts = _receipts(running, now)
    rows = []
    for case in running:
        row = _case_row(case, today, now, coming.get(case.pk, {}), passed.get(case.pk, []), receipts.get(case.pk))
        if staff is not None and staff.pk not in row.staff_ids:
            continue
        if problems_only and not row.has_problems:
            continue
        rows.append(row)
    pipeline = tuple(_pipeline_row(case, today) for case in open_cases if case.state in PIPELINE_STATES)
    return Caseload(loads, _staff_loads(ids, now, passed), tuple(rows), pipeline)


def team_loads(*, teams) -> tuple[TeamLoad, ...]:
    """Each team's open cases by state against its capacity: the teams, and one count over the open cases
    (the team-and-state index), whatever the history."""
    chosen = teams_of(teams)
    by_state = {
        (row["team_id"], row["state"]): row["n"]
        for row in Case.objects.filter(team_id__in=[team.pk for team in chosen], state__in=OPEN_STATES)
        .values("team_id", "state")
        .annotate(n=Count("id"))
        .order_by()
    }
    return tuple(TeamLoad(team, *(by_state.get((team.pk, state), 0) for state in OPEN_STATES)) for team in chosen)


def _open_cases(team_ids: list[int], cases) -> list[Case]:
    """The teams' open cases with what their rows show, in one query, and their consents in a second."""
    base = Case.objects.all() if cases is None else cases
    return list(
        base.filter(team_id__in=team_ids, state__in=OPEN_STATES)
        .select_related("client", "team", "municipality", "referral", "decision", "follow_up_meeting")
        .prefetch_related(Prefetch("consents", queryset=Consent.objects.order_by("-given_on", "-recorded_at")))
        .order_by("team__name", "client__last_name", "client__first_name", "pk")
    )


def _coming_visits(running: list[Case], now: dt.datetime) -> dict[int, dict]:
    """Per case: its next planned visit from now, and who is assigned to its planned visits from today."""
    if not running:
        return {}
    from_today = at_local(local_day(now), dt.time.min)
    rows = (
        Visit.objects.filter(status=Visit.Status.PLANNED, planned_start__gte=from_today, case__in=running)
        .values("case_id")
        .annotate(
            next_visit=Min("planned_start", filter=Q(planned_start__gte=now)),
            staff=ArrayAgg("assigned_to_id", filter=Q(assigned_to__isnull=False), distinct=True, default=[]),
        )
        .order_by()
    )
    return {row["case_id"]: row for row in rows}


def _passed_visits(running: list[Case], now: dt.datetime) -> dict[int, list[Visit]]:
    """Per case: its planned visits whose planned end has passed and that nobody logged (a visit under way
    is neither late nor undocumented). Reads only visits still planned (`visit_planned_idx`)."""
    if not running:
        return {}
    visits = (
        Visit.objects.filter(status=Visit.Status.PLANNED, planned_start__lt=now, case__in=running)
        .select_related("team")
        .only("id", "case_id", "team", "assigned_to_id", "planned_start", "planned_minutes", "status")
        .order_by("planned_start", "pk")
    )
    by_case: dict[int, list[Visit]] = defaultdict(list)
    for visit in visits:
        if visit.planned_end <= now:
            by_case[visit.case_id].append(visit)
    return by_case


def _receipts(running: list[Case], now: dt.datetime) -> dict[int, Receipts]:
    """Per case: its messages to hemtjänst without a receipt, reminded or escalated by the reminders' rules
    (the receiver's working hours after the sending, with the municipality's or team's leads)."""
    if not running:
        return {}
    cases = {case.pk: case for case in running}
    deliveries = (
        Delivery.objects.filter(
            acknowledged_at__isnull=True,
            message__case__in=running,
            message__direction=Message.Direction.TO_HEMTJANST,
            message__sent_at__isnull=False,
        )
        .select_related("message")
        .only("id", "team_id", "recipient_id", "message__sent_at", "message__case_id")
    )
    first, second = Leads(Setting.MESSAGE_ACK_WORKING_HOURS), Leads(Setting.MESSAGE_ESCALATION_WORKING_HOURS)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for delivery in deliveries:
        case = cases[delivery.message.case_id]
        reminded, escalated = reminder_moments(delivery, first=first.for_case(case), second=second.for_case(case))
        if now >= reminded:
            counts[case.pk][0] += 1
        if now >= escalated:
            counts[case.pk][1] += 1
    return {pk: Receipts(missing, escalated) for pk, (missing, escalated) in counts.items()}


def _case_row(case: Case, today: dt.date, now: dt.datetime, coming: dict, passed: list[Visit], receipts) -> CaseRow:
    decision = getattr(case, "decision", None)
    meeting = getattr(case, "follow_up_meeting", None)
    booked = meeting if meeting is not None and meeting.status == FollowUpMeeting.Status.BOOKED else None
    undocumented = [visit for visit in passed if visit_undocumented_is_due(visit, now)]
    staff_ids = set(coming.get("staff") or ()) | {visit.assigned_to_id for visit in passed if visit.assigned_to_id}
    consent = case.consent_status(today)
    return CaseRow(
        case=case,
        # Day 1 is the first day of the support (001): the start date is day 1.
        day=(today - decision.start_date).days + 1 if decision else None,
        length=decision.length_days if decision else None,
        next_visit=coming.get("next_visit"),
        meeting=booked,
        meeting_outcome_missing=booked is not None and meeting_outcome_is_due(booked, now),
        consent=consent,
        # Never given, or withdrawn: nothing may go to hemtjänst (an expired one is told as such).
        consent_missing=consent is None and not case.has_valid_consent(today),
        receipts=receipts or Receipts(),
        overdue_visits=len(passed) - len(undocumented),
        past_end=case.overdue_since,
        undocumented=len(undocumented),
        staff_ids=frozenset(staff_ids),
    )


def _pipeline_row(case: Case, today: dt.date) -> PipelineRow:
    """How long the case has waited in its state (for a decision since the referral, for the start since
    the decision), and the payment responsibility running for a patient ready for discharge from a ward
    who is not home yet (lag 2017:612, `notifications.rules.payment_starts_on`): the days from the first
    day of it through today, as the period follow-up counts them (home tomorrow: today is paid for)."""
    referral = getattr(case, "referral", None)
    ready = referral.ready_for_discharge_at if referral else None
    payment_from, payment_days = None, 0
    waiting_in_hospital = (
        ready is not None
        and referral.source == Referral.Source.HOSPITAL
        and case.homecoming_at is None
        and case.state in NOT_HOME_STATES
    )
    if waiting_in_hospital:
        payment_from = payment_starts_on(case)
        payment_days = max((today - payment_from).days + 1, 0)
    return PipelineRow(
        case=case,
        waiting_days=(today - local_day(case.state_changed_at)).days,
        ready_for_discharge_at=ready,
        payment_from=payment_from,
        payment_days=payment_days,
        payment_cost=payment_days * case.municipality.payment_daily_cost,
    )


def _staff_loads(team_ids: list[int], now: dt.datetime, passed: dict[int, list[Visit]]) -> tuple[StaffLoad, ...]:
    """Each active staff member of the teams: the running cases in which they have a planned visit from
    today on (the team shares its cases; the visits say who works on which), their planned visits today and
    in the coming days, and their undocumented visits (from the passed visits already read)."""
    today = local_day(now)
    from_today = at_local(today, dt.time.min)
    tomorrow = at_local(today + dt.timedelta(days=1), dt.time.min)
    until = at_local(today + dt.timedelta(days=1 + COMING_DAYS), dt.time.min)
    coming = Q(visits__status=Visit.Status.PLANNED, visits__planned_start__gte=from_today)
    staff = (
        User.objects.filter(team_id__in=team_ids, role=Role.TEAM_STAFF, is_active=True)
        .select_related("team")
        # The visits' conditions in the join itself: a LEFT JOIN of the visits still to come only.
        .annotate(coming=FilteredRelation("visits", condition=coming))
        .annotate(
            running=Count("coming__case", filter=Q(coming__case__state__in=RUNNING_STATES), distinct=True),
            today=Count("coming", filter=Q(coming__planned_start__lt=tomorrow)),
            later=Count("coming", filter=Q(coming__planned_start__gte=tomorrow, coming__planned_start__lt=until)),
        )
        .order_by("team__name", "last_name", "first_name")
    )
    undocumented: dict[int, int] = defaultdict(int)
    for visits in passed.values():
        for visit in visits:
            if visit.assigned_to_id and visit_undocumented_is_due(visit, now):
                undocumented[visit.assigned_to_id] += 1
    return tuple(StaffLoad(user, user.running, user.today, user.later, undocumented.get(user.pk, 0)) for user in staff)
