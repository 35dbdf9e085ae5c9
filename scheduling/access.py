"""Who may do what in the team's daily work: visits, the journal and the day-6 meeting.

The rules are added to the same rule set as `cases/access.py`, from whose predicates they are built
(SchedulingConfig.ready() imports this module). The `get_*_for` functions fetch an object a URL names with
the check and the access-log entry in one call: an object the user may not see is a 404.
"""

import rules
from django.db.models import QuerySet

from cases.access import (
    can_view_case,
    case_is_open,
    case_is_running,
    case_officer_of_municipality,
    has_profession,
    is_health_professional,
    is_team_member,
    is_team_staff,
    read_of_case,
    receiving_coordinator,
    refuse_read_of,
    staff_of_case,
    team_of_case,
    visible_cases,
)
from cases.models import DELEGATED_HEALTH_PROFESSIONS, HEALTH_PROFESSIONS, Case

from .models import JournalEntry, MeetingParticipant, Visit

rules.add_perm("scheduling.view_day_board", is_team_member)
rules.add_perm("scheduling.plan_visits", team_of_case & case_is_running)
rules.add_perm("scheduling.log_visit", team_of_case & is_team_staff & case_is_running)
# Who may be given a case's visit: the staff of its team (the unit manager plans, but does not visit).
rules.add_perm("scheduling.carry_out_visits", staff_of_case)
rules.add_perm("scheduling.read_social_journal", team_of_case | case_officer_of_municipality)
rules.add_perm("scheduling.write_social_journal", team_of_case & is_team_staff & case_is_running)
rules.add_perm("scheduling.read_health_journal", team_of_case & is_health_professional)
rules.add_perm("scheduling.write_health_journal", team_of_case & is_health_professional & case_is_running)
# Who signs an entry at all, whichever page or API it comes from (SOSFS 2014:5, PDL 3 kap.): the team's
# staff write the SoL social documentation; the HSL record is written by those who keep it in their own
# right, and by USK only for a delegated task (cases.models.HEALTH_PROFESSIONS / DELEGATED_HEALTH_PROFESSIONS).
rules.add_perm("scheduling.sign_journal", is_team_staff)
rules.add_perm("scheduling.sign_health_record", has_profession(*HEALTH_PROFESSIONS))
rules.add_perm("scheduling.sign_delegated_health_record", has_profession(*DELEGATED_HEALTH_PROFESSIONS))
rules.add_perm("scheduling.view_meeting", can_view_case)
rules.add_perm("scheduling.manage_meeting", (case_officer_of_municipality | team_of_case) & case_is_open)
rules.add_perm("scheduling.record_meeting_outcome", case_officer_of_municipality & case_is_open)
# The day-6 meeting's invitation (.ics, no personal data) for those who see the case and for hemtjänst's
# coordinators whose unit is on it: they take part in the meeting (001).
rules.add_perm("scheduling.fetch_meeting_ics", can_view_case | receiving_coordinator)

# The journal's two records and the rules that open them (SoL social documentation, the HSL record).
JOURNAL_READ_PERMISSIONS = {
    JournalEntry.Kind.SOCIAL: "scheduling.read_social_journal",
    JournalEntry.Kind.HEALTH: "scheduling.read_health_journal",
}
JOURNAL_WRITE_PERMISSIONS = {
    JournalEntry.Kind.SOCIAL: "scheduling.write_social_journal",
    JournalEntry.Kind.HEALTH: "scheduling.write_health_journal",
}


def readable_kinds(user, case) -> list[str]:
    """The journal's records `user` may read on `case`."""
    return [kind for kind, perm in JOURNAL_READ_PERMISSIONS.items() if user.has_perm(perm, case)]


def writable_kinds(user, case) -> list[str]:
    """The journal's records `user` may write in on `case`."""
    return [kind for kind, perm in JOURNAL_WRITE_PERMISSIONS.items() if user.has_perm(perm, case)]


# --- fetch with check and log ----------------------------------------------------------------------


def get_visit_for(request, pk, *, perm: str, what: str, queryset: QuerySet | None = None) -> Visit:
    """The visit `pk` if the user may `perm` its case, logged as a read of the case's client; 404 otherwise."""
    base = Visit.objects.select_related("case") if queryset is None else queryset
    visit = base.filter(pk=pk, case__in=visible_cases(request.user)).first()
    if visit is None:
        refuse_read_of(request, Case.objects.filter(pk__in=Visit.objects.filter(pk=pk).values("case")), what=what)
    case = visit.case
    read_of_case(request, case, [(perm, case)], what=what)
    return visit


def get_journal_entry_for(
    request, pk, *, perm: str = "scheduling.read_social_journal", what: str, queryset: QuerySet | None = None
) -> JournalEntry:
    """The journal entry `pk` if the user may `perm` its case and read its record (an HSL entry only for
    those who read the health record), logged as a read of the client; 404 otherwise."""
    base = JournalEntry.objects.select_related("case") if queryset is None else queryset
    entry = base.filter(pk=pk, case__in=visible_cases(request.user)).first()
    if entry is None:
        refuse_read_of(
            request, Case.objects.filter(pk__in=JournalEntry.objects.filter(pk=pk).values("case")), what=what
        )
    case = entry.case
    record_rule = [(JOURNAL_READ_PERMISSIONS[entry.kind], case)]
    read_of_case(request, case, [(perm, case), *record_rule], what=what)
    return entry


def get_participant_for(
    request, pk, *, perm: str = "scheduling.manage_meeting", what: str, queryset: QuerySet | None = None
) -> MeetingParticipant:
    """A participant of a follow-up meeting if the user may `perm` the meeting's case (`queryset` narrows it
    to one meeting's), logged as a read of the client; 404 otherwise."""
    base = MeetingParticipant.objects.all() if queryset is None else queryset
    participant = (
        base.select_related("meeting__case").filter(pk=pk, meeting__case__in=visible_cases(request.user)).first()
    )
    if participant is None:
        meetings = MeetingParticipant.objects.filter(pk=pk).values("meeting__case")
        refuse_read_of(request, Case.objects.filter(pk__in=meetings), what=what)
    case = participant.meeting.case
    read_of_case(request, case, [(perm, case)], what=what)
    return participant
