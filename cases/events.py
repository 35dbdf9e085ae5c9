"""Writing the case event log: `record` is called by every service that changes a case, inside its
transaction (see `cases.models.event`). Listeners registered with `hooks.on_case_event` run right after,
in the same transaction, so what they store commits or rolls back with the change."""

from django.db import transaction
from django.utils import timezone

from hemgang import means

from . import hooks
from .models import Case, CaseEvent

Kind = CaseEvent.Kind


def record(
    case: Case,
    kind: str,
    actor,
    *,
    from_state: str = "",
    to_state: str = "",
    payload: dict | None = None,
    at=None,
) -> CaseEvent:
    """Store one event about `case`, by `actor` (None for the system), by the current means."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case events are recorded inside the transaction of the change they record")
    event = CaseEvent.objects.create(
        case_id=case.pk,
        municipality_id=case.municipality_id,
        team_id=case.team_id,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        actor=actor if getattr(actor, "pk", None) else None,
        means=means.current(),
        at=at or timezone.now(),
        payload=payload or {},
    )
    hooks.case_event_recorded(event)
    return event
