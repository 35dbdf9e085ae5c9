"""Effects other apps attach to the team's work. scheduling lies below handover and must not import it
(STYLE.md habit 12: layers register, they do not import upward); handover fills these registries from its
`AppConfig.ready()`.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Notice:
    """What an effect tells the person whose change caused it; a warning when something did not happen."""

    text: str
    is_warning: bool = False


# Called inside the transaction that moves the follow-up meeting, with keyword arguments `meeting`,
# `actor` and `previous_starts_at`; each effect returns notices for the person who moved it.
_meeting_moved: list[Callable[..., list[Notice]]] = []


def on_meeting_moved(effect: Callable[..., list[Notice]]) -> Callable[..., list[Notice]]:
    """Register `effect` to run whenever a follow-up meeting is moved (once, however often registered)."""
    if effect not in _meeting_moved:
        _meeting_moved.append(effect)
    return effect


def meeting_moved(*, meeting, actor, previous_starts_at) -> list[Notice]:
    """Run the registered effects of a move; their notices, in order of registration."""
    notices: list[Notice] = []
    for effect in _meeting_moved:
        notices += effect(meeting=meeting, actor=actor, previous_starts_at=previous_starts_at) or []
    return notices


@dataclass(frozen=True)
class Audience:
    """People an app above scheduling adds to a meeting reminder, with the page that is theirs to open
    (hemtjänst's coordinators read the invitation in their inbox, not the case's meeting page)."""

    users: list
    url_name: str
    url_args: tuple = ()


# Called with a booked meeting; each returns the audiences it adds to the meeting's reminders.
_meeting_audiences: list[Callable[..., list[Audience]]] = []


def register_meeting_audience(source: Callable[..., list[Audience]]) -> Callable[..., list[Audience]]:
    if source not in _meeting_audiences:
        _meeting_audiences.append(source)
    return source


def meeting_audiences(meeting) -> list[Audience]:
    audiences: list[Audience] = []
    for source in _meeting_audiences:
        audiences += source(meeting) or []
    return audiences
