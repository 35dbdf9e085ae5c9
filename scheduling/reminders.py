"""The reminder rules about the day-6 follow-up meeting and the team's visits (issue 10).

Registered in SchedulingConfig.ready(); the engine (notifications.reminders) stores what they find once
per (kind, object, due day, recipient) and asks `still_due` again just before sending. Each rule has one
predicate, used both to find what is due and to check that its cause is still there, so that "found due"
and "still due" can never drift apart.

Every candidate query reads a bounded window around today through a partial index — booked meetings
(`meeting_booked_idx`) of open cases, planned visits (`visit_planned_idx`) of running cases — so a sweep's
cost follows the work in hand, not the years of closed cases. The window reaches a week back: a sweep
missed while the worker or Redis was down is caught up by the next one within that week.

Texts name the case's reference, the kind of thing and its date and time, never the client: they go out
by e-mail.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from cases.models import OPEN_STATES, RUNNING_STATES, Role
from notifications.models import Notification
from notifications.reminders import Due, Leads, People, Rule, Setting, active, at_local, day_bounds, local_day

from . import calendar, hooks
from .models import FollowUpMeeting, MeetingParticipant, Visit

Kind = Notification.Kind

# How far back the candidates reach: a sweep missed for up to a week is caught up. It also covers the
# longest wait for "the next working day" (Maundy Thursday to the Tuesday after Easter is five days).
CATCH_UP_DAYS = 7

HEMTJANST_ROLES = (MeetingParticipant.Role.HEMTJANST_DAY, MeetingParticipant.Role.HEMTJANST_NIGHT)


def _day(day: dt.date) -> str:
    return date_format(day, "j F")


def _time(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "H:i")


# --- the follow-up meeting ----------------------------------------------------------------------------


def _booked_meetings(first_day: dt.date, last_day: dt.date):
    """Booked meetings of open cases whose local day lies in first_day–last_day (`meeting_booked_idx`)."""
    since, _next = day_bounds(first_day)
    _last, until = day_bounds(last_day)
    participants = MeetingParticipant.objects.select_related("user").order_by("pk")
    return (
        FollowUpMeeting.objects.filter(
            status=FollowUpMeeting.Status.BOOKED,
            starts_at__gte=since,
            starts_at__lt=until,
            case__state__in=OPEN_STATES,
        )
        .select_related("case__municipality", "case__case_officer", "chair")
        .prefetch_related(Prefetch("participants", queryset=participants))
        .order_by("starts_at", "pk")
    )


def _booked_meeting(meeting_id: int) -> FollowUpMeeting | None:
    """The meeting, if it is still booked and its case open (any day: the rule's predicate says the rest)."""
    return (
        FollowUpMeeting.objects.filter(pk=meeting_id, status=FollowUpMeeting.Status.BOOKED, case__state__in=OPEN_STATES)
        .select_related("case__municipality", "case__case_officer", "chair")
        .prefetch_related(Prefetch("participants", queryset=MeetingParticipant.objects.order_by("pk")))
        .first()
    )


def _meeting_day(meeting: FollowUpMeeting) -> dt.date:
    return local_day(meeting.starts_at)


def _meeting_due(meeting: FollowUpMeeting, **fields) -> Due:
    return Due(
        object_id=meeting.pk,
        due_on=_meeting_day(meeting),
        case=meeting.case,
        url_name="meeting",
        url_args=(meeting.case_id,),
        **fields,
    )


def _still(predicate):
    """`still_due` of a meeting rule: the meeting still booked, its case open, still on the day the
    reminder was for (a meeting moved to another day has a reminder of its own), and still due."""

    def still_due(meeting_id: int, due_on: dt.date, now: dt.datetime) -> bool:
        meeting = _booked_meeting(meeting_id)
        return meeting is not None and _meeting_day(meeting) == due_on and predicate(meeting, now)

    return still_due


# 1. The meeting is tomorrow -----------------------------------------------------------------------------


def meeting_tomorrow_is_due(meeting: FollowUpMeeting, now: dt.datetime) -> bool:
    """Tomorrow by the calendar in Stockholm (not 'within 24 hours': the night summer time starts has 23),
    or today and not begun yet — a sweep missed yesterday still reminds in time."""
    day, today = _meeting_day(meeting), local_day(now)
    return day == today + dt.timedelta(days=1) or (day == today and meeting.starts_at > now)


def _meeting_people(meeting: FollowUpMeeting, people: People) -> list:
    """The participants who are users, the team's staff when the team takes part (its participant row
    names the team, not a person), the chair and the case officer (each once: notify keys by user).
    Hemtjänst's participants are added by handover (`scheduling.hooks.register_meeting_audience`)."""
    participants = meeting.participants.all()
    users = [p.user for p in participants if p.user_id is not None]
    if any(p.role == MeetingParticipant.Role.TEAM for p in participants):
        users += people.team_staff(meeting.case.team_id)
    users += [meeting.chair, meeting.case.case_officer]
    return active(user for user in users if user is not None)


def meeting_tomorrow_find(now: dt.datetime):
    today, people = local_day(now), People()
    for meeting in _booked_meetings(today, today + dt.timedelta(days=1)):
        if not meeting_tomorrow_is_due(meeting, now):
            continue
        reference, day = meeting.case.reference, _meeting_day(meeting)
        with override(settings.LANGUAGE_CODE):
            if day == today:
                subject = _("Hemgång: follow-up meeting today for %(reference)s") % {"reference": reference}
            else:
                subject = _("Hemgång: follow-up meeting tomorrow for %(reference)s") % {"reference": reference}
            body = _("The follow-up meeting for case %(reference)s is on %(day)s at %(time)s.") % {
                "reference": reference,
                "day": _day(day),
                "time": _time(meeting.starts_at),
            }
        yield _meeting_due(meeting, recipients=_meeting_people(meeting, people), subject=subject, body=body)
        for audience in hooks.meeting_audiences(meeting):
            yield Due(
                object_id=meeting.pk,
                due_on=day,
                case=meeting.case,
                recipients=active(audience.users),
                subject=subject,
                body=body,
                url_name=audience.url_name,
                url_args=audience.url_args,
            )


# 2. Hemtjänst has not confirmed it ----------------------------------------------------------------------


def confirm_by(meeting: FollowUpMeeting, working_days: int) -> dt.date:
    """The day from which an unconfirmed meeting is reminded: `working_days` helgfria vardagar before it
    (2 by default: a Wednesday meeting on the Monday)."""
    return calendar.working_days_before(_meeting_day(meeting), working_days, calendar.helgfri_vardag)


def _unconfirmed_is_due(leads: Leads):
    def is_due(meeting: FollowUpMeeting, now: dt.datetime) -> bool:
        """Not begun yet, on or after the day it should be confirmed by, and a hemtjänst participant (day
        or night) has not confirmed (001: the coordinator confirms in writing and names a representative)."""
        return (
            meeting.starts_at > now
            and local_day(now) >= confirm_by(meeting, leads.for_case(meeting.case))
            and any(p.role in HEMTJANST_ROLES and p.confirmed_at is None for p in meeting.participants.all())
        )

    return is_due


def meeting_unconfirmed_find(now: dt.datetime):
    today, leads = local_day(now), Leads(Setting.MEETING_CONFIRM_WORKING_DAYS)
    is_due, people = _unconfirmed_is_due(leads), People()
    # The latest meeting day any municipality's lead reaches from today (see calendar.working_days_after).
    last = calendar.working_days_after(today, leads.largest, calendar.helgfri_vardag)
    for meeting in _booked_meetings(today, last):
        if not is_due(meeting, now):
            continue
        reference = meeting.case.reference
        with override(settings.LANGUAGE_CODE):
            subject = _("Hemgång: follow-up meeting for %(reference)s not confirmed by hemtjänst") % {
                "reference": reference
            }
            body = _(
                "Hemtjänst has not confirmed the follow-up meeting for case %(reference)s on %(day)s at %(time)s. "
                "Ask the hemtjänst coordinator to confirm it and name a representative."
            ) % {"reference": reference, "day": _day(_meeting_day(meeting)), "time": _time(meeting.starts_at)}
        yield _meeting_due(meeting, recipients=people.team_staff(meeting.case.team_id), subject=subject, body=body)


def meeting_unconfirmed_still(meeting_id: int, due_on: dt.date, now: dt.datetime) -> bool:
    return _still(_unconfirmed_is_due(Leads(Setting.MEETING_CONFIRM_WORKING_DAYS)))(meeting_id, due_on, now)


# 3. The outcome is not recorded -------------------------------------------------------------------------


def outcome_due_from(meeting: FollowUpMeeting) -> dt.date:
    """The case officers' first working day after the meeting's day: the chair records the outcome then
    at the latest (a Friday meeting on the Monday, unless the municipality's case officers work weekends)."""
    municipality = meeting.case.municipality
    return calendar.next_working_day(
        _meeting_day(meeting), lambda day: calendar.case_officers_work_on(municipality, day)
    )


def meeting_outcome_is_due(meeting: FollowUpMeeting, now: dt.datetime) -> bool:
    """Still booked (no outcome recorded: recording it makes it held) on or after that day."""
    return local_day(now) >= outcome_due_from(meeting)


def _chair_or_officer(meeting: FollowUpMeeting) -> list:
    """The chair records the outcome; the case officer when the chair is gone (no longer active)."""
    for user in (meeting.chair, meeting.case.case_officer):
        if user is not None and user.is_active:
            return [user]
    return []


def meeting_outcome_missing_find(now: dt.datetime):
    today = local_day(now)
    for meeting in _booked_meetings(today - dt.timedelta(days=CATCH_UP_DAYS), today - dt.timedelta(days=1)):
        if not meeting_outcome_is_due(meeting, now):
            continue
        reference = meeting.case.reference
        with override(settings.LANGUAGE_CODE):
            subject = _("Hemgång: outcome of the follow-up meeting for %(reference)s not recorded") % {
                "reference": reference
            }
            body = _(
                "The follow-up meeting for case %(reference)s was on %(day)s, but its outcome is not recorded. "
                "Record the continued needs and the decision on further support."
            ) % {"reference": reference, "day": _day(_meeting_day(meeting))}
        yield _meeting_due(meeting, recipients=_chair_or_officer(meeting), subject=subject, body=body)


# --- the visits ---------------------------------------------------------------------------------------


def _planned_visits(first_day: dt.date, last_day: dt.date):
    """Planned (never logged) visits of running cases whose local day lies in first_day–last_day
    (`visit_planned_idx`)."""
    since, _next = day_bounds(first_day)
    _last, until = day_bounds(last_day)
    return (
        Visit.objects.filter(
            status=Visit.Status.PLANNED,
            planned_start__gte=since,
            planned_start__lt=until,
            case__state__in=RUNNING_STATES,
        )
        .select_related("case", "team", "assigned_to")
        .order_by("planned_start", "pk")
    )


def _visit_day(visit: Visit) -> dt.date:
    return local_day(visit.planned_start)


def visit_undocumented_is_due(visit: Visit, now: dt.datetime) -> bool:
    """Its day is over: the team's day has ended on the visit's local date (and the visit with it)."""
    return now >= max(visit.planned_end, at_local(_visit_day(visit), visit.team.day_ends_at))


def visit_undocumented_team_is_due(visit: Visit, now: dt.datetime) -> bool:
    """Still not logged when the team's next working day after the visit's day begins."""
    team = visit.team
    next_day = calendar.next_working_day(_visit_day(visit), lambda day: calendar.team_works_on(team, day))
    return now >= at_local(next_day, team.day_starts_at)


def _visit_texts(visit: Visit, *, to_team: bool) -> tuple[str, str]:
    values = {
        "reference": visit.case.reference,
        "day": _day(_visit_day(visit)),
        "time": _time(visit.planned_start),
    }
    with override(settings.LANGUAGE_CODE):
        if to_team:
            subject = _("Hemgång: visit still not documented for %(reference)s") % values
            body = (
                _(
                    "The visit for case %(reference)s planned on %(day)s at %(time)s is still not logged. Log it as "
                    "performed or not performed, so that the record is complete."
                )
                % values
            )
        else:
            subject = _("Hemgång: visit not documented for %(reference)s") % values
            body = (
                _(
                    "The visit for case %(reference)s planned on %(day)s at %(time)s has not been logged. Log it as "
                    "performed or not performed."
                )
                % values
            )
    return subject, body


def _visits_find(now: dt.datetime, *, to_team: bool):
    today, people = local_day(now), People()
    is_due = visit_undocumented_team_is_due if to_team else visit_undocumented_is_due
    for visit in _planned_visits(today - dt.timedelta(days=CATCH_UP_DAYS), today):
        if not is_due(visit, now):
            continue
        # The visit's staff first; the team when nobody (still active) was assigned, so nobody is forgotten.
        recipients = [] if to_team else active([visit.assigned_to] if visit.assigned_to else [])
        subject, body = _visit_texts(visit, to_team=to_team)
        yield Due(
            object_id=visit.pk,
            due_on=_visit_day(visit),
            case=visit.case,
            recipients=recipients or people.team_staff(visit.team_id),
            subject=subject,
            body=body,
            url_name="visit_log",
            url_args=(visit.pk,),
        )


def visit_undocumented_find(now):
    return _visits_find(now, to_team=False)


def visit_undocumented_team_find(now):
    return _visits_find(now, to_team=True)


def _visit_still(predicate):
    """Cause gone: logged (no longer planned), cancelled, the case no longer running, or moved to another
    day (which has its own reminder)."""

    def still_due(visit_id: int, due_on: dt.date, now: dt.datetime) -> bool:
        visit = (
            Visit.objects.filter(pk=visit_id, status=Visit.Status.PLANNED, case__state__in=RUNNING_STATES)
            .select_related("team")
            .first()
        )
        return visit is not None and _visit_day(visit) == due_on and predicate(visit, now)

    return still_due


RULES = [
    Rule(
        Kind.MEETING_TOMORROW,
        meeting_tomorrow_find,
        _still(meeting_tomorrow_is_due),
        roles=(Role.CASE_OFFICER, Role.TEAM_STAFF, Role.COORDINATOR, Role.UNIT_MANAGER),
    ),
    Rule(
        Kind.MEETING_UNCONFIRMED,
        meeting_unconfirmed_find,
        meeting_unconfirmed_still,
        setting=Setting.MEETING_CONFIRM_WORKING_DAYS,
        roles=(Role.TEAM_STAFF,),
    ),
    Rule(
        Kind.MEETING_OUTCOME_MISSING,
        meeting_outcome_missing_find,
        _still(meeting_outcome_is_due),
        roles=(Role.CASE_OFFICER,),
    ),
    Rule(
        Kind.VISIT_UNDOCUMENTED,
        visit_undocumented_find,
        _visit_still(visit_undocumented_is_due),
        roles=(Role.TEAM_STAFF,),
    ),
    Rule(
        Kind.VISIT_UNDOCUMENTED_TEAM,
        visit_undocumented_team_find,
        _visit_still(visit_undocumented_team_is_due),
        roles=(Role.TEAM_STAFF,),
    ),
]
