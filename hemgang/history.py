"""Attribution: every change to a domain record is saved with who made it, and why where there is a why.

django-simple-history reads the actor from `_history_user` and the reason from `_change_reason` on the
instance; services in every app save through these two functions rather than setting them by hand, so a
task, the API and the admin are attributed like the web pages.
"""

from .versions import is_versioned


def save_as(obj, actor, *, update_fields=None, reason: str = ""):
    """Save `obj` with `actor` (a user, or None for the system) and `reason` recorded in its history.

    A record with a `version` (hemgang.versions) is counted up at every save of a stored row, so a form
    opened before this save is refused instead of writing over it. Services save the row they read under
    its lock, so the count is that of the row in the database; `update_fields=[]` saves only the version
    (a change of rows that belong to the record, such as a client's relatives)."""
    obj._history_user = actor
    if not obj._state.adding and is_versioned(obj):
        obj.version += 1
        if update_fields is not None:
            update_fields = [*update_fields, "version"]
    if reason:
        obj._change_reason = reason
    obj.save(update_fields=update_fields)
    return obj


def delete_as(obj, actor, *, reason: str = ""):
    """Delete `obj`, its history row naming `actor`."""
    obj._history_user = actor
    if reason:
        obj._change_reason = reason
    obj.delete()
