"""The handover PDF (DOMAIN.md step 9): a real, tagged A4 PDF in Swedish whose text carries the client, the
interventions and the outcomes, and never the address of a client with protected personal data."""

import datetime as dt
import io
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from cases import services
from cases.services import InterventionLine
from handover.document import handover_context, render_handover_pdf
from handover.models import HandoverIntervention, HandoverSummary
from measures import services as measure_services
from scheduling.services import care_plan_update

DAY = dt.date(2026, 3, 2)
KATZ_START = {"bathing": False, "dressing": False, "toileting": True, "transfer": True, "continence": True}
KATZ_END = {"bathing": False, "dressing": True, "toileting": True, "transfer": True, "continence": True}


def _lines(world, count: int) -> list[InterventionLine]:
    plans = [(2, "day", 30, "morning"), (1, "day", 45, "day"), (1, "day", 15, "night")]
    return [InterventionLine(world.types[i].pk, *plans[i]) for i in range(count)]


def _summary(world, case, **overrides) -> HandoverSummary:
    """The summary and its per-intervention rows written straight to the ORM: the services that write them
    belong to the messages work and are tested there."""
    fields = {
        "working_methods": "Duschar själv med handdusch och duschpall; personalen finns nära och uppmuntrar.",
        "aids": "Rollator inne och ute, duschpall, toalettförhöjning.",
        "goals_outcome": "Målet att gå till brevlådan med rollator är nått.",
        "contacts": "Distriktssköterska vardagar 08–16.",
        "watch_for": "Yrsel på morgonen: låt henne sitta en stund på sängkanten.",
        "author": world.staff,
    }
    summary = HandoverSummary.objects.create(case=case, **(fields | overrides))
    for intervention in case.decision.interventions.select_related("intervention_type"):
        HandoverIntervention.objects.create(
            summary=summary,
            intervention=intervention,
            how_done_now=f"{intervention.intervention_type.name} görs nu tillsammans med brukaren.",
        )
    return summary


@pytest.fixture
def handover(world, start_case):
    """An active case with three interventions, a relative, safety 3 → 8 and Katz C → B."""
    case = start_case(DAY, lines=_lines(world, 3))
    services.client_update(
        actor=world.officer,
        client=case.client,
        phone="08-123 456",
        door_code="Port 4711",
        relatives=[{"name": "Anna Testberg", "relation": "Dotter", "phone": "070-111 22 33"}],
    )
    measure_services.safety_record(actor=world.staff, case=case, phase="start", score=3)
    measure_services.safety_record(actor=world.staff, case=case, phase="end", score=8)
    measure_services.katz_record(actor=world.staff, case=case, phase="start", feeding=True, **KATZ_START)
    measure_services.katz_record(actor=world.staff, case=case, phase="end", feeding=True, **KATZ_END)
    return _summary(world, case)


def _reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def _text(pdf: bytes) -> str:
    """The text of all pages with whitespace made single, so a line broken in a table cell still matches."""
    return " ".join(" ".join(page.extract_text() for page in _reader(pdf).pages).split())


def _structure_types(node, seen=None) -> set[str]:
    """Every structure type (/H1, /Table, /TH …) in the tag tree under `node`."""
    seen = set() if seen is None else seen
    node = node.get_object() if isinstance(node, IndirectObject) else node
    if isinstance(node, list):
        for kid in node:
            _structure_types(kid, seen)
    elif hasattr(node, "get"):
        if "/S" in node:
            seen.add(str(node["/S"]))
        if "/K" in node:
            _structure_types(node["/K"], seen)
    return seen


def test_it_renders_a_pdf_with_the_client_the_interventions_and_the_outcomes(world, handover, caplog):
    client = handover.case.client
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = render_handover_pdf(handover)

    assert pdf.startswith(b"%PDF")
    assert not [r for r in caplog.records if r.name.startswith("weasyprint") and r.levelno >= logging.ERROR]
    text = _text(pdf)
    assert "Greta Testberg" in text
    assert client.personal_number_display in text
    assert "Demoköping" in text
    assert "Team Norr" in text
    assert handover.case.reference in text
    for name in ("Personlig omvårdnad", "Gångträning", "Tillsyn natt"):
        assert name in text
        assert f"{name} görs nu tillsammans med brukaren." in text
    assert "Duschar själv med handdusch och duschpall" in text
    assert "Rollator inne och ute" in text
    assert "Yrsel på morgonen" in text
    assert "Anna Testberg" in text
    assert "070-111 22 33" in text
    # Safety 3 → 8; Katz C (4 of 6 independent) → B (5 of 6): the change is +5 and +1.
    assert "+5" in text
    assert "C (4 av 6 oberoende)" in text
    assert "B (5 av 6 oberoende)" in text
    assert "+1" in text


def test_it_numbers_the_pages(handover):
    text = _text(render_handover_pdf(handover))

    assert "Sida 1 av" in text


def test_it_gives_a_long_summary_more_than_one_page_numbered_of_all(world, start_case):
    case = start_case(DAY, lines=_lines(world, 3))
    paragraph = "Hon vill göra själv och behöver tid; vänta in henne och ta inte över. " * 8
    summary = _summary(world, case, working_methods="\n\n".join([paragraph] * 12))

    reader = _reader(render_handover_pdf(summary))

    pages = len(reader.pages)
    assert pages > 1
    for number, page in enumerate(reader.pages, start=1):
        assert f"Sida {number} av {pages}" in " ".join(page.extract_text().split())


def test_it_prints_the_address_of_an_ordinary_client(handover):
    text = _text(render_handover_pdf(handover))

    assert "Provgatan 1" in text
    assert "999 99 Testby" in text
    assert "Port 4711" in text


def test_it_leaves_out_the_address_of_a_client_with_protected_identity(world, handover):
    services.client_update(actor=world.officer, client=handover.case.client, protected_identity=True)

    text = _text(render_handover_pdf(handover))

    assert "Provgatan" not in text
    assert "999 99" not in text
    assert "Testby" not in text
    assert "Port 4711" not in text
    with translation.override("sv"):
        assert translation.gettext("Protected personal data – the address is not printed") in text
    # Who the client is stays on the document: hemtjänst must know whom it concerns.
    assert "Greta Testberg" in text
    assert handover.case.client.personal_number_display in text


def test_it_keeps_the_address_out_of_the_context_of_a_client_with_protected_identity(world, handover):
    services.client_update(actor=world.officer, client=handover.case.client, protected_identity=True)

    client = handover_context(handover)["client"]

    assert client["address"] == ""
    assert client["door_code"] == ""
    assert client["protected_identity"] is True


def test_it_is_an_a4_pdf_ua_in_swedish_with_a_tag_tree(handover):
    reader = _reader(render_handover_pdf(handover))
    catalog = reader.trailer["/Root"]

    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "sv"
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width * 25.4 / 72), round(height * 25.4 / 72)) == (210, 297)  # A4 in millimetres
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    assert b"pdfuaid" in catalog["/Metadata"].get_object().get_data()
    assert "Greta Testberg" in reader.metadata.title
    tags = _structure_types(catalog["/StructTreeRoot"])
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/P"} <= tags


def test_it_escapes_what_staff_wrote(world, start_case):
    case = start_case(DAY)
    summary = _summary(world, case, working_methods="<b>Fet</b> & <i>kursiv</i>\nny rad")

    text = _text(render_handover_pdf(summary))

    assert "<b>Fet</b> & <i>kursiv</i> ny rad" in text


def test_it_is_in_swedish_whatever_the_language_of_the_request(handover):
    with translation.override("en"):
        text = _text(render_handover_pdf(handover))

    assert "Vid start" in text
    assert "Vid avslut" in text


def test_it_carries_over_what_to_watch_for_from_the_care_plan(world, start_case):
    case = start_case(DAY)
    care_plan_update(actor=world.staff, case=case, watch_for="Glömmer att dricka.")
    summary = _summary(world, case, watch_for="")

    assert handover_context(summary)["watch_for"] == "Glömmer att dricka."


def test_it_reads_the_context_in_a_fixed_number_of_queries(world, start_case):
    one = _summary(world, start_case(DAY, lines=_lines(world, 1)))
    three = _summary(world, start_case(DAY + dt.timedelta(days=1), lines=_lines(world, 3)))

    with CaptureQueriesContext(connection) as small:
        handover_context(one)
    with CaptureQueriesContext(connection) as large:
        context = handover_context(three)

    # The summary with case, client, team, decision, care plan and author; the relatives; the decision's
    # interventions with their types; the handover rows; the measures; the case's consents (whom it covers).
    assert len(small) == len(large) == 6
    assert len(context["interventions"]) == 3
