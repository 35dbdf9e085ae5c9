"""The unit manager's caseload now (issue 11, part 1): the page, its filter, its exports and the start page.

The clock stands at Tuesday 10 March 2026, 11:00 in Stockholm. The cases, built through the services on
the days things happened (time moved there):

- A (Team Norr): started Monday 9 March 09:00, 10 days → day 2 of 10. The planner gave it two visits a day,
  on the first day from the homecoming (09:00 and 09:30), then at 07:00 and 08:30. 9 March 09:00 was
  logged; 09:30 was not and the team's day ended at 22:00 → 1 undocumented (the reminders' rule). Today's
  07:00 and 08:30 ended at 07:30 and 09:00, nobody logged them, the day is not over → 2 late today. Next
  visit: 11 March 07:00. The start notice was sent on 9 March at 09:00 to the client's group and its
  provider's day coordinator; hemtjänst works 08–17, so each delivery was reminded at 13:00 and escalated
  at 17:00 that day → 2 not acknowledged, 2 escalated. Consent given 9 March, valid through 18 March.
- B (Team Norr): started Monday 2 March 09:00, 7 days → ended 8 March; on 10 March day 9 of 7, past its
  end. Consent given 2 March, valid through 11 March → ending (within two days). Meeting on day 6 =
  Saturday 7 March → Monday 9 March 10:00; still booked, the case officers' next working day after it is
  today → outcome missing. Its visits 2–8 March (2 on the first day from 09:00, then 2 a day) all
  unlogged: 2 + 6 × 2 = 14 undocumented.
- C (Team Söder): started 9 March. Only seen when the manager leads Söder.
- P1 (Team Norr): referred 5 March 10:00 from a hospital ward, ready for discharge then; the team given.
  Waited 5 days. Payment responsibility from 5 + 3 free days = 8 March; 8, 9 and 10 March → 3 days,
  3 × 7 800 = 23 400 kr.
- P2 (Team Norr): decided 9 March 10:00 with the start on 12 March, from a short-term care home: waited
  1 day, no payment responsibility (lag 2017:612 is about hospital care).
- A referral with no team yet: the municipality's, on nobody's caseload.

Team Norr's capacity is lowered to 2 afterwards: clients at once are its decided (P2) and active (A, B)
cases = 3 → 150 %.
"""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from cases import services
from cases.models import AccessLog, Referral
from followup.selectors import caseload_now
from followup.selectors.caseload import Receipts
from handover import services as handover
from handover.models import Message
from notifications.reminders import at_local
from scheduling import services as scheduling
from scheduling.models import Visit

from .. import factories as f

TODAY = dt.date(2026, 3, 10)
MONDAY = dt.date(2026, 3, 9)


def at_(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return at_local(day, dt.time(hour, minute))


def now():
    return time_machine.travel(at_(TODAY, 11), tick=False)


def started(world, day, *, days=10, team=None, last_name="Testberg"):
    team = team or world.team
    moment = at_(day, 9)
    with time_machine.travel(moment, tick=False):
        case = f.referred_case(
            world.officer,
            f.client(world.officer, last_name=last_name),
            ready_for_discharge_at=moment,
            planned_homecoming_on=day,
            admitted_on=day - dt.timedelta(days=3),
        )
        f.consent(world.officer, case)
        f.decision(world.officer, case, team, world.types, world.basis, start=day, days=days)
        case.refresh_from_db()
        staff = world.staff if team == world.team else world.other_staff
        return services.case_start(actor=staff, case=case, homecoming_at=moment)


def visit_at(case, day, hour, minute=0):
    return Visit.objects.get(case=case, planned_start=at_(day, hour, minute))


@pytest.fixture
def scene(world):
    a = started(world, MONDAY, last_name="Andersson")
    with time_machine.travel(at_(MONDAY, 9), tick=False):
        start_notice = Message.objects.get(case=a, kind=Message.Kind.START_NOTICE)
        handover.message_send(actor=world.staff, message=start_notice)
    with time_machine.travel(at_(MONDAY, 9, 40), tick=False):
        scheduling.visit_log(
            actor=world.staff,
            visit=visit_at(a, MONDAY, 9),
            performed=True,
            actual_start=at_(MONDAY, 9),
            actual_end=at_(MONDAY, 9, 30),
        )
        for visit in (visit_at(a, MONDAY, 9, 30), visit_at(a, TODAY, 8, 30), visit_at(a, TODAY + dt.timedelta(1), 7)):
            scheduling.visit_assign(actor=world.staff, visit=visit, assigned_to=world.staff)
    b = started(world, dt.date(2026, 3, 2), days=7, last_name="Berg")
    c = started(world, MONDAY, team=world.other_team, last_name="Carlsson")
    with time_machine.travel(at_(dt.date(2026, 3, 5), 10), tick=False):
        p1 = f.referred_case(world.officer, f.client(world.officer, last_name="Persson"))
        services.case_assign_team(actor=world.officer, case=p1, team=world.team)
    with time_machine.travel(at_(MONDAY, 10), tick=False):
        p2 = f.referred_case(
            world.officer, f.client(world.officer, last_name="Pettersson"), source=Referral.Source.SHORT_TERM
        )
        f.consent(world.officer, p2)
        f.decision(world.officer, p2, world.team, world.types, world.basis, start=dt.date(2026, 3, 12))
        p2.refresh_from_db()
        nobodys = f.referred_case(world.officer, f.client(world.officer, last_name="Ingen"))
    # The capacity lowered after the cases were given to the team (a team that lost staff).
    world.team.capacity = 2
    world.team.save(update_fields=["capacity"])
    return {"a": a, "b": b, "c": c, "p1": p1, "p2": p2, "nobodys": nobodys}


# --- the figures ----------------------------------------------------------------------------------------


def test_it_gives_day_n_of_m_the_next_visit_and_what_to_act_on(world, scene):
    with now():
        load = caseload_now(teams=[world.team])
    rows = {row.case.pk: row for row in load.cases}
    a, b = rows[scene["a"].pk], rows[scene["b"].pk]
    assert list(rows) == [scene["a"].pk, scene["b"].pk]  # by client name: Andersson, Berg
    assert (a.day, a.length, a.next_visit) == (2, 10, at_(dt.date(2026, 3, 11), 7))
    assert (a.overdue_visits, a.undocumented, a.past_end) == (2, 1, None)
    assert a.receipts == Receipts(missing=2, escalated=2)
    assert (a.consent, a.consent_missing, a.meeting_outcome_missing) == (None, False, False)
    assert a.meeting.starts_at == at_(dt.date(2026, 3, 16), 10)
    assert a.staff_ids == {world.staff.pk}
    assert (b.day, b.length, b.past_end, b.undocumented, b.overdue_visits) == (9, 7, dt.date(2026, 3, 8), 14, 0)
    assert (b.consent.kind, b.consent.until) == ("ending", dt.date(2026, 3, 11))
    assert b.meeting_outcome_missing and b.receipts == Receipts()
    assert a.has_problems and b.has_problems


def test_it_gives_the_pipeline_with_the_wait_and_the_payment_responsibility(world, scene):
    with now():
        load = caseload_now(teams=[world.team])
    rows = {row.case.pk: row for row in load.pipeline}
    assert list(rows) == [scene["p1"].pk, scene["p2"].pk]  # Persson, Pettersson; the team-less one is not here
    p1, p2 = rows[scene["p1"].pk], rows[scene["p2"].pk]
    assert (p1.waiting_days, p1.payment_from, p1.payment_days, p1.payment_cost) == (5, dt.date(2026, 3, 8), 3, 23400)
    assert p1.ready_for_discharge_at == at_(dt.date(2026, 3, 5), 10)
    assert (p2.waiting_days, p2.payment_from, p2.payment_days, p2.payment_cost) == (1, None, 0, 0)


def test_payment_responsibility_starts_the_day_after_the_free_days(world):
    """Ready on 5 March, 3 free days: 7 March nothing yet, 8 March the first day."""
    with time_machine.travel(at_(dt.date(2026, 3, 5), 10), tick=False):
        case = f.referred_case(world.officer)
        services.case_assign_team(actor=world.officer, case=case, team=world.team)
    for day, days in ((dt.date(2026, 3, 7), 0), (dt.date(2026, 3, 8), 1)):
        with time_machine.travel(at_(day, 12), tick=False):
            [row] = caseload_now(teams=[world.team]).pipeline
        assert (row.payment_from, row.payment_days) == (dt.date(2026, 3, 8), days)


def test_it_counts_each_staff_members_cases_and_visits(world, scene):
    with now():
        load = caseload_now(teams=[world.team])
    [staff] = load.staff
    # A's 11 March visit (running case 1), today's 08:30 (today 1), 11 March is within the next 7 days,
    # 9 March 09:30 not documented.
    assert (staff.user, staff.cases, staff.visits_today, staff.visits_coming, staff.undocumented) == (
        world.staff,
        1,
        1,
        1,
        1,
    )


def test_a_receipt_is_not_a_problem_before_the_reminder(world):
    """Sent on Tuesday at 10:00: reminded at 14:00, escalated at the start of Wednesday + 3 h (17:00 → 08:00)."""
    case = started(world, MONDAY)
    with time_machine.travel(at_(TODAY, 10), tick=False):
        handover.message_send(actor=world.staff, message=Message.objects.get(case=case, kind="start_notice"))
    for hour, receipts in ((13, Receipts()), (14, Receipts(2, 0)), (17, Receipts(2, 0))):
        with time_machine.travel(at_(TODAY, hour, 59 if hour == 13 else 0), tick=False):
            [row] = caseload_now(teams=[world.team]).cases
        assert row.receipts == receipts, hour


# --- the page -------------------------------------------------------------------------------------------


def test_the_page_shows_the_teams_cases_pipeline_capacity_and_staff(world, scene, login):
    with now():
        page = login(world.manager).get(reverse("followup_caseload")).content.decode()
    assert "Andersson" in page and "Berg" in page and "Persson" in page and "Pettersson" in page
    assert "Carlsson" not in page and "Ingen" not in page  # another team's; the municipality's
    assert "dag 2 av 10" in page and "dag 9 av 7" in page
    assert reverse("case_detail", args=[scene["a"].pk]) in page
    assert "Team Norr är över sin kapacitet: 3 brukare samtidigt mot 2 (150 %)." in page
    assert "2 meddelanden ej kvitterade (2 eskalerade)" in page
    assert "2 besök sena i dag" in page and "14 besök ej dokumenterade" in page
    assert "Samtycket går ut 11/3" in page and "Beslutet gick ut 8/3" in page
    assert "3 dagar sedan 8/3, 23400 kr" in page


def test_a_team_exactly_at_capacity_gets_no_warning(world, scene, login):
    world.team.capacity = 3
    world.team.save(update_fields=["capacity"])
    with now():
        page = login(world.manager).get(reverse("followup_caseload")).content.decode()
    assert "100 %" in page and "över sin kapacitet" not in page


def test_a_manager_sees_the_teams_they_lead_and_can_choose_one(world, scene, login):
    world.manager.led_teams.add(world.other_team)
    http = login(world.manager)
    with now():
        every = http.get(reverse("followup_caseload")).content.decode()
        soder = http.get(reverse("followup_caseload"), {"team": world.other_team.pk}).content.decode()
    assert "Andersson" in every and "Carlsson" in every
    assert "Carlsson" in soder and "Andersson" not in soder and "Persson" not in soder
    assert "Team Norr är över" not in soder  # the capacity of the chosen team only


@pytest.mark.parametrize("bad", ["other_team", "elsewhere", "987654", "abc"])
def test_a_team_that_is_not_the_managers_is_a_message_and_no_leak(world, scene, login, bad):
    theirs = f.TeamFactory(municipality=world.elsewhere, name="Team Annanstad")
    team = {"other_team": world.other_team.pk, "elsewhere": theirs.pk}.get(bad, bad)
    with now():
        response = login(world.manager).get(reverse("followup_caseload"), {"team": team})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Välj ett av dina team." in page
    assert "Andersson" in page  # the page goes on for the manager's own teams
    assert "Carlsson" not in page and "Team Söder" not in page and "Team Annanstad" not in page


def test_the_filter_by_staff_member_state_and_problems(world, scene, login):
    http = login(world.manager)
    url = reverse("followup_caseload")
    with now():
        mine = http.get(url, {"staff": world.staff.pk}).content.decode()
        decided = http.get(url, {"state": "decided"}).content.decode()
        bad_state = http.get(url, {"state": "closed"}).content.decode()
    assert "Andersson" in mine and "Berg" not in mine
    assert "Pettersson" in decided and "Greta Persson" not in decided and "Andersson" not in decided
    assert "Välj ett av lägena i listan." in bad_state and "Andersson" in bad_state


def test_only_cases_with_problems(world, scene):
    world.team.capacity = 10
    world.team.save(update_fields=["capacity"])
    quiet = started(world, TODAY - dt.timedelta(days=1), last_name="Lugn")
    with time_machine.travel(at_(MONDAY, 9), tick=False):
        for visit in Visit.objects.filter(case=quiet, planned_start__lt=at_(TODAY, 11)):
            scheduling.visit_cancel(actor=world.staff, visit=visit, reason="Brukaren var hos dottern.")
    with now():
        every = caseload_now(teams=[world.team])
        problems = caseload_now(teams=[world.team], problems_only=True)
    assert quiet.pk in {row.case.pk for row in every.cases}
    assert [row.case.pk for row in problems.cases] == [scene["a"].pk, scene["b"].pk]


def test_a_manager_without_a_team_gets_a_message(world, login):
    lonely = f.UserFactory(municipality=world.town, role="unit_manager", username="lonely")
    response = login(lonely).get(reverse("followup_caseload"))
    assert response.status_code == 200 and "Du leder inget team." in response.content.decode()


# persona → (the page, an export): the unit manager's pages; a rule, not an object, so 403 for the rest.
MATRIX = {
    "manager": (200, 200),
    "officer": (403, 403),
    "staff": (403, 403),
    "other_staff": (403, 403),
    "coordinator": (403, 403),
    "admin": (403, 403),
    "integration": (302, 302),  # no session on the pages: ended, to the login
    "outsider": (403, 403),
}


@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_the_permission_matrix_for_the_caseload(world, login, persona):
    http = login(getattr(world, persona))
    pages = (reverse("followup_caseload"), reverse("followup_caseload_export", args=["cases", "csv"]))
    assert tuple(http.get(page).status_code for page in pages) == MATRIX[persona]


def test_a_manager_of_another_municipality_sees_none_of_ours(world, scene, login):
    theirs = f.TeamFactory(municipality=world.elsewhere, name="Team Annanstad")
    manager = f.UserFactory(municipality=world.elsewhere, role="unit_manager", team=theirs, username="m2")
    manager.led_teams.add(world.team)  # wrongly linked across municipalities: still not theirs
    with now():
        page = login(manager).get(reverse("followup_caseload")).content.decode()
    assert "Team Annanstad" in page and "Andersson" not in page and "Team Norr" not in page


# --- access log and query count ------------------------------------------------------------------------


def test_it_logs_a_read_of_every_client_shown(world, scene, login):
    with now():
        login(world.manager).get(reverse("followup_caseload"))
    logged = set(
        AccessLog.objects.filter(user=world.manager, what="followup.caseload").values_list("case_id", flat=True)
    )
    assert logged == {scene[key].pk for key in ("a", "b", "p1", "p2")}


def _close(world, case):
    with time_machine.travel(at_(dt.date(2026, 2, 20), 14), tick=False):
        f.consent(world.officer, case)
        f.hand_over(world.staff, case)
        f.close(world.staff, case)
    case.refresh_from_db()
    assert case.state == "closed"


def test_the_query_count_is_pinned_and_does_not_grow_with_closed_history(
    world, scene, login, django_assert_num_queries
):
    http = login(world.manager)
    url = reverse("followup_caseload")
    # 1 session, 2 user, 3 the led teams, 4 the user's teams, 5 their staff to choose from, 6 the teams
    # asked about, 7 their open cases counted by state, 8 the open cases with client, team, municipality,
    # referral, decision and meeting, 9 their consents, 10 the coming visits per case, 11 the planned visits
    # whose time has passed, 12-13 the two receipt leads, 14 the missing receipts, 15 the staff with their
    # counts, 16 the manager's own team (the access log's unit), 17 the access-log insert, 18-19 the menu's
    # inbox and notification counts (no model permissions: those are only staff accounts')
    with now(), django_assert_num_queries(QUERIES):
        http.get(url)
    world.team.capacity = 10  # room for the history's cases (the load counts the open cases now)
    world.team.save(update_fields=["capacity"])
    for _ in range(2):
        _close(world, started(world, dt.date(2026, 2, 9), last_name="Gammal"))
    with now(), django_assert_num_queries(QUERIES):
        http.get(url)


QUERIES = 19


# --- exports --------------------------------------------------------------------------------------------


def _csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.parametrize("table", ["cases", "pipeline", "staff"])
def test_each_table_exports_as_csv_and_excel_with_the_same_rows(world, scene, login, table):
    http = login(world.manager)
    with now():
        as_csv = http.get(reverse("followup_caseload_export", args=[table, "csv"]))
        as_xlsx = http.get(reverse("followup_caseload_export", args=[table, "xlsx"]))
    assert as_csv.status_code == 200 and as_xlsx.status_code == 200
    rows = _csv_rows(as_csv)
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    cells = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert [row[0] for row in rows] == [row[0] for row in cells]
    expected = {
        "cases": ["Brukare", "Greta Andersson", "Greta Berg"],
        "pipeline": ["Brukare", "Greta Persson", "Greta Pettersson"],
        "staff": ["Medarbetare", world.staff.display_name],
    }[table]
    assert [row[0] for row in rows] == expected


def test_the_export_has_the_pages_filters(world, scene, login):
    world.manager.led_teams.add(world.other_team)
    http = login(world.manager)
    with now():
        response = http.get(reverse("followup_caseload_export", args=["cases", "xlsx"]), {"team": world.other_team.pk})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["Greta Carlsson"]
    # day, of days, late, past the end and undocumented stay numbers for the spreadsheet
    assert rows[1][4:6] == (2, 10)


def test_the_case_export_logs_the_clients_and_the_staff_export_does_not(world, scene, login):
    http = login(world.manager)
    with now():
        http.get(reverse("followup_caseload_export", args=["cases", "csv"]))
        http.get(reverse("followup_caseload_export", args=["staff", "csv"]))
    assert AccessLog.objects.filter(what="followup.export.cases").count() == 4
    assert not AccessLog.objects.filter(what__startswith="followup.export.staff").exists()


@pytest.mark.parametrize(
    ("table", "fmt", "text"),
    [("cases", "pdf", "Exportera som CSV eller Excel."), ("visits", "csv", "Det finns ingen sådan tabell.")],
)
def test_an_unknown_table_or_format_is_a_400_page_in_swedish(world, login, table, fmt, text):
    response = login(world.manager).get(reverse("followup_caseload_export", args=[table, fmt]))
    assert response.status_code == 400 and text in response.content.decode()


# --- the start page -------------------------------------------------------------------------------------


def test_a_unit_managers_start_page_is_the_caseload(world, login):
    response = login(world.manager).get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("followup_caseload")


def test_the_staff_keep_their_start_page(world, login):
    response = login(world.staff).get(reverse("home"))
    assert response.status_code == 200 and "Dagens besök" in response.content.decode()
