"""Two checks on every request of a signed-in session, before any view runs. Both read the session only
(already loaded for the user), so they cost no query."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.i18n import set_language

from . import sessions
from .backends import may_sign_in_to_pages

# Pages a session without its second factor may open: the sign-in steps themselves (`access.signing_in`)
# and the public ones (`access.public`: login, logout, health, the API schema).
OPEN_BEFORE_SECOND_FACTOR = {"public", "signing_in"}


def _redirect(request, url: str) -> HttpResponse:
    """An HTMX request is sent on with HX-Redirect (a 302 would put the page inside the page)."""
    if getattr(request, "htmx", False):
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return HttpResponseRedirect(url)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


class SessionLifetimeMiddleware:
    """A session ends SESSION_IDLE_SECONDS after its last request and SESSION_ABSOLUTE_SECONDS after the
    sign-in (HSLF-FS 2016:40: a terminal left alone must not stay open on client data). The user is signed
    out and sent to the login page, which says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        # An account that may not sign in to the pages (an integration, which has its token) has no session
        # here, however it got one: it is ended, and the request goes on as a signed-out one.
        why = "not_for_pages" if not may_sign_in_to_pages(request.user) else sessions.expired(request)
        if not why:
            sessions.seen(request)
            return None
        logout(request)
        if _is_api(request) or not getattr(view_func, "login_required", True):
            return None  # the API answers an anonymous request itself (401); a public page opens anyway
        if why == "idle":
            minutes = settings.SESSION_IDLE_SECONDS // 60
            messages.info(
                request, _("You were signed out after %(minutes)s minutes without activity.") % {"minutes": minutes}
            )
        elif why != "not_for_pages":
            hours = settings.SESSION_ABSOLUTE_SECONDS // 3600
            messages.info(
                request, _("You were signed out: a session lasts at most %(hours)s hours.") % {"hours": hours}
            )
        if getattr(request, "htmx", False):
            return _redirect(request, reverse(settings.LOGIN_URL))
        return redirect_to_login(request.get_full_path())


class SecondFactorMiddleware:
    """No page without the second factor (settings.OTP_REQUIRED): a session with only the password may open
    the sign-in steps and the public pages, nothing else. The API's own tokens never have a session user
    here, so they pass; a session on the API without the second factor is refused."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.OTP_REQUIRED or not request.user.is_authenticated or sessions.has_second_factor(request):
            return None
        if getattr(view_func, "access_rule", None) in OPEN_BEFORE_SECOND_FACTOR or view_func is set_language:
            return None
        if _is_api(request):
            message = _("Sign in with your second factor first.")
            return JsonResponse({"detail": message, "code": "second_factor_required"}, status=403)
        url = reverse("login_verify")
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return _redirect(request, url)
