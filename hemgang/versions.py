"""No lost updates (issue 12): a record others may edit carries a `version`, and a save that was made from
an older version is refused with what changed meanwhile, never written over it.

Why a column and not the latest history id: the version is read and compared on the locked row itself
(one `SELECT … FOR UPDATE`, no history query on the common path), an API client can send it back as a
plain number (or an `If-Match` ETag), and it does not depend on every write leaving a history row (the
benchmark data has none). The history is read only when there is a conflict, to tell who changed what:
each history row stores the version it was saved at, so the row of the version the user saw is the
snapshot of what they saw.

Every write goes through `hemgang.history.save_as`, which counts the version up; services compare the
version the form was opened with (`check_version`) on the row they have locked, before they change it.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import DomainError


def version_field() -> models.PositiveIntegerField:
    """The version of a row others may edit: 1 when created, one more at every save through `save_as`.
    `db_default` too, so rows written without the ORM (the benchmark's COPY) start at 1 as well."""
    return models.PositiveIntegerField(
        gettext_lazy("version number"),
        default=1,
        db_default=1,
        editable=False,
        help_text=gettext_lazy("Counted up by every change; a form saved from an older version is refused."),
    )


def is_versioned(obj) -> bool:
    return any(f.name == "version" for f in obj._meta.concrete_fields)


@dataclass(frozen=True)
class Change:
    """One field that changed after the user opened the form: its label, the value they saw, the value now,
    and what they typed (when the form has the field)."""

    label: str
    seen: str
    now: str
    typed: str | None = None

    def as_dict(self) -> dict:
        return {"field": self.label, "seen": self.seen, "now": self.now, "yours": self.typed}


@dataclass(frozen=True)
class Snapshot:
    """A versioned record as the user saw it: its history row at their version (None when there is no such
    row), and the history rows saved after it, oldest first."""

    seen: object | None
    later: list = field(default_factory=list)

    @property
    def seen_until(self) -> dt.datetime | None:
        """The last moment the record was as the user saw it: just before the first change after it. Rows
        that belong to the record (relatives, interventions) are read as of then; their services save the
        record first and its rows after it, so the rows of that change come later."""
        if self.seen is None or not self.later:
            return None
        return self.later[0].history_date - dt.timedelta(microseconds=1)


class StaleVersion(DomainError):
    """The record changed after the form was opened ("Ändrad av någon annan"): nothing is saved."""

    def __init__(self, *, version: int, changes: list[Change], changed_by: list[str], changed_at):
        who = ", ".join(changed_by) or _("someone else")
        when = date_format(timezone.localtime(changed_at), "j F Y H:i") if changed_at else "–"
        message = _(
            "Changed by someone else: %(who)s saved this at %(when)s, after you opened the form. Nothing of "
            "yours is saved. Compare with what changed, below; save again to put your input over it."
        ) % {"who": who, "when": when}
        super().__init__(message, code="stale_version")
        self.version = version
        self.changes = changes
        self.changed_by = changed_by
        self.changed_at = changed_at

    def as_problem(self) -> dict:
        """The API's 409 body: what changed, by whom and when, and the version to send with a new try."""
        return {
            "detail": str(self.message),
            "code": self.code,
            "version": self.version,
            "changed_by": self.changed_by,
            "changed_at": self.changed_at.isoformat() if self.changed_at else None,
            "changes": [c.as_dict() for c in self.changes],
        }


def display(obj, name: str) -> str:
    """A field's value on `obj` as a person reads it (the choice's label, the related row's name, a date)."""
    model_field = obj._meta.get_field(name)
    if model_field.is_relation:
        related_id = getattr(obj, model_field.attname)
        value = model_field.related_model._base_manager.filter(pk=related_id).first() if related_id else None
        return readable(model_field, value)
    return readable(model_field, getattr(obj, name))


def readable(model_field, value) -> str:
    """`value` of `model_field` in words: for a relation `value` is the related row (or None)."""
    if model_field.choices:
        value = dict(model_field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "j F Y H:i")
    if isinstance(value, dt.date):
        return date_format(value, "j F Y")
    return str(value) if value not in (None, "") else "–"


def check_version(
    obj,
    seen_version: int | None,
    *,
    fields: Iterable[str],
    typed: dict | None = None,
    related: Callable[[Snapshot], list[Change]] | None = None,
    hidden: Iterable[str] = (),
) -> None:
    """Refuse the save when `obj` (read under the row lock) is no longer at `seen_version`, the version the
    form was opened with. `fields` are the record's fields the form shows; `typed` what the user sent for
    them (shown beside "now"); `related(snapshot)` adds changes of rows that belong to the record (a client's
    relatives, a decision's interventions); `hidden` fields are named as changed without their values (a
    protected address the user may not see). `None` is no check: a caller that did not read the record first
    (a task, the seed)."""
    if seen_version is None or obj.version == seen_version:
        return
    snapshot = Snapshot(
        seen=obj.history.filter(version=seen_version).order_by("-history_id").first(),
        later=list(obj.history.filter(version__gt=seen_version).select_related("history_user").order_by("history_id")),
    )
    typed = typed or {}
    changes = []
    for name in fields:
        now = display(obj, name)
        seen = display(snapshot.seen, name) if snapshot.seen is not None else "–"
        if seen != now:
            label = capfirst(str(obj._meta.get_field(name).verbose_name))
            yours = readable(obj._meta.get_field(name), typed[name]) if name in typed else None
            if name in hidden:
                seen = now = _("(protected)")
                yours = None
            changes.append(Change(label, seen, now, yours))
    if related is not None:
        changes += related(snapshot)
    names = []
    for row in snapshot.later:
        name = str(row.history_user) if row.history_user_id else _("the system")
        if name not in names:
            names.append(name)
    raise StaleVersion(
        version=obj.version,
        changes=changes,
        changed_by=names,
        changed_at=snapshot.later[-1].history_date if snapshot.later else None,
    )


def list_change(label: str, seen: list[str] | None, now: list[str], typed: list[str] | None = None) -> list[Change]:
    """A change of a list that belongs to the record (relatives, interventions), or nothing when it is the same."""
    if seen is not None and sorted(seen) == sorted(now):
        return []

    def joined(lines):
        return ", ".join(lines) or "–"

    return [Change(label, joined(seen or []), joined(now), joined(typed) if typed is not None else None)]
