"""The outcome measures pages, the measures on the case page, and the measures over the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import AccessLog, Role
from measures import selectors, services
from measures.models import CopmGoal, IbicRating, KatzAssessment, SafetyRating

from .. import factories as f
from ..conftest import api_client

ACTIVITIES = ("bathing", "dressing", "toileting", "transfer", "continence", "feeding")


@pytest.fixture
def therapist(world):
    return f.UserFactory(municipality=world.town, role=Role.TEAM_STAFF, profession="at", team=world.team)


def _api(user):
    """The team's API is called signed in; no token scope reaches it."""
    return api_client(user)


def _queries(http, url):
    with CaptureQueriesContext(connection) as ctx:
        response = http.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _goal(actor, case, problem="Duscha själv", start=(3, 4)):
    return services.copm_goal_add(
        actor=actor, case=case, problem=problem, performance_start=start[0], satisfaction_start=start[1]
    )


# --- the overview ----------------------------------------------------------------------------------


def test_it_shows_the_measures_page_with_the_forms_the_user_may_use(world, login, active, therapist):
    url = reverse("case_measures", args=[active.pk])
    page = login(world.staff).get(url).content.decode()
    assert reverse("measure_safety", args=[active.pk, "start"]) in page
    assert reverse("measure_ibic", args=[active.pk]) in page
    assert reverse("copm_goal_new", args=[active.pk]) not in page  # a USK sets no COPM goals
    assert reverse("copm_goal_new", args=[active.pk]) in login(therapist).get(url).content.decode()
    assert AccessLog.objects.filter(user=world.staff, case_id=active.pk, what="measures.view").exists()


def test_the_case_officer_sees_the_measures_without_forms(world, login, active):
    services.safety_record(actor=world.staff, case=active, phase="start", score=4)
    page = login(world.officer).get(reverse("case_measures", args=[active.pk])).content.decode()
    assert reverse("measure_safety", args=[active.pk, "start"]) not in page
    assert world.staff.display_name in page  # who recorded it


def test_an_unknown_point_in_time_is_404(world, login, active):
    assert login(world.staff).get(reverse("measure_safety", args=[active.pk, "later"])).status_code == 404
    assert login(world.staff).get(reverse("measure_katz", args=[active.pk, "follow_up"])).status_code == 404


# --- safety ----------------------------------------------------------------------------------------


def test_it_records_safety_and_redirects_to_the_measures(world, login, active):
    url = reverse("measure_safety", args=[active.pk, "end"])
    http = login(world.staff)
    assert 'name="score"' in http.get(url).content.decode()
    response = http.post(url, {"score": "7"})
    assert response.status_code == 302
    assert response["Location"] == reverse("case_measures", args=[active.pk])
    assert SafetyRating.objects.get(case=active, phase="end").score == 7
    assert 'id="id_score_7" checked' in http.get(url).content.decode()  # the form opens with the saved value


@pytest.mark.parametrize("score", ["11", "-1", "sju", ""])
def test_a_safety_value_out_of_range_is_explained_and_nothing_is_saved(world, login, active, score):
    response = login(world.staff).post(reverse("measure_safety", args=[active.pk, "start"]), {"score": score})
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert not SafetyRating.objects.exists()


# --- Katz ------------------------------------------------------------------------------------------


def test_it_records_katz_from_six_radio_groups(world, login, active):
    url = reverse("measure_katz", args=[active.pk, "start"])
    page = login(world.staff).get(url).content.decode()
    assert page.count("<legend>") == 6
    data = dict.fromkeys(ACTIVITIES, "1") | {"bathing": "0", "dressing": "0"}
    assert login(world.staff).post(url, data).status_code == 302
    assert KatzAssessment.objects.get(case=active).grade == "C"


@pytest.mark.parametrize("bad", [{"feeding": "2"}, {"feeding": ""}])
def test_a_katz_answer_out_of_range_is_explained_and_nothing_is_saved(world, login, active, bad):
    data = dict.fromkeys(ACTIVITIES, "1") | bad
    response = login(world.staff).post(reverse("measure_katz", args=[active.pk, "start"]), data)
    assert response.status_code == 200
    assert 'id="id_feeding_error"' in response.content.decode()
    assert not KatzAssessment.objects.exists()


# --- COPM ------------------------------------------------------------------------------------------


def test_the_therapist_adds_a_goal_and_rates_it_at_the_end(world, login, active, therapist):
    http = login(therapist)
    data = {"problem": "Laga frukost själv", "performance_start": "3", "satisfaction_start": "2"}
    assert http.post(reverse("copm_goal_new", args=[active.pk]), data).status_code == 302
    goal = CopmGoal.objects.get(case=active)
    edit = reverse("copm_goal_edit", args=[active.pk, goal.pk])
    assert "Laga frukost själv" in http.get(edit).content.decode()
    response = http.post(edit, data | {"performance_end": "6", "satisfaction_end": "7"})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.performance_end, goal.satisfaction_end) == (6, 7)


def test_a_copm_rating_out_of_range_is_shown_on_its_field_and_nothing_is_saved(world, login, active, therapist):
    data = {"problem": "Gå ut", "performance_start": "11", "satisfaction_start": "2"}
    response = login(therapist).post(reverse("copm_goal_new", args=[active.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_performance_start_error"' in page
    assert "Gå ut</textarea>" in page  # what was typed is kept
    assert not CopmGoal.objects.exists()


def test_a_goal_of_another_case_is_404(world, login, active, therapist):
    other = f.referred_case(world.officer)
    f.consent(world.officer, other)
    f.decision(world.officer, other, world.team, world.types, world.basis)
    goal = _goal(therapist, active)
    response = login(therapist).get(reverse("copm_goal_edit", args=[other.pk, goal.pk]))
    assert response.status_code == 404


# --- IBIC ------------------------------------------------------------------------------------------


def test_it_records_ibic_needs_from_the_table(world, login, active):
    url = reverse("measure_ibic", args=[active.pk])
    page = login(world.staff).get(url).content.decode()
    assert page.count("<select name=") == 20
    assert page.count('class="visually-hidden" for="id_') == 20  # every select has its label
    response = login(world.staff).post(url, {"d4_start": "3", "d4_follow_up": "1", "security_start": "2"})
    assert response.status_code == 302
    assert selectors.ibic_levels(active) == {("d4", "start"): 3, ("d4", "follow_up"): 1, ("security", "start"): 2}


def test_an_ibic_rating_out_of_range_saves_none_of_the_table(world, login, active):
    response = login(world.staff).post(reverse("measure_ibic", args=[active.pk]), {"d4_start": "3", "d5_start": "5"})
    assert response.status_code == 200
    assert 'id="id_d5_start_error"' in response.content.decode()
    assert not IbicRating.objects.exists()


# --- the case page ---------------------------------------------------------------------------------


def test_the_case_page_shows_the_measures_start_to_end_with_the_change(world, login, active, therapist):
    services.safety_record(actor=world.staff, case=active, phase="start", score=3)
    services.safety_record(actor=world.staff, case=active, phase="end", score=8)
    services.katz_record(actor=world.staff, case=active, phase="start", **{a: a != "bathing" for a in ACTIVITIES})
    services.katz_record(actor=world.staff, case=active, phase="end", **dict.fromkeys(ACTIVITIES, True))
    services.ibic_record(actor=world.staff, case=active, ratings={("d4", "start"): 3, ("d4", "follow_up"): 1})
    page = login(world.officer).get(reverse("case_detail", args=[active.pk])).content.decode()
    section = page[page.index('aria-labelledby="h-measures"') :]
    assert '<td data-label="Vid start">3</td>' in section.replace("\n", "") or ">3</td>" in section
    assert '<span class="ok">+5</span>' in section  # safety 3 → 8
    assert '<span class="ok">+1</span>' in section  # Katz B → A: one more activity independent
    assert '<span class="ok">-2</span>' in section  # d4 3 → 1: fewer difficulties
    assert reverse("case_measures", args=[active.pk]) in section
    assert reverse("measure_safety", args=[active.pk, "start"]) not in section


def test_the_case_page_offers_recording_to_the_team_only(world, login, active):
    url = reverse("case_detail", args=[active.pk])
    link = f'class="button" href="{reverse("case_measures", args=[active.pk])}"'
    assert link in login(world.staff).get(url).content.decode()
    assert link not in login(world.officer).get(url).content.decode()


def test_the_measures_add_at_most_one_query_to_the_case_page_whatever_they_hold(
    world, login, active, therapist, monkeypatch
):
    """All four measures are read in one SELECT (each as a JSON array); the count does not grow with the
    number of COPM goals or IBIC ratings."""
    http = login(world.staff)
    url = reverse("case_detail", args=[active.pk])
    _goal(therapist, active)
    with_one_goal = _queries(http, url)
    for n in range(4):
        _goal(therapist, active, problem=f"Mål {n}")
    services.safety_record(actor=world.staff, case=active, phase="start", score=5)
    services.katz_record(actor=world.staff, case=active, phase="start", **dict.fromkeys(ACTIVITIES, True))
    services.ibic_record(actor=world.staff, case=active, ratings={("d4", "start"): 2, ("d5", "start"): 1})
    assert _queries(http, url) == with_one_goal

    monkeypatch.setattr(selectors, "case_measures_summary", lambda case: {})
    without_measures = _queries(http, url)
    assert with_one_goal - without_measures <= 1


# --- the API ---------------------------------------------------------------------------------------


def test_the_api_reads_the_measures_of_a_case(world, active, therapist):
    services.safety_record(actor=world.staff, case=active, phase="start", score=3)
    services.katz_record(actor=world.staff, case=active, phase="start", **{a: a != "feeding" for a in ACTIVITIES})
    _goal(therapist, active)
    services.ibic_record(actor=world.staff, case=active, ratings={("d4", "start"): 3})
    response = _api(world.officer).get(reverse("api-case-measures", args=[active.pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["safety"]["start"]["score"] == 3 and body["safety"]["end"] is None
    assert body["katz"]["start"]["grade"] == "B" and body["katz"]["start"]["feeding"] is False
    assert body["copm"]["goals"][0]["problem"] == "Duscha själv"
    assert body["copm"]["performance"] == {"start": 3.0, "end": None, "change": None, "significant": False}
    d4 = next(row for row in body["ibic"] if row["area"] == "d4")
    assert (d4["start"], d4["follow_up"], d4["change"]) == (3, None, None)
    assert AccessLog.objects.filter(user=world.officer, what="api.measures").exists()


def test_the_api_gives_404_to_another_team_and_another_municipality(world, active):
    for user in (world.other_staff, world.outsider):
        assert _api(user).get(reverse("api-case-measures", args=[active.pk])).status_code == 404


def test_the_measures_endpoint_is_in_the_openapi_schema(world, client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    assert "get" in schema["paths"]["/api/v1/cases/{id}/measures/"]
