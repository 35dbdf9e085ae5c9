"""The unit manager's follow-up figures, each on small hand-built data with the expected numbers worked out
by hand. Cases are built through the services with time moved to the day things happened; the period is
March 2026 unless a test says otherwise (summer time starts on 29 March 2026, 02:00)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone, translation

from cases import services
from cases.models import Referral
from followup.selectors import (
    actual_intake_last_12_months,
    capacity_plan,
    caseload_now,
    monthly_trend,
    period_figures,
)
from hemgang.errors import DomainError
from measures import services as measures
from notifications.reminders import at_local
from scheduling import services as scheduling
from scheduling.models import FollowUpMeeting, Visit

from .. import factories as f

MARCH = {"start": dt.date(2026, 3, 1), "end": dt.date(2026, 3, 31)}


UNSET = object()


def at_(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return at_local(day, dt.time(hour, minute))


def home(world, day, *, hour=9, minute=0, ready=UNSET, team=None, source=Referral.Source.HOSPITAL, days=28):
    """A case whose client comes home at `hour` on `day` (the decision starts that day); the referral says
    the patient was ready for discharge at `ready` (the homecoming moment when not given; None: not known)."""
    team = team or world.team
    moment = at_(day, hour, minute)
    with time_machine.travel(moment, tick=False):
        case = f.referred_case(
            world.officer,
            ready_for_discharge_at=moment if ready is UNSET else ready,
            admitted_on=day - dt.timedelta(days=20),
            planned_homecoming_on=day,
            source=source,
        )
        f.consent(world.officer, case)
        f.decision(world.officer, case, team, world.types, world.basis, start=day, days=days)
        case.refresh_from_db()
        staff = world.staff if team == world.team else world.other_staff
        return services.case_start(actor=staff, case=case, homecoming_at=moment)


def end(world, case, day, *, hour=15, minute=0, how="withdraw"):
    """The support ends on `day`: the client says no (withdraw) or goes back to hospital (readmit)."""
    with time_machine.travel(at_(day, hour, minute), tick=False):
        ending = {"withdraw": services.case_withdraw, "readmit": services.case_readmit}[how]
        return ending(actor=world.officer, case=case, reason="Avslutas")


def close(world, case, day):
    """The support ends properly: handed over and closed on hemtjänst's receipts, on `day` (consent renewed
    that day, so that the handover may go to hemtjänst)."""
    with time_machine.travel(at_(day, 14), tick=False):
        f.consent(world.officer, case)
        f.hand_over(world.staff, case)
        f.close(world.staff, case)
    case.refresh_from_db()
    assert case.state == "closed"
    return case


def referral(world, day, *, actor=None, **fields):
    with time_machine.travel(at_(day, 10), tick=False):
        return f.referred_case(actor or world.officer, **fields)


# --- bad input ----------------------------------------------------------------------------------------


def test_it_refuses_a_period_that_ends_before_it_starts(world):
    with translation.override("sv"), pytest.raises(DomainError) as refused:
        period_figures(teams=[world.team], start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 1))
    assert str(refused.value.message) == "Perioden slutar (2026-03-01) innan den börjar (2026-03-02)."
    assert refused.value.field == "end"
    with pytest.raises(DomainError):
        monthly_trend(teams=[world.team], start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 1))


def test_it_takes_a_period_of_one_day(world):
    figures = period_figures(teams=[world.team], start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 1))
    assert (figures.started, figures.ended, figures.length_median_days) == (0, 0, None)


def test_it_refuses_no_team(world):
    with translation.override("sv"), pytest.raises(DomainError) as refused:
        period_figures(teams=[], **MARCH)
    assert str(refused.value.message) == "Välj minst ett team."


def test_it_refuses_an_unknown_team(world):
    with translation.override("sv"), pytest.raises(DomainError) as refused:
        period_figures(teams=[world.team.pk, 987654], **MARCH)
    assert str(refused.value.message) == "Det finns inget sådant team."
    with pytest.raises(DomainError):
        caseload_now(teams=[987654])


# --- started, ended, length ---------------------------------------------------------------------------


@pytest.fixture
def lengths(world):
    """Supports of known length (days from the homecoming's day to the end's day, both counted):

    | case | home            | end              | length | in March        |
    | A    | Mon 2 Mar 09:00 | 6 Mar            | 5      | started, ended  |
    | B    | 2 Mar           | 11 Mar (closed)  | 10     | started, ended  |
    | C    | 3 Mar           | 14 Mar           | 12     | started, ended  |
    | D    | 3 Mar           | 20 Mar (readmit) | 18     | started, ended  |
    | E    | 25 Feb          | 15 Mar           | 19     | ended           |
    | F    | 1 Feb           | 2 Mar            | 30     | ended           |
    | G    | 31 Mar 23:30    | 1 Apr 00:10      | 2      | started         |
    | H    | 28 Feb 23:59    | 1 Apr 12:00      | 33     | neither         |
    | S    | 10 Mar, Team Söder, 16 Mar          | 7      | another team    |
    plus a referral declined on 10 March: neither started nor ended. Team Norr gives support for up to
    40 days here, so that a support can be longer than the buckets' 28.
    """
    world.team.max_support_days = 40
    world.team.save(update_fields=["max_support_days"])
    day = dt.date
    cases = {
        "A": home(world, day(2026, 3, 2)),
        "B": home(world, day(2026, 3, 2)),
        "C": home(world, day(2026, 3, 3)),
        "D": home(world, day(2026, 3, 3)),
        "E": home(world, day(2026, 2, 25)),
        "F": home(world, day(2026, 2, 1), days=40),
        "G": home(world, day(2026, 3, 31), hour=23, minute=30),
        "H": home(world, day(2026, 2, 28), hour=23, minute=59, days=40),
        "S": home(world, day(2026, 3, 10), team=world.other_team),
    }
    end(world, cases["A"], day(2026, 3, 6))
    close(world, cases["B"], day(2026, 3, 11))
    end(world, cases["C"], day(2026, 3, 14))
    end(world, cases["D"], day(2026, 3, 20), how="readmit")
    end(world, cases["E"], day(2026, 3, 15))
    end(world, cases["F"], day(2026, 3, 2))
    end(world, cases["G"], day(2026, 4, 1), hour=0, minute=10)
    end(world, cases["H"], day(2026, 4, 1), hour=12)
    end(world, cases["S"], day(2026, 3, 16))
    declined = referral(world, day(2026, 3, 10))
    with time_machine.travel(at_(day(2026, 3, 10), 11), tick=False):
        services.case_decline(actor=world.officer, case=declined, reason="Inget behov av hemgång")
    return cases


def test_it_counts_the_supports_started_and_ended_in_the_period(world, lengths):
    figures = period_figures(teams=[world.team], **MARCH)
    # Started in March: A, B, C, D and G (31 March 23:30 is still March in Stockholm); H came home a
    # minute before March. Ended in March: A–F; G and H ended on 1 April; the declined referral had no support.
    assert (figures.started, figures.ended) == (5, 6)
    both = period_figures(teams=[world.team, world.other_team], **MARCH)
    assert (both.started, both.ended) == (6, 7)  # S of Team Söder too


def test_it_gives_the_median_and_the_distribution_of_the_length(world, lengths):
    figures = period_figures(teams=[world.team], **MARCH)
    # Lengths of the six ended: 5, 10, 12, 18, 19, 30 → median (12 + 18) / 2 = 15.
    assert figures.length_median_days == 15
    # Their mean, the planner's average length: (5 + 10 + 12 + 18 + 19 + 30) / 6 = 94 / 6.
    assert figures.length_mean_days == pytest.approx(94 / 6)
    assert [(b.label, b.count) for b in figures.length_buckets] == [
        ("≤7", 1),  # A: 5
        ("8–11", 1),  # B: 10
        ("12–18", 2),  # C: 12, D: 18 — both ends of the usual length
        ("19–28", 1),  # E: 19
        (">28", 1),  # F: 30
    ]
    assert figures.length_within_target == 2
    assert figures.length_within_target_share == pytest.approx(2 / 6)


def test_it_gives_the_monthly_trend(world, lengths):
    trend = monthly_trend(teams=[world.team], start=dt.date(2026, 1, 15), end=dt.date(2026, 4, 30))
    assert [(m.month, m.started, m.ended, m.length_median_days) for m in trend] == [
        (dt.date(2026, 1, 1), 0, 0, None),  # a month without events is still on the chart
        (dt.date(2026, 2, 1), 3, 0, None),  # E, F, H started
        (dt.date(2026, 3, 1), 5, 6, 15),  # as the period's figures
        # G: 31 March → 1 April = 2 days; H: 28 February → 1 April = 1 + 31 + 1 = 33 days; median 17.5.
        (dt.date(2026, 4, 1), 0, 2, 17.5),
    ]


# --- lead time and payment responsibility ---------------------------------------------------------


def test_it_gives_the_median_and_90th_percentile_of_the_lead_time(world):
    # Ready for discharge at 09:00, home at 09:00 1, 2, 3, 4 and 10 days later (no summer-time change
    # between): median 3; p90 with linear interpolation: rank 0.9 × (5 − 1) = 3.6 between the 4th (4) and
    # the 5th (10): 4 + 0.6 × 6 = 7.6.
    for days in (1, 2, 3, 4, 10):
        homecoming = dt.date(2026, 3, 12)
        home(world, homecoming, ready=at_(homecoming - dt.timedelta(days=days)))
    # Not counted: a referral without a time of utskrivningsklar (from hemtjänst).
    home(world, dt.date(2026, 3, 12), source=Referral.Source.HEMTJANST, ready=None)
    figures = period_figures(teams=[world.team], **MARCH)
    assert figures.started == 6
    assert figures.lead_time_median_days == pytest.approx(3)
    assert figures.lead_time_p90_days == pytest.approx(7.6)


def test_it_measures_the_lead_time_in_hours_over_24(world):
    # Ready 08:00, home 20:00 the same day: half a day.
    home(world, dt.date(2026, 3, 12), hour=20, ready=at_(dt.date(2026, 3, 12), 8))
    figures = period_figures(teams=[world.team], **MARCH)
    assert figures.lead_time_median_days == pytest.approx(0.5)
    assert figures.lead_time_p90_days == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("free_days", "daily_cost", "days", "cost"),
    [
        # Ready 1 March; home 4 March is 3 days later: within 3 free days, 0. Home 6 March: 5 − 3 = 2 days.
        (3, 7800, 0 + 2, 2 * 7800),
        # A local agreement of 2 free days at 5 000 kr: 4 March 1 day, 6 March 3 days.
        (2, 5000, 1 + 3, 4 * 5000),
    ],
)
def test_it_counts_the_days_and_cost_of_payment_responsibility(world, free_days, daily_cost, days, cost):
    world.town.payment_free_days, world.town.payment_daily_cost = free_days, daily_cost
    world.town.save(update_fields=["payment_free_days", "payment_daily_cost"])
    ready = at_(dt.date(2026, 3, 1), 23, 30)  # late in the day: days are Stockholm's calendar days
    home(world, dt.date(2026, 3, 4), hour=0, minute=30, ready=ready)
    home(world, dt.date(2026, 3, 6), ready=ready)
    # Not the municipality's to pay: a client from a short-term care home.
    home(world, dt.date(2026, 3, 9), ready=ready, source=Referral.Source.SHORT_TERM)
    figures = period_figures(teams=[world.team], **MARCH)
    assert (figures.payment_days, figures.payment_cost) == (days, cost)


# --- the follow-up meeting --------------------------------------------------------------------------


def _hold(world, case, *, moved_to=None):
    meeting = FollowUpMeeting.objects.get(case=case)
    if moved_to:
        with time_machine.travel(at_(dt.date(2026, 3, 4), 10), tick=False):
            scheduling.meeting_reschedule(
                actor=world.officer, meeting=meeting, starts_at=moved_to, reason="Dottern kan inte", move_anyway=True
            )
        meeting.refresh_from_db()
    with time_machine.travel(meeting.starts_at + dt.timedelta(hours=2), tick=False):
        return scheduling.meeting_record_outcome(
            actor=world.officer, meeting=meeting, continued_needs="Hjälp med dusch", further_support="hemtjanst"
        )


def test_it_counts_follow_up_meetings_held_on_time(world):
    # Support from Monday 2 March 2026: day 6 is Saturday 7 March; the team works every day but case
    # officers only on helgfria vardagar, so the planned day is Monday 9 March.
    on_time, late, corrected = (home(world, dt.date(2026, 3, 2)) for _ in range(3))
    assert {timezone_day(m.starts_at) for m in FollowUpMeeting.objects.all()} == {dt.date(2026, 3, 9)}
    _hold(world, on_time)
    _hold(world, late, moved_to=at_(dt.date(2026, 3, 11), 10))  # Wednesday: two days late
    held = _hold(world, corrected)
    with time_machine.travel(at_(dt.date(2026, 3, 12), 10), tick=False):  # the outcome corrected: once
        scheduling.meeting_record_outcome(
            actor=world.officer, meeting=held, continued_needs="Hjälp med dusch", further_support="extended"
        )
    # A meeting held in April is not March's.
    april = home(world, dt.date(2026, 3, 30))
    _hold(world, april)
    figures = period_figures(teams=[world.team], **MARCH)
    assert (figures.meetings_held, figures.meetings_on_time) == (3, 2)
    assert figures.meetings_on_time_share == pytest.approx(2 / 3)


def timezone_day(moment):
    return timezone.localdate(moment)


# --- measures --------------------------------------------------------------------------------------


KATZ = ("bathing", "dressing", "toileting", "transfer", "continence", "feeding")


def _katz(world, case, phase, independent: int):
    answers = {name: n < independent for n, name in enumerate(KATZ)}
    measures.katz_record(actor=world.staff, case=case, phase=phase, **answers)


def _copm(world, case, *goals):
    for problem, (p0, s0, p1, s1) in enumerate(goals):
        goal = measures.copm_goal_add(
            actor=world.staff, case=case, problem=f"Mål {problem}", performance_start=p0, satisfaction_start=s0
        )
        if p1 is not None:
            measures.copm_goal_update(
                actor=world.staff,
                goal=goal,
                problem=goal.problem,
                performance_start=p0,
                satisfaction_start=s0,
                performance_end=p1,
                satisfaction_end=s1,
            )


def test_it_gives_safety_adl_and_copm_from_start_to_end(world):
    better, worse, half = (home(world, dt.date(2026, 3, 2)) for _ in range(3))
    with time_machine.travel(at_(dt.date(2026, 3, 5), 12), tick=False):
        # Safety 4 → 7 (+3) and 6 → 5 (−1); the third has no end rating: 2 pairs, 1 improved, mean +1.
        for case, start, finish in ((better, 4, 7), (worse, 6, 5), (half, 3, None)):
            measures.safety_record(actor=world.staff, case=case, phase="start", score=start)
            if finish is not None:
                measures.safety_record(actor=world.staff, case=case, phase="end", score=finish)
        # Katz ADL, activities done independently: 2 → 5 (+3) and 4 → 4 (0): 2 pairs, 1 improved, mean +1.5.
        for case, start, finish in ((better, 2, 5), (worse, 4, 4)):
            _katz(world, case, "start", start)
            _katz(world, case, "end", finish)
        _katz(world, half, "start", 1)
        # COPM, over the goals rated at both times. `better`: performance (3 + 4) / 2 = 3.5 → (6 + 6) / 2 = 6,
        # +2.5: significant; satisfaction (2 + 4) / 2 = 3 → (3 + 5) / 2 = 4, +1: not.
        _copm(world, better, (3, 2, 6, 3), (4, 4, 6, 5))
        # `worse`: performance 5 → 6, +1: not; satisfaction 3 → 5, +2: significant (the boundary). Its goal
        # not rated at the end stays out — with it the start would be (5 + 1) / 2 = 3 and +3 would count.
        _copm(world, worse, (5, 3, 6, 5), (1, 1, None, None))
    for case in (better, worse, half):
        end(world, case, dt.date(2026, 3, 12))
    # Measures of a support that ended in April are not March's.
    april = home(world, dt.date(2026, 3, 25))
    with time_machine.travel(at_(dt.date(2026, 3, 26), 12), tick=False):
        measures.safety_record(actor=world.staff, case=april, phase="start", score=1)
        measures.safety_record(actor=world.staff, case=april, phase="end", score=9)
    end(world, april, dt.date(2026, 4, 2))

    figures = period_figures(teams=[world.team], **MARCH)
    assert (figures.safety.pairs, figures.safety.improved, figures.safety.mean_change) == (2, 1, 1)
    assert figures.safety.improved_share == pytest.approx(0.5)
    assert (figures.adl.pairs, figures.adl.improved, figures.adl.mean_change) == (2, 1, 1.5)
    assert (figures.copm_pairs, figures.copm_performance_improved, figures.copm_satisfaction_improved) == (2, 1, 1)


# --- readmissions ----------------------------------------------------------------------------------


def test_it_counts_readmissions_within_30_days_of_the_end(world):
    cases = [home(world, dt.date(2026, 3, 2)) for _ in range(4)]
    back_to_hospital, referred_day_30, referred_day_31, stayed_home = cases
    end(world, back_to_hospital, dt.date(2026, 3, 10), how="readmit")
    for case in (referred_day_30, referred_day_31, stayed_home):
        end(world, case, dt.date(2026, 3, 10))
    # Ended 10 March 15:00. 10 March + 30 days = 9 April: a new referral at 23:30 that day counts (30 × 24
    # hours from the end would be 9 April 16:00, summer time having begun); at 00:30 on 10 April it does not.
    with time_machine.travel(at_(dt.date(2026, 4, 9), 23, 30), tick=False):
        f.referred_case(world.officer, the_client=referred_day_30.client)
    with time_machine.travel(at_(dt.date(2026, 4, 10), 0, 30), tick=False):
        f.referred_case(world.officer, the_client=referred_day_31.client)
    # A referral that went back to hospital before any support started is no readmission after support.
    before_start = referral(world, dt.date(2026, 3, 11))
    with time_machine.travel(at_(dt.date(2026, 3, 11), 12), tick=False):
        services.case_readmit(actor=world.officer, case=before_start, reason="Försämrad")
    figures = period_figures(teams=[world.team], **MARCH)
    assert (figures.ended, figures.readmissions) == (4, 2)
    assert figures.readmission_share == pytest.approx(0.5)


# --- referrals that ended before a start ----------------------------------------------------------


def test_it_counts_declined_and_withdrawn_referrals_by_reason_and_triage(world):
    for _ in range(2):
        case = referral(world, dt.date(2026, 3, 3), triage=Referral.Triage.GREEN)
        with time_machine.travel(at_(dt.date(2026, 3, 3), 11), tick=False):
            services.case_decline(actor=world.officer, case=case, reason="Inget behov av hemgång")
    with time_machine.travel(at_(dt.date(2026, 3, 4), 9), tick=False):
        decided = f.referred_case(world.officer)
        f.consent(world.officer, decided)
        f.decision(world.officer, decided, world.team, world.types, world.basis)
        services.case_withdraw(actor=world.officer, case=decided, reason="Vill inte ha stöd")
    # Not counted: a support broken off after the start (an ended support, not a referral), a referral
    # declined in February, and one of another municipality.
    end(world, home(world, dt.date(2026, 3, 2)), dt.date(2026, 3, 5))
    february = referral(world, dt.date(2026, 2, 27))
    with time_machine.travel(at_(dt.date(2026, 2, 27), 11), tick=False):
        services.case_decline(actor=world.officer, case=february, reason="Inget behov av hemgång")
    theirs = referral(world, dt.date(2026, 3, 3), actor=world.outsider)
    with time_machine.travel(at_(dt.date(2026, 3, 3), 11), tick=False):
        services.case_decline(actor=world.outsider, case=theirs, reason="Inget behov av hemgång")
    figures = period_figures(teams=[world.team], **MARCH)
    # The declined referrals had no team yet: they are the intake of the municipality's teams.
    assert [(r.kind, r.triage, r.reason, r.count) for r in figures.referrals_ended] == [
        ("declined", "green", "Inget behov av hemgång", 2),
        ("withdrawn", "yellow", "Vill inte ha stöd", 1),
    ]


# --- the number of queries ------------------------------------------------------------------------


def test_period_figures_run_five_queries_whatever_the_data(world, lengths, django_assert_num_queries):
    # The teams; the events' counts; the measures of the ended; the meetings; the ended referrals.
    with django_assert_num_queries(5):
        period_figures(teams=[world.team, world.other_team], **MARCH)
    with django_assert_num_queries(5):
        period_figures(teams=[world.team], start=dt.date(2025, 1, 1), end=dt.date(2026, 12, 31))
    with django_assert_num_queries(2):  # the teams; the grouped events
        monthly_trend(teams=[world.team], start=dt.date(2025, 1, 1), end=dt.date(2026, 12, 31))


def test_period_figures_run_five_queries_on_no_data(world, django_assert_num_queries):
    with django_assert_num_queries(5):
        figures = period_figures(teams=[world.team], **MARCH)
    assert (figures.payment_days, figures.payment_cost, figures.meetings_held, figures.readmissions) == (0, 0, 0, 0)
    assert figures.safety.pairs == 0 and figures.safety.mean_change is None


# --- the caseload now ---------------------------------------------------------------------------


def test_it_gives_each_teams_load_against_its_capacity(world, django_assert_num_queries):
    today = dt.date(2026, 3, 10)
    first = home(world, dt.date(2026, 3, 9))
    home(world, dt.date(2026, 3, 9))
    theirs = home(world, dt.date(2026, 3, 9), team=world.other_team)
    with time_machine.travel(at_(dt.date(2026, 3, 9), 9), tick=False):
        # A visit of yesterday is work done, not work on hand: it does not count on 10 March.
        past = Visit.objects.filter(case=theirs, planned_start__lt=at_(today, 0)).first()
        scheduling.visit_assign(actor=world.other_staff, visit=past, assigned_to=world.other_staff)
    with time_machine.travel(at_(today, 8), tick=False):
        waiting = f.referred_case(world.officer)
        f.consent(world.officer, waiting)
        f.decision(world.officer, waiting, world.team, world.types, world.basis, start=today + dt.timedelta(days=2))
        f.referred_case(world.officer)  # no team yet: the municipality's, not the team's
        visit = Visit.objects.filter(case=first, planned_start__gte=at_(today, 0)).first()
        scheduling.visit_assign(actor=world.staff, visit=visit, assigned_to=world.staff)
        # Capacity lowered after the cases were given to the team (a team that lost staff).
        world.team.capacity = 2
        world.team.save(update_fields=["capacity"])
        # the teams; their cases by state; the open cases; their consents; the coming visits per case; the
        # passed planned visits; the two receipt leads; the missing receipts; the staff's cases
        with django_assert_num_queries(10):
            load = caseload_now(teams=[world.team, world.other_team])
    norr, soder = load.teams
    # Team Norr: 2 active + 1 decided = 3 clients at once against a capacity of 2: 150 %, over.
    assert (norr.team, norr.referred, norr.decided, norr.active, norr.load) == (world.team, 0, 1, 2, 3)
    assert norr.capacity_use == pytest.approx(1.5) and norr.over_capacity
    assert (soder.load, soder.capacity, soder.over_capacity) == (1, 10, False)
    assert [(s.user, s.cases) for s in load.staff] == [(world.staff, 1), (world.other_staff, 0)]


def test_a_team_exactly_at_capacity_is_not_over_it(world):
    world.team.capacity = 1
    world.team.save(update_fields=["capacity"])
    home(world, dt.date(2026, 3, 9))
    [norr] = caseload_now(teams=[world.team]).teams
    assert (norr.capacity_use, norr.over_capacity) == (1, False)


# --- the capacity planner -------------------------------------------------------------------------


def test_it_plans_clients_a_year_as_skl_does():
    # SKL figure 6: a medium team, 10–15 clients at once, about two weeks: 10 × 365 / 14 = 260.7 and
    # 15 × 365 / 14 = 391.1 — "260–390 a year".
    assert round(capacity_plan(clients_at_once=10, average_length_days=14).clients_a_year, 1) == Decimal("260.7")
    assert round(capacity_plan(clients_at_once=15, average_length_days=14).clients_a_year, 1) == Decimal("391.1")
    assert capacity_plan(clients_at_once="7", average_length_days="12.5").clients_a_year == Decimal("204.4")
    assert capacity_plan(clients_at_once=0, average_length_days=10).clients_a_year == 0


@pytest.mark.parametrize(
    ("clients", "length", "message"),
    [
        (10, 0, "Den genomsnittliga längden måste vara fler än noll dagar."),
        (10, -3, "Den genomsnittliga längden måste vara fler än noll dagar."),
        (-1, 14, "Antalet brukare samtidigt kan inte vara negativt."),
        ("tio", 14, "Ange siffror."),
        (10, "NaN", "Ange siffror."),
    ],
)
def test_it_refuses_a_plan_that_means_nothing(clients, length, message):
    with translation.override("sv"), pytest.raises(DomainError) as refused:
        capacity_plan(clients_at_once=clients, average_length_days=length)
    assert str(refused.value.message) == message


def test_it_counts_the_actual_intake_of_the_last_12_months(world):
    for day in (dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2027, 3, 2)):
        home(world, day)
    home(world, dt.date(2026, 3, 3), team=world.other_team)
    # On 2 March 2027 the last twelve months are 3 March 2026 – 2 March 2027.
    with time_machine.travel(at_(dt.date(2027, 3, 2), 12), tick=False):
        assert actual_intake_last_12_months([world.team]) == 2
        assert actual_intake_last_12_months([world.team, world.other_team]) == 3
