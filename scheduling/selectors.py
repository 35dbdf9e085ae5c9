"""The queries of the team's pages, chosen once."""

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.access import visible_cases
from cases.models import RUNNING_STATES, CaseEvent, CaseState, Intervention
from cases.timeline import TimelineEntry

from . import calendar
from .models import FollowUpMeeting, JournalEntry, MeetingParticipant, Visit, VisitIntervention
from .others import carried_out_by_others

VISIT_RELATED = ("case__client", "case__care_plan", "case__referral", "case__decision", "assigned_to")


def _visit_queryset() -> QuerySet:
    return Visit.objects.select_related(*VISIT_RELATED).prefetch_related(
        Prefetch(
            "visit_interventions",
            queryset=VisitIntervention.objects.select_related("intervention__intervention_type"),
        )
    )


def day_board(user, *, team_id: int, day: dt.date, days: int = 2, staff_id: int | None = None) -> list[Visit]:
    """The team's visits of `day` and the next (today and tomorrow), in time order; cancelled ones out.
    Two queries whatever the number of visits: the visits with client and plan, and their interventions."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=days)
    qs = (
        _visit_queryset()
        .filter(
            case__in=visible_cases(user).filter(state__in=RUNNING_STATES),
            team_id=team_id,
            planned_start__gte=start,
            planned_start__lt=end,
        )
        .exclude(status=Visit.Status.CANCELLED)
    )
    if staff_id:
        qs = qs.filter(assigned_to_id=staff_id)
    return list(qs.order_by("planned_start"))


def case_visits(case) -> list[Visit]:
    return list(_visit_queryset().filter(case=case).order_by("planned_start"))


def team_interventions(case) -> list[Intervention]:
    """The decision's interventions the team carries out in its hours (night and out-of-hours ones are
    others' from the start): those hemtjänst can take over step by step from day 6 (one query)."""
    decision = getattr(case, "decision", None)
    if decision is None or case.team is None:
        return []
    return [
        i
        for i in Intervention.objects.filter(decision=decision).select_related("intervention_type").order_by("id")
        if calendar.slot_within_team_hours(case.team, i.part_of_day) is not None
    ]


def visit_queryset() -> QuerySet:
    """A visit with its case, client, plan, decision and team and its interventions (two queries)."""
    return _visit_queryset().select_related("case__decision", "case__team")


def visit_for_log(pk: int) -> Visit | None:
    return visit_queryset().filter(pk=pk).first()


def journal(case, kinds: list[str]) -> list[JournalEntry]:
    """The entries of the kinds the reader may see, newest first, each with the entry that corrects it.
    One query: the correction is a reverse one-to-one, joined in the same SELECT."""
    return list(
        JournalEntry.objects.filter(case=case, kind__in=kinds)
        .select_related("author", "correction", "correction__author", "visit")
        .order_by("-signed_at")
    )


def meeting_detail(case) -> FollowUpMeeting | None:
    return (
        FollowUpMeeting.objects.select_related("chair", "outcome_recorded_by")
        .prefetch_related(Prefetch("participants", queryset=MeetingParticipant.objects.order_by("id")))
        .filter(case=case)
        .first()
    )


def case_work_summary(case, user) -> dict:
    """What the case page shows of the team's work: the meeting, the next visits, who does what; the same
    for everyone who sees the case (registered as the case page's section "work")."""
    # Once the support has started there is work to show, also after it ended.
    if case.state not in (*RUNNING_STATES, CaseState.CLOSED, CaseState.READMITTED, CaseState.WITHDRAWN):
        return {}
    now = timezone.now()
    upcoming = list(
        Visit.objects.filter(case=case, status=Visit.Status.PLANNED, planned_start__gte=now - dt.timedelta(hours=2))
        .select_related("assigned_to")
        .order_by("planned_start")[:3]
    )
    # Past visits nobody logged (Ej dokumenterat): planned and started before now, ended by the property.
    past = Visit.objects.filter(case=case, status=Visit.Status.PLANNED, planned_start__lt=now).order_by("planned_start")
    return {
        "meeting": FollowUpMeeting.objects.filter(case=case).first(),
        "upcoming_visits": upcoming,
        "undocumented_visits": [v for v in past if v.is_undocumented],
        "by_others": carried_out_by_others(case),
    }


def _when(value: str) -> str:
    return date_format(timezone.localtime(dt.datetime.fromisoformat(value)), "l j F H:i")


def timeline_meeting(event, who) -> list:
    """The follow-up meeting's events in the case timeline: booked, moved (to when, from when, and why),
    confirmed by hemtjänst and held. Registered with cases.hooks from SchedulingConfig.ready()."""
    p = event.payload
    if event.kind == CaseEvent.Kind.MEETING_BOOKED:
        return [TimelineEntry(event.at, who, _("Follow-up meeting booked"), _when(p["starts_at"]))]
    if event.kind == CaseEvent.Kind.MEETING_MOVED:
        detail = _("%(when)s (before: %(before)s). %(reason)s") % {
            "when": _when(p["starts_at"]),
            "before": _when(p["previous_starts_at"]),
            "reason": p.get("reason", ""),
        }
        return [TimelineEntry(event.at, who, _("Follow-up meeting moved"), detail.strip())]
    if event.kind == CaseEvent.Kind.MEETING_HELD:
        return [TimelineEntry(event.at, who, _("Follow-up meeting held"), _when(p["starts_at"]))]
    if event.kind == CaseEvent.Kind.MEETING_CONFIRMED:
        return [TimelineEntry(event.at, who, _("Follow-up meeting confirmed"), p.get("representative", ""))]
    if event.kind == CaseEvent.Kind.TAPERING_SET:
        if p.get("hemtjanst_from"):
            text = _("Hemtjänst carries out %(what)s from %(date)s.") % {"what": p["name"], "date": p["hemtjanst_from"]}
        else:
            text = _("The team carries out %(what)s again.") % {"what": p["name"]}
        return [TimelineEntry(event.at, who, _("Tapering to hemtjänst"), text)]
    return []
