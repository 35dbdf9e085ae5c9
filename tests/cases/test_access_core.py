"""cases/access.py and the registries in cases/hooks.py: closing by hand only by the case's own unit
manager, the menu and the start page from rules, the case page's sections from the apps above, a
consent fetched with its case's check, and the API's list of cases logged."""

import ast
import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import access, hooks, services
from cases.models import AccessLog, Case, Role
from hemgang.errors import DomainError

from .. import factories as f

MONDAY = dt.date(2026, 11, 23)
CASES = Path(__file__).resolve().parents[2] / "cases"


def at(day, hour=10):
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(hour))), tick=False)


# --- closing by hand: the unit manager of the case's own team ----------------------------------------


@pytest.fixture
def other_manager(world):
    return f.UserFactory(municipality=world.town, role=Role.UNIT_MANAGER, team=world.other_team)


@pytest.fixture
def handed_over(world, start_case):
    case = start_case(MONDAY)
    with at(MONDAY + dt.timedelta(days=9)):
        f.hand_over(world.staff, case)
    return Case.objects.get(pk=case.pk)


def test_only_the_unit_manager_of_the_cases_team_may_close_it(world, handed_over, other_manager):
    assert world.manager.has_perm("cases.close_case", handed_over)
    for user in (other_manager, world.staff, world.officer, world.coordinator, world.outsider):
        assert not user.has_perm("cases.close_case", handed_over), user


def test_a_unit_manager_of_another_team_cannot_close_on_the_page(world, login, handed_over, other_manager):
    url = reverse("case_transition", args=[handed_over.pk, "closed"])
    assert login(other_manager).get(url).status_code == 404
    assert login(other_manager).post(url, {"reason": "Hemtjänsten svarar inte"}).status_code == 404
    assert Case.objects.get(pk=handed_over.pk).state == "handed_over"
    # The refused attempts are logged as denied (issue 12); no read.
    assert not AccessLog.objects.filter(user=other_manager, denied=False).exists()
    assert AccessLog.objects.filter(user=other_manager, denied=True, case_id=handed_over.pk).count() == 2
    response = login(world.manager).post(url, {"reason": "Hemtjänsten svarar inte"})
    assert response.status_code == 302
    assert Case.objects.get(pk=handed_over.pk).state == "closed"


def test_a_unit_manager_of_another_team_cannot_close_through_the_service(world, handed_over, other_manager):
    with pytest.raises(DomainError) as err:
        services.case_transition(case=handed_over, to="closed", actor=other_manager, reason="Hemtjänsten svarar inte")
    assert err.value.code == "closing_not_confirmed"
    assert Case.objects.get(pk=handed_over.pk).state == "handed_over"


# --- the API's list of cases ---------------------------------------------------------------------


def _another_client(world):
    return f.client(world.officer, personal_number=f.personal_number(dt.date(1950, 3, 3)), first_name="Olle")


def test_listing_cases_in_the_api_logs_a_read_per_case_on_the_page(world, decided):
    other = f.referred_case(world.officer, _another_client(world))
    api = APIClient()
    api.force_authenticate(world.officer)
    listing = api.get(reverse("api-case-list"), {"limit": 1}).json()
    shown = listing["results"][0]["id"]
    logged = AccessLog.objects.filter(user=world.officer, what="api.case.list")
    assert list(logged.values_list("case_id", flat=True)) == [shown]
    api.get(reverse("api-case-list"))
    assert {decided.pk, other.pk} <= set(logged.values_list("case_id", flat=True))


# --- a consent, fetched with its case's check ---------------------------------------------------------


def test_a_consent_of_another_case_is_a_404_on_the_withdraw_page(world, login, referred):
    elsewhere = f.referred_case(world.officer, _another_client(world))
    foreign = f.consent(world.officer, elsewhere)
    own = f.consent(world.officer, referred)
    http = login(world.officer)
    assert http.get(reverse("consent_withdraw", args=[referred.pk, foreign.pk])).status_code == 404
    assert http.get(reverse("consent_withdraw", args=[referred.pk, own.pk])).status_code == 200
    assert AccessLog.objects.filter(user=world.officer, what="consent.withdraw", case_id=referred.pk).exists()
    assert login(world.staff).get(reverse("consent_withdraw", args=[referred.pk, own.pk])).status_code == 404
    assert not AccessLog.objects.filter(user=world.staff, denied=False).exists()
    assert AccessLog.objects.filter(user=world.staff, denied=True, case_id=referred.pk).exists()


# --- the menu and the start page come from rules -------------------------------------------------------


MENUS = {
    "officer": ["home", "notification_list", "client_search", "client_new"],
    "staff": ["home", "inbox", "notification_list", "day_board"],
    "manager": [
        "home",
        "inbox",
        "notification_list",
        "day_board",
        "team_reminders",
        "followup_caseload",
        "log_review",
        "account_requests",
        "retention_records",
    ],
    "coordinator": ["home", "inbox", "notification_list"],
    "admin": ["home", "notification_list", "retention_records", "admin:index", "api_tokens"],
    "integration": ["home"],
}


@pytest.mark.parametrize("persona", sorted(MENUS))
def test_the_menu_shows_each_role_the_links_its_rules_allow(world, rf, persona):
    from cases.context_processors import navigation

    request = rf.get("/")
    request.user = getattr(world, persona)
    assert [name for name, _label in navigation(request)["nav"]] == MENUS[persona]


def test_a_registered_menu_entry_shows_only_when_its_rule_holds(world, rf):
    from cases.context_processors import navigation

    hooks.register_menu_entry("case_detail", label="Mer", perm="cases.manage_catalogues", order=95)
    try:
        request = rf.get("/")
        request.user = world.admin
        assert navigation(request)["nav"][-1] == ("case_detail", "Mer")
        request.user = world.officer
        assert "case_detail" not in [name for name, _label in navigation(request)["nav"]]
    finally:
        hooks._menu_entries.pop("case_detail")


@pytest.mark.parametrize(
    ("persona", "page"),
    [
        ("officer", "case_officer"),
        ("staff", "team"),
        ("manager", "team"),
        ("coordinator", "hemtjanst"),
        ("admin", "administrator"),
        ("integration", ""),
    ],
)
def test_the_start_page_follows_the_rules(world, persona, page):
    assert access.start_page(getattr(world, persona)) == page


def test_a_superuser_without_a_role_has_no_roles_start_page_but_the_admin_link(world, login):
    root = f.UserFactory(is_superuser=True, is_staff=True, role="", municipality=None)
    assert access.start_page(root) == ""
    page = login(root).get(reverse("home")).content.decode()
    assert "Ditt konto har ingen roll ännu" in page
    assert "Kataloger och användare" in page


def test_the_coordinators_start_page_speaks_of_messages(world, login):
    page = login(world.coordinator).get(reverse("home")).content.decode()
    assert "Här kommer meddelanden från hemgångsteamet" in page


# --- the case page's sections ---------------------------------------------------------------------------


def test_the_case_page_shows_the_teams_work_through_the_registered_section(world, login, start_case):
    case = start_case(MONDAY)
    with at(MONDAY, 15):
        sections = hooks.case_sections(case, world.staff)
        assert sections["work"]["upcoming_visits"]
        page = login(world.staff).get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Teamets arbete" in page


def test_a_registered_section_is_given_the_case_and_the_user(world, referred):
    seen = []
    hooks.register_case_section("probe", lambda case, user: seen.append((case, user)) or "x")
    try:
        assert hooks.case_sections(referred, world.officer)["probe"] == "x"
    finally:
        hooks._case_sections.pop("probe")
    assert seen == [(referred, world.officer)]


# --- cases decides its own pages without the apps above ------------------------------------------------


@pytest.mark.parametrize("module", ["access.py", "views.py", "context_processors.py", "hooks.py", "apps.py"])
def test_cases_access_pages_and_menu_import_neither_scheduling_nor_handover(module):
    tree = ast.parse((CASES / module).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] in ("scheduling", "handover")}
