from .hooks import menu_entries


def navigation(request):
    """The menu shows the links whose rule holds for the user (each app registers its own, cases.hooks);
    access.py still decides on every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    return {
        "nav": [
            (entry.url_name, entry.label(user) if callable(entry.label) else entry.label)
            for entry in menu_entries()
            if user.has_perm(entry.perm)
        ]
    }
