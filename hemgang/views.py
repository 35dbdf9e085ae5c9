"""Pages of the site itself rather than of an app: the CSRF failure page."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check, in the site's layout and in Swedish (Django's page is English
    and speaks of tokens). The reason goes to the log, not to the user."""
    return render(request, "403_csrf.html", status=403)
