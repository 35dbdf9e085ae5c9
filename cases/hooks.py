"""Hooks through which the layers above `cases` follow its changes and add to its pages, without `cases`
importing them.

`cases` is the bottom layer (STYLE.md habit 12): where a change here must have effects in `scheduling` or
`handover`, the higher app registers a callback from its `AppConfig.ready()` and the service here calls
the registered callbacks inside its transaction, so the effects commit or roll back with the change.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DecisionChange:
    """What an ändringsbeslut changed, by ids (the callbacks read what they need themselves)."""

    case_id: int
    decision_id: int
    old_end_date: dt.date
    new_end_date: dt.date
    added_ids: list[int]
    removed_ids: list[int]
    reason: str


_decision_changed: list[Callable[..., None]] = []


def on_decision_changed(callback: Callable[..., None]) -> Callable[..., None]:
    """Register `callback(change: DecisionChange, *, actor)`; registering the same callback twice is once."""
    if callback not in _decision_changed:
        _decision_changed.append(callback)
    return callback


def decision_changed(change: DecisionChange, *, actor) -> None:
    for callback in _decision_changed:
        callback(change, actor=actor)


# --- what higher apps add to the case page (handover/: the day-receiver warning) -----------------------
_case_warnings: list[Callable] = []


def register_case_warning(warning: Callable) -> None:
    """`warning(case) -> str`: a message for the team on the case page, or "" when there is nothing to say."""
    if warning not in _case_warnings:
        _case_warnings.append(warning)


def case_warnings(case) -> list[str]:
    return [text for text in (warning(case) for warning in _case_warnings) if text]


# --- the case event log (cases.events.record): listeners such as notifications and reminders ----------
_case_event_listeners: list[Callable] = []


def on_case_event(listener: Callable) -> Callable:
    """Register `listener(event: CaseEvent)`, called in the transaction that records the event."""
    if listener not in _case_event_listeners:
        _case_event_listeners.append(listener)
    return listener


def case_event_recorded(event) -> None:
    for listener in _case_event_listeners:
        listener(event)


# --- the lifecycle door (cases.lifecycle.case_transition): preconditions and effects of entering a state --
_preconditions: dict[str, list[Callable]] = {}
_effects: dict[str, list[Callable]] = {}


def require_before(states, check: Callable) -> Callable:
    """Register `check(case, *, to, actor, reason)` for moves into any of `states`; it raises a DomainError
    to refuse the move. Runs with the case row locked, before anything is saved."""
    for state in [states] if isinstance(states, str) else states:
        if check not in _preconditions.setdefault(state, []):
            _preconditions[state].append(check)
    return check


def on_entering(states, effect: Callable) -> Callable:
    """Register `effect(case, *, to, actor, reason)`, run after a case entered one of `states`, in the same
    transaction; effects run in registration order (apps register in INSTALLED_APPS order)."""
    for state in [states] if isinstance(states, str) else states:
        if effect not in _effects.setdefault(state, []):
            _effects[state].append(effect)
    return effect


def check_before(case, *, to: str, actor, reason: str) -> None:
    for check in _preconditions.get(to, []):
        check(case, to=to, actor=actor, reason=reason)


def has_effects(to: str) -> bool:
    return bool(_effects.get(to))


def entered(case, *, to: str, actor, reason: str) -> None:
    for effect in _effects.get(to, []):
        effect(case, to=to, actor=actor, reason=reason)


# --- the case timeline (cases.timeline): how the events of the apps above read -------------------------
_event_renderers: dict[str, Callable] = {}


def register_event_renderer(kind: str, renderer: Callable) -> Callable:
    """`renderer(event, who) -> list[cases.timeline.TimelineEntry]` for events of `kind` that an app above
    records (e.g. handover's messages); one renderer per kind."""
    _event_renderers[kind] = renderer
    return renderer


def event_renderer(kind: str) -> Callable | None:
    return _event_renderers.get(kind)


# --- sections higher apps add to the case page (measures/: the outcome measures; scheduling/: the work) ---
_case_sections: dict[str, Callable] = {}


def register_case_section(name: str, section: Callable) -> Callable:
    """Register `section(case, user) -> object`, shown on the case page as `sections.<name>` (measures/: a
    dict naming its `template` and what that template reads; scheduling/: the team's work). One app owns
    each name; an empty value shows nothing."""
    if _case_sections.setdefault(name, section) is not section:
        raise ValueError(f"The case page already has a section named {name!r}.")
    return section


def case_sections(case, user) -> dict[str, dict]:
    return {name: shown for name, section in _case_sections.items() if (shown := section(case, user))}


# --- the cases a hemtjänst user's units receive messages on (handover/: the case's receivers) ----------
_receiver_case_sources: list[Callable] = []


def register_receiver_cases(source: Callable) -> None:
    """`source(user, cases: QuerySet) -> QuerySet`: those of `cases` on which one of the user's units in the
    hemtjänst directory is a receiver. Such a user never opens the case, but the rules may let them act on
    it (write to the team, fetch the meeting's invitation): `access.get_case_for(receivers=True)` and the
    predicate `access.receiver_on_case` look here."""
    if source not in _receiver_case_sources:
        _receiver_case_sources.append(source)


def receiver_cases(user, cases):
    """Those of `cases` the registered sources say the user's units receive messages on (none without one)."""
    result = cases.none()
    for source in _receiver_case_sources:
        result = result | source(user, cases)
    return result


# --- the main menu: each app's entries, shown when their rule holds (cases.context_processors) ---------
@dataclass(frozen=True)
class MenuEntry:
    """A link in the main menu. `label` is a (lazy) string, or `label(user) -> str` for one that counts
    something (handover/: the inbox with the messages to acknowledge); it is called only when `perm` holds."""

    url_name: str
    label: object
    perm: str
    order: int


_menu_entries: dict[str, MenuEntry] = {}


def register_menu_entry(url_name: str, *, label, perm: str, order: int) -> None:
    """Add a menu link to `url_name` for users who have `perm`, in `order` (lower first); once per url name."""
    _menu_entries[url_name] = MenuEntry(url_name, label, perm, order)


def menu_entries() -> list[MenuEntry]:
    return sorted(_menu_entries.values(), key=lambda entry: entry.order)


# --- start pages of the apps above (followup/: the unit manager's caseload now) -------------------------
_start_pages: dict[str, str] = {}


def register_start_page(url_name: str, *, perm: str) -> None:
    """Send users who have `perm` from the start page (`/`) to `url_name` instead of a page of `cases`; the
    first registered whose rule holds wins (`cases.access.registered_start_page`)."""
    _start_pages.setdefault(url_name, perm)


def start_pages() -> list[tuple[str, str]]:
    return list(_start_pages.items())


# --- whom a consent may name (handover/: the case's receivers and those the start will choose) ---------
_consent_receiver_sources: list[Callable] = []


def register_consent_receivers(source: Callable) -> None:
    """`source(case) -> iterable of Recipient`: units of the hemtjänst directory a consent on `case` may
    name (handover/: the receivers on the case, and those the start of the support sets)."""
    if source not in _consent_receiver_sources:
        _consent_receiver_sources.append(source)


def consent_receivers(case) -> list:
    """What the registered sources offer for `case`, in their order (duplicates left to the caller)."""
    return [recipient for source in _consent_receiver_sources for recipient in source(case)]
