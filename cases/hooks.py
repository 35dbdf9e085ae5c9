"""Hooks through which the layers above `cases` follow its changes, without `cases` importing them.

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
