"""The handover PDF is rendered before the sending locks anything (WeasyPrint takes seconds, and every
change of the case waits for its row), and what is stored is the rendering of the summary as sent."""

import datetime as dt

import pytest
import time_machine
from django.db import OperationalError, connections
from django.utils import timezone

from cases.models import Case
from handover import document, services
from handover.models import HandoverSummary
from hemgang.errors import DomainError

from .. import factories as f

MONDAY = dt.date(2026, 11, 23)
FAKE_PDF = b"%PDF-1.7 rendered for the test"


def _case_row_is_free(case_id: int) -> bool:
    """From another connection, as another request would: can the case row be locked right now?"""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT id FROM cases_case WHERE id = %s FOR UPDATE NOWAIT", [case_id])
            return cursor.fetchone() == (case_id,)
    except OperationalError:  # lock_not_available
        return False
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_the_pdf_is_rendered_while_the_case_row_is_not_locked(world, start_case, monkeypatch):
    case = start_case(MONDAY)
    free_at_render = []

    def render(summary):
        free_at_render.append(_case_row_is_free(case.pk))
        return FAKE_PDF

    monkeypatch.setattr(document, "render_handover_pdf", render)
    f.hand_over(world.staff, case)
    assert free_at_render == [True]
    assert Case.objects.get(pk=case.pk).state == "handed_over"
    assert bytes(HandoverSummary.objects.get(case=case).pdf) == FAKE_PDF


def test_a_summary_saved_while_the_pdf_renders_stops_the_sending(world, start_case, monkeypatch):
    case = start_case(MONDAY)
    opens = timezone.make_aware(dt.datetime.combine(services.handover_opens_on(case), dt.time(9)))

    def render(summary):
        with time_machine.travel(opens + dt.timedelta(minutes=1), tick=False):
            services.handover_save(actor=world.staff, case=case, working_methods="Ändrat under tiden.")
        return FAKE_PDF

    with time_machine.travel(opens, tick=False):
        services.handover_save(actor=world.staff, case=case, working_methods="Duschar själv med pall.")
        message = services.handover_draft_message(actor=world.staff, case=case)
        monkeypatch.setattr(document, "render_handover_pdf", render)
        with pytest.raises(DomainError) as err:
            services.message_send(actor=world.staff, message=message)
    assert err.value.code == "handover_changed"
    message.refresh_from_db()
    assert message.sent_at is None and Case.objects.get(pk=case.pk).state == "active"
    assert HandoverSummary.objects.get(case=case).pdf is None


def test_a_handover_without_a_summary_is_refused_without_rendering(world, start_case, monkeypatch):
    case = start_case(MONDAY)
    monkeypatch.setattr(document, "render_handover_pdf", lambda summary: pytest.fail("rendered"))
    opens = timezone.make_aware(dt.datetime.combine(services.handover_opens_on(case), dt.time(9)))
    with time_machine.travel(opens, tick=False):
        message = services.handover_draft_message(actor=world.staff, case=case)
        with pytest.raises(DomainError) as err:
            services.message_send(actor=world.staff, message=message)
    assert err.value.code == "handover_missing"
