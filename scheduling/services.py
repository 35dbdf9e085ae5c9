"""Every write of the team's daily work: planning and logging visits, the journal, the follow-up meeting.

`start_of_support` and `end_of_support` are registered (apps.py) as effects of the case lifecycle's door
(`cases.lifecycle.case_transition`): they run in its transaction, so a case is never active without its
visits planned and its day-6 meeting booked, nor ended with visits still planned.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from cases import events
from cases.models import Case, CaseState, Intervention, User
from hemgang.errors import DomainError, DomainValidationError
from hemgang.history import delete_as, save_as

from . import calendar, hooks
from .models import (
    CarePlan,
    FollowUpMeeting,
    JournalDraft,
    JournalEntry,
    MeetingParticipant,
    Visit,
    VisitIntervention,
)


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _require_running(case: Case) -> None:
    if not case.is_running:
        raise DomainError(_("The case is not active: nothing more can be planned or logged."), code="case_not_running")


# --- planning ----------------------------------------------------------------------------------------


def interventions_by_others(case: Case) -> list[tuple[Intervention, str]]:
    """The decision's interventions the team does not carry out itself, and who does: night ones by the
    night organisation, others outside the team's hours by hemtjänst (e.g. evenings for a day team)."""
    decision = getattr(case, "decision", None)
    if decision is None or case.team is None:
        return []
    result = []
    for intervention in decision.interventions.all():
        if intervention.part_of_day == Intervention.PartOfDay.NIGHT:
            result.append((intervention, "night"))
        elif calendar.slot_within_team_hours(case.team, intervention.part_of_day) is None:
            result.append((intervention, "hemtjanst"))
    return result


def has_night_interventions(case: Case) -> bool:
    """Night interventions, or a night provider, make the night coordinator and night patrol recipients
    of the start notice (001: "Om det finns nattinsatser kontaktas även koordinator för natten")."""
    return case.client.has_night_provider or any(who == "night" for _i, who in interventions_by_others(case))


def _spread(times: int, days_per_week: int) -> set[int]:
    """Which of a week's working days get a weekly intervention done `times` times a week."""
    times = min(times, days_per_week)
    return {round(j * days_per_week / times) for j in range(times)}


def _round_down_quarter(moment: dt.datetime) -> dt.datetime:
    return moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)


def _round_up_quarter(moment: dt.datetime) -> dt.datetime:
    down = _round_down_quarter(moment)
    return down if down == moment else down + dt.timedelta(minutes=15)


def _quietest_quarter(busy: Counter, earliest: dt.datetime, before: dt.datetime) -> dt.datetime:
    """The quarter hour in [earliest, before) when the fewest of the team's visits start (the earliest
    of equals), so that a new client's visits spread over the slot instead of all starting at 07:00."""
    candidates = []
    moment = earliest
    while moment < before:
        candidates.append(moment)
        moment += dt.timedelta(minutes=15)
    return min(candidates or [earliest], key=lambda m: (busy[m], m))


def visits_plan(
    *,
    case: Case,
    actor,
    from_day: dt.date | None = None,
    to_day: dt.date | None = None,
    only_ids: set[int] | None = None,
    not_before: dt.datetime | None = None,
) -> list[Visit]:
    """Plan the team's visits from the decision: one visit per part of day and time, holding the
    interventions due then, inside the team's hours and on the team's working days, from the day of
    homecoming (the decision's start) to its end. Night and out-of-hours interventions are left to others.

    An ändringsbeslut plans part of that: `from_day`–`to_day` (within the decision's period) and, with
    `only_ids`, only those interventions (the ones it added). With `not_before` (the homecoming), no visit
    starts before it: that day's slots begin at it, and a slot that has ended by then gets no visit.
    """
    decision, team = case.decision, case.team
    first = max(decision.start_date, from_day or decision.start_date)
    last = min(decision.end_date, to_day or decision.end_date)
    if not_before is not None:
        first_home_day = timezone.localdate(not_before)
        first = max(first, first_home_day)
        earliest = _round_up_quarter(timezone.localtime(not_before))
    by_part = defaultdict(list)
    for intervention in decision.interventions.all():
        if only_ids is not None and intervention.pk not in only_ids:
            continue
        if calendar.slot_within_team_hours(team, intervention.part_of_day):
            by_part[intervention.part_of_day].append(intervention)
    days_per_week = 7 if team.working_days == "every_day" else 5
    # How many of the team's visits already start at each quarter hour: new visits go where it is quietest.
    busy = Counter(
        Visit.objects.filter(
            team=team,
            planned_start__gte=_aware(first, dt.time.min),
            planned_start__lt=_aware(last + dt.timedelta(days=1), dt.time.min),
        ).values_list("planned_start", flat=True)
    )
    visits, links, working_index = [], [], 0
    day = first
    while day <= last:
        if calendar.team_works_on(team, day):
            for part, interventions in by_part.items():
                slot_start, slot_end = calendar.slot_within_team_hours(team, part)
                if not_before is not None and day == first_home_day:
                    if earliest.date() > day or earliest.time() >= slot_end:
                        continue
                    slot_start = max(slot_start, earliest.time())
                # Tapering: what hemtjänst carries out from a date is no longer planned for the team.
                due = [i for i in interventions if i.hemtjanst_from is None or day < i.hemtjanst_from]
                daily = [i for i in due if i.per == Intervention.Per.DAY]
                weekly = [
                    i
                    for i in due
                    if i.per == Intervention.Per.WEEK
                    and working_index % days_per_week in _spread(i.times, days_per_week)
                ]
                count = max([i.times for i in daily] + [1 if weekly else 0])
                window = _aware(day, slot_end) - _aware(day, slot_start)
                for k in range(count):
                    included = [i for i in daily if i.times > k] + (weekly if k == 0 else [])
                    minutes = max(15, min(480, sum(i.minutes for i in included)))
                    start = _quietest_quarter(
                        busy,
                        _round_down_quarter(_aware(day, slot_start) + window * k / count),
                        min(
                            _aware(day, slot_start) + window * (k + 1) / count,
                            _aware(day, team.day_ends_at) - dt.timedelta(minutes=minutes - 1),
                        ),
                    )
                    busy[start] += 1
                    visit = Visit(case=case, team=team, planned_start=start, planned_minutes=minutes)
                    visits.append(visit)
                    links.append(included)
            working_index += 1
        day += dt.timedelta(days=1)
    visits = bulk_create_with_history(visits, Visit, default_user=actor)
    rows = [
        VisitIntervention(visit=v, intervention=i) for v, included in zip(visits, links, strict=True) for i in included
    ]
    bulk_create_with_history(rows, VisitIntervention, default_user=actor)
    return visits


def _check_visit_time(case: Case, start: dt.datetime, minutes: int) -> None:
    """A team visit lies inside the decision's period, on a day the team works, inside its hours."""
    local = timezone.localtime(start)
    decision, team = case.decision, case.team
    if not (decision.start_date <= local.date() <= decision.end_date):
        raise DomainValidationError(
            _("The visit must fall within the decision's period, %(start)s – %(end)s.")
            % {"start": decision.start_date, "end": decision.end_date},
            field="planned_start",
        )
    if not calendar.team_works_on(team, local.date()):
        raise DomainValidationError(
            _("%(team)s does not work on %(day)s.") % {"team": team.name, "day": local.date()}, field="planned_start"
        )
    if not calendar.within_team_hours(team, local.time(), minutes):
        raise DomainValidationError(
            _(
                "%(team)s works %(hours)s. A visit outside those hours is carried out by the night organisation "
                "or hemtjänst."
            )
            % {"team": team.name, "hours": team.hours_label},
            field="planned_start",
        )


def _check_staff(case: Case, user: User | None) -> None:
    if user is not None and not user.has_perm("scheduling.carry_out_visits", case):
        raise DomainValidationError(_("Choose a member of the team."), field="assigned_to")


@transaction.atomic
def visit_add(*, actor, case: Case, planned_start: dt.datetime, minutes: int, interventions, assigned_to=None) -> Visit:
    case = Case.objects.select_for_update(of=("self",)).select_related("decision", "team").get(pk=case.pk)
    _require_running(case)
    _check_visit_time(case, planned_start, minutes)
    _check_staff(case, assigned_to)
    visit = save_as(
        Visit(case=case, team=case.team, planned_start=planned_start, planned_minutes=minutes, assigned_to=assigned_to),
        actor,
    )
    for intervention in interventions:
        if intervention.decision_id != case.decision.pk:
            raise DomainValidationError(_("Choose interventions from the decision."), field="interventions")
        save_as(VisitIntervention(visit=visit, intervention=intervention), actor)
    return visit


def _planned_visit_for_update(visit: Visit) -> Visit:
    visit = (
        Visit.objects.select_for_update(of=("self",)).select_related("case__decision", "case__team").get(pk=visit.pk)
    )
    _require_running(visit.case)
    if visit.status != Visit.Status.PLANNED:
        raise DomainError(_("The visit is already logged or cancelled."), code="visit_not_planned")
    return visit


@transaction.atomic
def visit_move(*, actor, visit: Visit, planned_start: dt.datetime, minutes: int | None = None) -> Visit:
    visit = _planned_visit_for_update(visit)
    minutes = minutes or visit.planned_minutes
    _check_visit_time(visit.case, planned_start, minutes)
    visit.planned_start, visit.planned_minutes = planned_start, minutes
    return save_as(visit, actor, update_fields=["planned_start", "planned_minutes"])


@transaction.atomic
def visit_update(*, actor, visit: Visit, planned_start: dt.datetime, minutes: int, assigned_to: User | None) -> Visit:
    """Move and (re)assign a planned visit in one change."""
    visit_move(actor=actor, visit=visit, planned_start=planned_start, minutes=minutes)
    return visit_assign(actor=actor, visit=visit, assigned_to=assigned_to)


@transaction.atomic
def visit_assign(*, actor, visit: Visit, assigned_to: User | None) -> Visit:
    visit = _planned_visit_for_update(visit)
    _check_staff(visit.case, assigned_to)
    visit.assigned_to = assigned_to
    return save_as(visit, actor, update_fields=["assigned_to"])


@transaction.atomic
def visit_cancel(*, actor, visit: Visit, reason: str) -> Visit:
    visit = _planned_visit_for_update(visit)
    if not reason.strip():
        raise DomainValidationError(_("Write why the visit is cancelled."), field="reason")
    visit.status, visit.cancel_reason = Visit.Status.CANCELLED, reason
    return save_as(visit, actor, update_fields=["status", "cancel_reason"])


@dataclass(frozen=True)
class TaperingResult:
    intervention: Intervention
    unlinked: int  # planned visits that go on without the intervention
    cancelled: int  # planned visits that held only it, cancelled


@transaction.atomic
def tapering_set(*, actor, case: Case, intervention: Intervention, hemtjanst_from: dt.date | None) -> TaperingResult:
    """From day 6 the team adapts its work step by step to what hemtjänst will do (001): from
    `hemtjanst_from` hemtjänst carries out `intervention`, and the team's planned visits from that date no
    longer hold it — a visit that held nothing else is cancelled with the reason (and still shows what it
    was planned for). Kept in history (the intervention's and the visits'); the team's next summary tells
    hemtjänst (handover.summary_prefill).

    The date lies from the team's follow-up day (day 6 by default) to the decision's end, and not in the
    past. `None` takes the intervention back to the team from now on; visits cancelled earlier are not
    restored (the team plans them again where needed)."""
    case = Case.objects.select_for_update(of=("self",)).select_related("decision", "team").get(pk=case.pk)
    _require_running(case)
    decision = case.decision
    intervention = Intervention.objects.select_for_update().select_related("intervention_type").get(pk=intervention.pk)
    if intervention.decision_id != decision.pk:
        raise DomainValidationError(_("Choose interventions from the decision."), field="intervention")
    if hemtjanst_from is not None:
        earliest = max(calendar.support_day(decision.start_date, case.team.follow_up_day), timezone.localdate())
        if hemtjanst_from < earliest:
            raise DomainValidationError(
                _(
                    "Hemtjänst can take over from %(date)s at the earliest "
                    "(day %(day)s of the support, not in the past)."
                )
                % {"date": earliest, "day": case.team.follow_up_day},
                field="hemtjanst_from",
            )
        if hemtjanst_from > decision.end_date:
            raise DomainValidationError(
                _("The support ends %(date)s: hemtjänst cannot take over after it.") % {"date": decision.end_date},
                field="hemtjanst_from",
            )
    reason = (
        _("Hemtjänst carries out %(what)s from %(date)s.")
        % {"what": intervention.intervention_type, "date": hemtjanst_from}
        if hemtjanst_from
        else _("The team carries out %(what)s again.") % {"what": intervention.intervention_type}
    )
    intervention.hemtjanst_from = hemtjanst_from
    save_as(intervention, actor, update_fields=["hemtjanst_from"], reason=str(reason))
    unlinked = cancelled = 0
    if hemtjanst_from is not None:
        since = _aware(hemtjanst_from, dt.time.min)
        unlinked, cancelled = _take_off_visits(
            case, [intervention.pk], since=since, actor=actor, reason=str(reason), in_force=True
        )
    events.record(
        case,
        events.Kind.TAPERING_SET,
        actor,
        payload={
            "intervention_id": intervention.pk,
            "name": intervention.intervention_type.name,
            "hemtjanst_from": hemtjanst_from.isoformat() if hemtjanst_from else None,
        },
    )
    return TaperingResult(intervention, unlinked, cancelled)


@transaction.atomic
def visit_log(
    *,
    actor,
    visit: Visit,
    performed: bool,
    actual_start: dt.datetime | None = None,
    actual_end: dt.datetime | None = None,
    not_done_reason: str = "",
    outcomes: dict | None = None,
    client_condition: str = "",
    experienced_safety: int | None = None,
    journal_note: str = "",
) -> Visit:
    """Log a visit: performed or not (with the reason), actual times, how each intervention was done,
    how the client is and their experienced safety; the note becomes a signed SoL journal entry
    ("allt ska dokumenteras, inte bara det avvikande", 001). The planned time is kept beside the actual."""
    visit = _planned_visit_for_update(visit)
    if experienced_safety is not None and not 0 <= experienced_safety <= 10:
        raise DomainValidationError(_("Experienced safety is rated 0–10."), field="experienced_safety")
    if performed:
        if actual_start is None or actual_end is None:
            raise DomainValidationError(_("Give the actual start and end."), field="actual_start")
        if actual_end <= actual_start:
            raise DomainValidationError(_("The end must be after the start."), field="actual_end")
        if actual_start > timezone.now() + dt.timedelta(minutes=5):
            raise DomainValidationError(_("A visit cannot be logged before it has happened."), field="actual_start")
        visit.status = Visit.Status.DONE
    else:
        if not not_done_reason.strip():
            raise DomainValidationError(_("Write why the visit was not performed."), field="not_done_reason")
        visit.status, actual_start, actual_end = Visit.Status.NOT_DONE, None, None
    visit.actual_start, visit.actual_end, visit.not_done_reason = actual_start, actual_end, not_done_reason
    visit.client_condition, visit.experienced_safety = client_condition, experienced_safety
    visit.logged_by, visit.logged_at = actor, timezone.now()
    save_as(
        visit,
        actor,
        update_fields=[
            "status",
            "actual_start",
            "actual_end",
            "not_done_reason",
            "client_condition",
            "experienced_safety",
            "logged_by",
            "logged_at",
        ],
    )
    valid = {c.value for c in VisitIntervention.Outcome}
    for row in visit.visit_interventions.all():
        # What is documented is what happened: at a visit that did not take place nothing was done,
        # whatever the form posted.
        outcome = (outcomes or {}).get(row.pk, "") if performed else VisitIntervention.Outcome.NOT_DONE
        if outcome and outcome not in valid:
            raise DomainValidationError(_("Choose how the intervention was done."), field="outcomes")
        if outcome != row.outcome:
            row.outcome = outcome
            save_as(row, actor, update_fields=["outcome"])
    if journal_note.strip():
        journal_sign(actor=actor, case=visit.case, kind=JournalEntry.Kind.SOCIAL, text=journal_note, visit=visit)
    return visit


@transaction.atomic
def care_plan_update(*, actor, case: Case, watch_for: str) -> CarePlan:
    plan = CarePlan.objects.select_for_update().filter(case=case).first() or CarePlan(case=case, updated_by=actor)
    plan.watch_for, plan.updated_by, plan.updated_at = watch_for, actor, timezone.now()
    return save_as(plan, actor)


# --- the journal -------------------------------------------------------------------------------------


def _check_author(actor, kind: str, delegated_task: bool) -> None:
    """SoL social documentation is written by the team's staff; the HSL record by SSK, AT, FT and
    dietitians, and by USK only for a delegated task (PDL 3 kap.)."""
    if not actor.has_perm("scheduling.sign_journal"):
        raise DomainError(_("Only the team's staff write in the client's journal."), code="not_team_staff")
    delegated = delegated_task and actor.has_perm("scheduling.sign_delegated_health_record")
    if kind == JournalEntry.Kind.HEALTH and not actor.has_perm("scheduling.sign_health_record") and not delegated:
        raise DomainValidationError(
            _("An assistant nurse writes in the health care record only for a delegated task: tick it."),
            field="delegated_task",
        )


@transaction.atomic
def journal_sign(
    *,
    actor,
    case: Case,
    kind: str,
    text: str,
    delegated_task: bool = False,
    visit: Visit | None = None,
    corrects: JournalEntry | None = None,
) -> JournalEntry:
    """Sign an entry: it is saved with its author and time and never changed afterwards. The author's
    draft for the same purpose is removed in the same transaction."""
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    _require_running(case)
    if not text.strip():
        raise DomainValidationError(_("The entry is empty."), field="text")
    _check_author(actor, kind, delegated_task)
    entry = save_as(
        JournalEntry(
            case=case,
            kind=kind,
            text=text.strip(),
            author=actor,
            author_profession=actor.profession,
            delegated_task=delegated_task and kind == JournalEntry.Kind.HEALTH,
            visit=visit,
            corrects=corrects,
        ),
        actor,
    )
    JournalDraft.objects.filter(case=case, author=actor, kind=kind, corrects=corrects, visit=visit).delete()
    return entry


@transaction.atomic
def journal_correct(*, actor, original: JournalEntry, text: str) -> JournalEntry:
    """A correction is a new signed entry; the original stays readable, marked as corrected
    (SOSFS 2014:5). Only its author corrects an entry, and only its latest version."""
    original = JournalEntry.objects.select_for_update().get(pk=original.pk)
    if original.author_id != actor.pk:
        raise DomainError(_("Only the author can correct an entry."), code="not_author")
    if JournalEntry.objects.filter(corrects=original).exists():
        raise DomainError(_("This entry is already corrected; correct the latest version."), code="already_corrected")
    if text.strip() == original.text:
        raise DomainValidationError(_("The correction is the same as the original."), field="text")
    return journal_sign(
        actor=actor,
        case=original.case,
        kind=original.kind,
        text=text,
        delegated_task=original.delegated_task,
        visit=original.visit,
        corrects=original,
    )


def draft_save(
    *, actor, case: Case, kind: str, text: str, corrects=None, visit=None, delegated_task=False
) -> JournalDraft:
    """Autosave: one draft per author and purpose, overwritten as they type (an upsert, no history)."""
    draft, _created = JournalDraft.objects.update_or_create(
        case=case,
        author=actor,
        kind=kind,
        corrects=corrects,
        visit=visit,
        defaults={"text": text, "delegated_task": delegated_task, "saved_at": timezone.now()},
    )
    return draft


# --- the follow-up meeting ---------------------------------------------------------------------------


def _free_hour(chair, day: dt.date, team, minutes: int, exclude_pk=None) -> dt.datetime | None:
    """The first whole hour in the team's meeting window when the chairing case officer has no other
    follow-up meeting."""
    busy = []
    if chair is not None:
        qs = FollowUpMeeting.objects.filter(
            chair=chair,
            status=FollowUpMeeting.Status.BOOKED,
            starts_at__gte=_aware(day, dt.time(0)),
            starts_at__lt=_aware(day + dt.timedelta(days=1), dt.time(0)),
        ).exclude(pk=exclude_pk)
        busy = [(m.starts_at, m.ends_at) for m in qs]
    start = _aware(day, team.meeting_window_starts_at)
    while start + dt.timedelta(minutes=minutes) <= _aware(day, team.meeting_window_ends_at):
        end = start + dt.timedelta(minutes=minutes)
        if all(end <= b_start or start >= b_end for b_start, b_end in busy):
            return start
        start += dt.timedelta(hours=1)
    return None


def meeting_book(*, case: Case, actor) -> FollowUpMeeting:
    """Book the uppföljningsmöte when the support starts: day 6 (day 1 = the first day of support), at
    a free hour between 10:00 and 14:00, on a day both the team and the case officers work — otherwise
    the next such day. Participants: client, relatives, team, hemtjänst day (and night), the case officer."""
    team, municipality, start = case.team, case.municipality, case.decision.start_date
    day = calendar.follow_up_meeting_day(team, municipality, start, not_before=timezone.localdate())
    while (starts_at := _free_hour(case.case_officer, day, team, 60)) is None:
        day = calendar.first_meeting_day_from(team, municipality, day + dt.timedelta(days=1))
    meeting = save_as(
        FollowUpMeeting(
            case=case, starts_at=starts_at, location=str(_("At the client's home")), chair=case.case_officer
        ),
        actor,
    )
    client = case.client
    participants = [(MeetingParticipant.Role.CLIENT, client.full_name, None)]
    participants += [(MeetingParticipant.Role.RELATIVE, r.name, None) for r in client.relatives.all()]
    participants.append((MeetingParticipant.Role.TEAM, team.name, None))
    day_name = client.hemtjanst_group_display or str(_("Home care"))
    participants.append((MeetingParticipant.Role.HEMTJANST_DAY, day_name, None))
    if has_night_interventions(case):
        participants.append(
            (MeetingParticipant.Role.HEMTJANST_NIGHT, client.night_service_display or str(_("Night patrol")), None)
        )
    if case.case_officer:
        participants.append((MeetingParticipant.Role.CASE_OFFICER, case.case_officer.display_name, case.case_officer))
    bulk_create_with_history(
        [MeetingParticipant(meeting=meeting, role=r, name=n, user=u) for r, n, u in participants],
        MeetingParticipant,
        default_user=actor,
    )
    events.record(
        case,
        events.Kind.MEETING_BOOKED,
        actor,
        payload={"meeting_id": meeting.pk, "starts_at": starts_at.isoformat()},
    )
    return meeting


@dataclass(frozen=True)
class MeetingMoved:
    """A moved meeting and what the move caused that the person moving it must know (e.g. that the
    message to hemtjänst waits as a draft because consent is not valid)."""

    meeting: FollowUpMeeting
    notices: list[hooks.Notice]


def _meeting_time_warnings(meeting: FollowUpMeeting, starts_at: dt.datetime) -> list[str]:
    """What makes a time a poor one without making it impossible: outside the team's meeting window
    (10–14, 001: "om möjligt mellan kl 10.00 och 14.00") or on a day the team or the case officers, who
    chair, do not work."""
    team, local = meeting.case.team, timezone.localtime(starts_at)
    warnings = []
    if not (
        calendar.team_works_on(team, local.date())
        and calendar.case_officers_work_on(meeting.case.municipality, local.date())
    ):
        holiday = calendar.holiday_name(local.date())
        warnings.append(
            _("%(day)s is not a working day for the team and the case officers%(holiday)s.")
            % {"day": local.date(), "holiday": f" ({holiday})" if holiday else ""}
        )
    ends = local + dt.timedelta(minutes=meeting.minutes)
    if (
        local.time() < team.meeting_window_starts_at
        or ends.date() != local.date()
        or ends.time() > team.meeting_window_ends_at
    ):
        warnings.append(
            _("The time is outside the team's meeting window, %(start)s–%(end)s.")
            % {"start": f"{team.meeting_window_starts_at:%H:%M}", "end": f"{team.meeting_window_ends_at:%H:%M}"}
        )
    return warnings


def _take_off_visits(
    case: Case, intervention_ids, *, since: dt.datetime, actor, reason: str, in_force: bool
) -> tuple[int, int]:
    """Interventions the team no longer carries out leave its planned visits from `since` — one rule for
    tapering to hemtjänst and for an ändringsbeslut that removes them: a visit that holds others goes on
    with them, shorter by the intervention's minutes; a visit that held nothing else is cancelled with the
    reason. The one difference: an intervention still `in_force` (tapered: hemtjänst carries it out) stays
    on the cancelled visit, showing what it was planned for; a removed one leaves it too, since it is no
    longer decided. Logged visits are never touched. Returns (visits shortened, visits cancelled)."""
    rows = (
        VisitIntervention.objects.select_related("visit", "intervention")
        .filter(
            visit__case=case,
            intervention_id__in=intervention_ids,
            visit__status=Visit.Status.PLANNED,
            visit__planned_start__gte=since,
        )
        .select_for_update(of=("self",))
    )
    taken_off = defaultdict(list)
    for row in rows:
        taken_off[row.visit].append(row)
    unlinked = cancelled = 0
    for visit, leaving in taken_off.items():
        if visit.visit_interventions.exclude(pk__in=[row.pk for row in leaving]).exists():
            for row in leaving:
                delete_as(row, actor)
                visit.planned_minutes = max(15, visit.planned_minutes - row.intervention.minutes)
            save_as(visit, actor, update_fields=["planned_minutes"], reason=reason)
            unlinked += 1
        else:
            if not in_force:
                for row in leaving:
                    delete_as(row, actor)
            visit.status, visit.cancel_reason = Visit.Status.CANCELLED, reason[:300]
            save_as(visit, actor, update_fields=["status", "cancel_reason"], reason=reason)
            cancelled += 1
    return unlinked, cancelled


@transaction.atomic
def meeting_reschedule(
    *, actor, meeting: FollowUpMeeting, starts_at: dt.datetime, reason: str, move_anyway: bool = False
) -> MeetingMoved:
    """Move the follow-up meeting, with a reason kept in its history.

    Refused before the support starts, after it ends, in the past or outside the team's hours; a time
    outside the meeting window or off a working day is only warned about, and moved when the user
    confirms it ("Flytta ändå"). Moving clears hemtjänst's confirmations (its representative was named for
    the old time) and runs the effects registered in `hooks.on_meeting_moved` — handover tells the case's
    receivers the new time through the consent gate — in the same transaction."""
    # The case row first, as every change of a case takes its locks (the case, then what hangs on it): the
    # notice to hemtjänst locks the case again, and the end of a case locks the case and then its meeting.
    Case.objects.select_for_update(of=("self",)).get(pk=meeting.case_id)
    meeting = (
        FollowUpMeeting.objects.select_for_update(of=("self",))
        .select_related("case__team", "case__municipality", "case__decision", "case__client")
        .get(pk=meeting.pk)
    )
    if meeting.status != FollowUpMeeting.Status.BOOKED:
        raise DomainError(_("Only a booked meeting can be moved."), code="meeting_not_booked")
    if not reason.strip():
        raise DomainValidationError(_("Write why the meeting is moved."), field="reason")
    case, local = meeting.case, timezone.localtime(starts_at)
    decision, team = case.decision, case.team
    if local.date() < decision.start_date:
        raise DomainValidationError(
            _("The meeting cannot be moved to before the support starts, %(date)s.") % {"date": decision.start_date},
            field="starts_at",
        )
    if local.date() > decision.end_date:
        raise DomainValidationError(
            _("The meeting cannot be moved to after the support ends, %(date)s.") % {"date": decision.end_date},
            field="starts_at",
        )
    if starts_at < timezone.now():
        raise DomainValidationError(_("The meeting cannot be moved to a time that has passed."), field="starts_at")
    if not calendar.within_team_hours(team, local.time(), meeting.minutes):
        raise DomainValidationError(
            _("The meeting must lie within the team's hours, %(hours)s.") % {"hours": team.hours_label},
            field="starts_at",
        )
    warnings = _meeting_time_warnings(meeting, starts_at)
    if warnings and not move_anyway:
        raise DomainValidationError(
            " ".join(str(w) for w in warnings) + " " + str(_("Tick “Move anyway” to move it all the same.")),
            field="move_anyway",
            code="meeting_time_warning",
        )
    previous = meeting.starts_at
    meeting.starts_at, meeting.reschedule_reason = starts_at, reason
    save_as(meeting, actor, update_fields=["starts_at", "reschedule_reason"], reason=reason)
    hemtjanst = (MeetingParticipant.Role.HEMTJANST_DAY, MeetingParticipant.Role.HEMTJANST_NIGHT)
    for participant in meeting.participants.filter(role__in=hemtjanst, confirmed_at__isnull=False):
        participant.confirmed_at, participant.representative = None, ""
        save_as(participant, actor, update_fields=["confirmed_at", "representative"], reason=reason)
    events.record(
        case,
        events.Kind.MEETING_MOVED,
        actor,
        payload={
            "meeting_id": meeting.pk,
            "starts_at": starts_at.isoformat(),
            "previous_starts_at": previous.isoformat(),
            "reason": reason,
        },
    )
    notices = hooks.meeting_moved(meeting=meeting, actor=actor, previous_starts_at=previous)
    return MeetingMoved(meeting, notices)


@transaction.atomic
def meeting_confirm_participant(
    *, actor, participant: MeetingParticipant, representative: str = ""
) -> MeetingParticipant:
    """Hemtjänst confirms the invitation in writing and names who will come (001)."""
    participant = (
        MeetingParticipant.objects.select_for_update(of=("self",))
        .select_related("meeting__case")
        .get(pk=participant.pk)
    )
    from_hemtjanst = participant.role in (
        MeetingParticipant.Role.HEMTJANST_DAY,
        MeetingParticipant.Role.HEMTJANST_NIGHT,
    )
    if from_hemtjanst and not representative.strip():
        raise DomainValidationError(_("Name hemtjänst's representative."), field="representative")
    participant.confirmed_at, participant.representative = timezone.now(), representative
    save_as(participant, actor, update_fields=["confirmed_at", "representative"])
    events.record(
        participant.meeting.case,
        events.Kind.MEETING_CONFIRMED,
        actor,
        payload={"meeting_id": participant.meeting_id, "role": participant.role, "representative": representative},
    )
    return participant


@transaction.atomic
def meeting_record_outcome(
    *, actor, meeting: FollowUpMeeting, continued_needs: str, further_support: str, note: str = ""
) -> FollowUpMeeting:
    """The chairing case officer records the client's continued needs and the decision on further support."""
    meeting = FollowUpMeeting.objects.select_for_update(of=("self",)).select_related("case").get(pk=meeting.pk)
    if meeting.status == FollowUpMeeting.Status.CANCELLED:
        raise DomainError(_("The meeting is cancelled."), code="meeting_cancelled")
    if meeting.starts_at > timezone.now():
        raise DomainError(_("The outcome is recorded after the meeting."), code="meeting_not_held")
    if not continued_needs.strip():
        raise DomainValidationError(_("Describe the client's continued needs."), field="continued_needs")
    if further_support not in FollowUpMeeting.FurtherSupport.values:
        raise DomainValidationError(_("Choose the decision on further support."), field="further_support")
    corrected = meeting.status == FollowUpMeeting.Status.HELD
    meeting.status, meeting.continued_needs, meeting.further_support = (
        FollowUpMeeting.Status.HELD,
        continued_needs,
        further_support,
    )
    meeting.outcome_note, meeting.outcome_recorded_by, meeting.outcome_recorded_at = note, actor, timezone.now()
    save_as(meeting, actor)
    # A held meeting's outcome corrected later is its own event, marked so that the follow-up counts it once.
    events.record(
        meeting.case,
        events.Kind.MEETING_HELD,
        actor,
        payload={
            "meeting_id": meeting.pk,
            "starts_at": meeting.starts_at.isoformat(),
            "further_support": further_support,
            "corrected": corrected,
        },
    )
    return meeting


def end_of_support(case: Case, *, to: str, actor, reason: str) -> None:
    """The case has ended (closed, readmitted, withdrawn, declined): the team's planned visits from now on
    and a booked follow-up meeting are cancelled, so that no board shows a visit nobody should make."""
    reason = reason or CaseState(to).label
    now = timezone.now()
    for visit in Visit.objects.filter(case=case, status=Visit.Status.PLANNED, planned_start__gte=now):
        visit.status, visit.cancel_reason = Visit.Status.CANCELLED, str(reason)[:300]
        save_as(visit, actor, update_fields=["status", "cancel_reason"])
    meeting = FollowUpMeeting.objects.filter(
        case=case, status=FollowUpMeeting.Status.BOOKED, starts_at__gte=now
    ).first()
    if meeting is not None:
        meeting.status = FollowUpMeeting.Status.CANCELLED
        save_as(meeting, actor, update_fields=["status"], reason=str(reason))


def visits_follow_decision_change(change, *, actor) -> None:
    """The visits follow an ändringsbeslut (registered on `cases.hooks.on_decision_changed`).

    Only while the support runs: before the start nothing is planned yet, and the start plans from the
    decision as it then stands. From now on: removed interventions leave the planned visits, and a
    visit left with none is cancelled; a shorter period cancels the planned visits (and a booked
    follow-up meeting) after its new end; a
    longer one plans its new days (from tomorrow at the earliest); added interventions get visits from
    tomorrow to the old end (the new days have them already). Logged visits are never touched.
    """
    case = Case.objects.select_related("decision", "team").get(pk=change.case_id)
    if not case.is_running:
        return
    now = timezone.now()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    reason = (_("Decision change: %(reason)s") % {"reason": change.reason})[:300]
    future = Visit.objects.filter(case=case, status=Visit.Status.PLANNED, planned_start__gte=now)
    if change.removed_ids:
        _take_off_visits(case, change.removed_ids, since=now, actor=actor, reason=reason, in_force=False)
    if change.new_end_date < change.old_end_date:
        after_end = future.filter(planned_start__gte=_aware(change.new_end_date + dt.timedelta(days=1), dt.time.min))
        for visit in after_end:
            visit.status, visit.cancel_reason = Visit.Status.CANCELLED, reason
            save_as(visit, actor, update_fields=["status", "cancel_reason"])
        # A follow-up meeting after the new end would follow up support that is over: it is cancelled,
        # and the case officer books a new one if it is still needed.
        meeting = FollowUpMeeting.objects.filter(
            case=case,
            status=FollowUpMeeting.Status.BOOKED,
            starts_at__gte=_aware(change.new_end_date + dt.timedelta(days=1), dt.time.min),
        ).first()
        if meeting is not None:
            meeting.status = FollowUpMeeting.Status.CANCELLED
            save_as(meeting, actor, update_fields=["status"], reason=reason[:100])
    if change.new_end_date > change.old_end_date:
        visits_plan(case=case, actor=actor, from_day=max(change.old_end_date + dt.timedelta(days=1), tomorrow))
    if change.added_ids:
        visits_plan(
            case=case,
            actor=actor,
            from_day=tomorrow,
            to_day=min(change.old_end_date, change.new_end_date),
            only_ids=set(change.added_ids),
        )


def start_of_support(case: Case, *, to: str, actor, reason: str) -> None:
    """What happens when the team receives the client: visits planned, follow-up meeting booked."""
    homecoming = case.homecoming_at or timezone.now()
    visits_plan(case=case, actor=actor, from_day=timezone.localdate(), not_before=homecoming)
    meeting_book(case=case, actor=actor)
