"""The case timeline: the case event log (`CaseEvent`), newest first, in words.

One query whatever the size of the case: the case's events with the acting user. Every event that moved
the case says "State: …" with its reason; what the event meant is added by the renderer of its kind —
those of `cases` here, those of the apps above registered with `hooks.register_event_renderer` (handover
names the message and who acknowledged it for which unit, scheduling the meeting's times). The history
tables still hold every field's change; the timeline does not read them.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from . import hooks
from .models import Case, CaseEvent, CaseState

Kind = CaseEvent.Kind


@dataclass
class TimelineEntry:
    at: datetime
    who: str
    what: str
    detail: str = ""


def actor_name(event: CaseEvent) -> str:
    return event.actor.display_name if event.actor_id else _("System")


def case_timeline(case: Case) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for event in CaseEvent.objects.filter(case_id=case.pk).select_related("actor").order_by("at", "id"):
        who = actor_name(event)
        if event.to_state and event.to_state != event.from_state and event.kind != Kind.REFERRED:
            text = _("State: %(state)s") % {"state": CaseState(event.to_state).label}
            entries.append(TimelineEntry(event.at, who, text, event.payload.get("reason", "")))
        renderer = hooks.event_renderer(event.kind) or _RENDERERS.get(event.kind)
        if renderer is not None:
            entries += renderer(event, who)
    entries.reverse()
    return entries


def _period(payload: dict) -> str:
    return f"{payload.get('start_date', '')} – {payload.get('end_date', '')}"


def _referred(event, who):
    return [TimelineEntry(event.at, who, _("Case opened")), TimelineEntry(event.at, who, _("Referral registered"))]


def _consent(event, who):
    label = _("Consent renewed") if event.kind == Kind.CONSENT_RENEWED else _("Consent recorded")
    detail = _("valid %(start)s – %(end)s") % {
        "start": event.payload.get("given_on", ""),
        "end": event.payload.get("valid_until", ""),
    }
    return [TimelineEntry(event.at, who, label, detail)]


def _consent_withdrawn(event, who):
    return [TimelineEntry(event.at, who, _("Consent withdrawn"), event.payload.get("reason", ""))]


def _decided(event, who):
    p = event.payload
    entries = [TimelineEntry(event.at, who, _("Decision registered"), _period(p))]
    if p.get("team"):
        entries.append(TimelineEntry(event.at, who, _("Team assigned"), p["team"]))
    return entries


def _decision_changed(event, who):
    p = event.payload
    reason = p.get("reason", "")
    detail = _period(p)
    if p.get("old_end_date") and p["old_end_date"] != p.get("end_date"):
        detail += " " + _("(before: until %(date)s)") % {"date": p["old_end_date"]}
    entries = [TimelineEntry(event.at, who, _("Decision change: %(reason)s") % {"reason": reason}, detail)]
    entries += [
        TimelineEntry(event.at, who, _("Intervention added: %(name)s") % {"name": i["name"]}, reason)
        for i in p.get("added", [])
    ]
    entries += [
        TimelineEntry(event.at, who, _("Intervention removed: %(name)s") % {"name": i["name"]}, reason)
        for i in p.get("removed", [])
    ]
    return entries


def _referral_received(event, who):
    """A referral through the API for this open case (cases.services.referral_submit): what the hospital
    sent, for the case officer to act on."""
    p = event.payload
    parts = [p.get("source_unit", ""), p.get("reason", "")]
    if p.get("planned_homecoming_on"):
        parts.append(_("planned homecoming %(date)s") % {"date": p["planned_homecoming_on"]})
    return [TimelineEntry(event.at, who, _("New referral from the hospital"), " · ".join(x for x in parts if x))]


def _team_assigned(event, who):
    return [TimelineEntry(event.at, who, _("Team assigned"), event.payload.get("team", ""))]


_RENDERERS = {
    Kind.REFERRED: _referred,
    Kind.REFERRAL_RECEIVED: _referral_received,
    Kind.CONSENT_RECORDED: _consent,
    Kind.CONSENT_RENEWED: _consent,
    Kind.CONSENT_WITHDRAWN: _consent_withdrawn,
    Kind.DECIDED: _decided,
    Kind.DECISION_CHANGED: _decision_changed,
    Kind.TEAM_ASSIGNED: _team_assigned,
}
