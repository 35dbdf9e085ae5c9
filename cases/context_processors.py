from django.conf import settings

from .hooks import menu_entries
from .signin.sessions import has_second_factor


def navigation(request):
    """The menu shows the links whose rule holds for the user (each app registers its own, cases.hooks);
    access.py still decides on every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    if settings.OTP_REQUIRED and hasattr(request, "session") and not has_second_factor(request):
        # Between the password and the second factor: no menu yet (the middleware refuses its pages anyway;
        # a request without a session is one a test or a renderer built).
        return {"nav": []}
    return {
        "nav": [
            (entry.url_name, entry.label(user) if callable(entry.label) else entry.label)
            for entry in menu_entries()
            if user.has_perm(entry.perm)
        ]
    }
