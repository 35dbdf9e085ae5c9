"""Issue 8, item 8: tapering from day 6 — per intervention, the date from which hemtjänst carries it out."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.services import InterventionLine
from handover import services as handover_services
from handover.document import handover_context
from handover.models import HandoverSummary, Message
from hemgang.errors import DomainError
from scheduling import services
from scheduling.models import Visit

MONDAY = dt.date(2026, 11, 23)  # the support runs 2026-11-23 – 2026-12-02; day 6 is Saturday 2026-11-28
DAY_6 = dt.date(2026, 11, 28)


def _at(day, hour=15):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def case(world, start_case):
    """Morning care twice a day and walking training once in the morning: the first morning visit holds
    both, the second only the care."""
    case = start_case(
        MONDAY,
        lines=[
            InterventionLine(world.types[0].pk, 2, "day", 30, "morning"),
            InterventionLine(world.types[1].pk, 1, "day", 20, "morning"),
        ],
    )
    with time_machine.travel(_at(MONDAY + dt.timedelta(days=2)), tick=False):
        yield case


def _care(case):
    return case.decision.interventions.get(intervention_type__name="Personlig omvårdnad")


def test_it_refuses_a_date_before_day_6_or_after_the_decision(world, case):
    with pytest.raises(DomainError) as err:
        services.tapering_set(
            actor=world.staff, case=case, intervention=_care(case), hemtjanst_from=DAY_6 - dt.timedelta(days=1)
        )
    assert str(err.value.message).startswith("Hemtjänsten kan ta över från 2026-11-28 tidigast (dag 6")
    with pytest.raises(DomainError) as err:
        services.tapering_set(
            actor=world.staff, case=case, intervention=_care(case), hemtjanst_from=dt.date(2026, 12, 3)
        )
    assert err.value.field == "hemtjanst_from"
    assert _care(case).hemtjanst_from is None
    # the boundaries themselves are allowed
    services.tapering_set(actor=world.staff, case=case, intervention=_care(case), hemtjanst_from=dt.date(2026, 12, 2))
    services.tapering_set(actor=world.staff, case=case, intervention=_care(case), hemtjanst_from=DAY_6)
    assert _care(case).hemtjanst_from == DAY_6


def test_it_takes_the_intervention_off_the_teams_visits_from_the_date(world, case):
    care = _care(case)
    before = {v.pk for v in case.visits.filter(planned_start__lt=_at(DAY_6, 0))}
    result = services.tapering_set(actor=world.staff, case=case, intervention=care, hemtjanst_from=DAY_6)
    # five days from day 6, two morning visits a day hold the care; the second visit held only that
    assert (result.unlinked, result.cancelled) == (5, 5)
    later = list(case.visits.filter(planned_start__gte=_at(DAY_6, 0)))
    assert not any(care in v.interventions.all() for v in later if v.status == Visit.Status.PLANNED)
    cancelled = [v for v in later if v.status == Visit.Status.CANCELLED]
    assert len(cancelled) == 5 and all(list(v.interventions.all()) == [care] for v in cancelled)
    assert cancelled[0].cancel_reason == "Hemtjänsten utför Personlig omvårdnad från 2026-11-28."
    kept = [v for v in later if v.status == Visit.Status.PLANNED]
    assert len(kept) == 5 and all(v.planned_minutes == 20 for v in kept)
    assert all(
        care in v.interventions.all() for v in Visit.objects.filter(pk__in=before) if v.visit_interventions.count() == 2
    )
    record = care.history.order_by("-history_id").first()
    assert (record.hemtjanst_from, record.history_user) == (DAY_6, world.staff)


def test_replanning_leaves_out_what_hemtjanst_carries_out(world, case):
    care = _care(case)
    services.tapering_set(actor=world.staff, case=case, intervention=care, hemtjanst_from=DAY_6)
    new = services.visits_plan(case=case, actor=world.staff, from_day=DAY_6 - dt.timedelta(days=1))
    assert new
    for visit in new:
        visit.refresh_from_db()
        holds_care = care in visit.interventions.all()
        assert holds_care == (timezone.localdate(visit.planned_start) < DAY_6)


def test_the_next_summary_tells_hemtjanst_once(world, case):
    services.tapering_set(actor=world.staff, case=case, intervention=_care(case), hemtjanst_from=DAY_6)
    line = "Från 2026-11-28 utför hemtjänst: Personlig omvårdnad (morgon, 2 per dag)."
    prefill = handover_services.summary_prefill(case)
    assert prefill.startswith(line)
    handover_services.message_draft_and_send(
        actor=world.staff, case=case, kind=Message.Kind.SUMMARY, subject="Sammanfattning", body=prefill, recipients=None
    )
    assert line not in handover_services.summary_prefill(case)


def test_the_handover_document_lists_who_does_what(world, case):
    services.tapering_set(actor=world.staff, case=case, intervention=_care(case), hemtjanst_from=DAY_6)
    summary = HandoverSummary.objects.create(case=case, working_methods="Tillsammans", author=world.staff)
    from django.utils import translation

    with translation.override("sv"):
        rows = {
            r.intervention.intervention_type.name: r.carried_out_by for r in handover_context(summary)["interventions"]
        }
    assert rows == {
        "Personlig omvårdnad": "Hemgångsteamet; hemtjänsten från 2026-11-28",
        "Gångträning": "Hemgångsteamet",
    }


def test_the_visits_page_sets_the_date(world, login, case):
    http = login(world.staff)
    care = _care(case)
    url = reverse("case_visits", args=[case.pk])
    page = http.get(url).content.decode()
    assert "Nedtrappning: hemtjänsten tar över" in page and f'id="id_taper-{care.pk}-hemtjanst_from"' in page
    refused = http.post(url, {"tapering": care.pk, f"taper-{care.pk}-hemtjanst_from": "2026-11-24"})
    assert refused.status_code == 200 and "Hemtjänsten kan ta över från 2026-11-28 tidigast" in refused.content.decode()
    response = http.post(url, {"tapering": care.pk, f"taper-{care.pk}-hemtjanst_from": "2026-11-28"}, follow=True)
    saved = "Sparat. 5 planerade besök utförs utan insatsen; 5 som bara gällde den ställdes in."
    assert saved in response.content.decode()
    care.refresh_from_db()
    assert care.hemtjanst_from == DAY_6
    assert "alla dagar från 2026-11-28 – hemtjänsten" in response.content.decode()


def test_the_case_officer_cannot_set_tapering(world, login, case):
    care = _care(case)
    http = login(world.officer)
    http.post(
        reverse("case_visits", args=[case.pk]), {"tapering": care.pk, f"taper-{care.pk}-hemtjanst_from": "2026-11-28"}
    )
    care.refresh_from_db()
    assert care.hemtjanst_from is None


def test_an_empty_date_gives_the_intervention_back_to_the_team(world, case):
    care = _care(case)
    services.tapering_set(actor=world.staff, case=case, intervention=care, hemtjanst_from=DAY_6)
    services.tapering_set(actor=world.staff, case=case, intervention=care, hemtjanst_from=None)
    care.refresh_from_db()
    assert care.hemtjanst_from is None
    assert care.history.first().history_change_reason == "Teamet utför Personlig omvårdnad igen."


def test_it_refuses_an_intervention_of_another_case(world, case, start_case):
    other = start_case(MONDAY)
    with time_machine.travel(_at(MONDAY + dt.timedelta(days=2)), tick=False), pytest.raises(DomainError) as err:
        services.tapering_set(
            actor=world.staff, case=case, intervention=other.decision.interventions.first(), hemtjanst_from=DAY_6
        )
    assert err.value.field == "intervention"
