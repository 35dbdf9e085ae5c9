from contextlib import ExitStack

from django.contrib import messages
from django.db import connections
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .constraints import translate_constraint_violations
from .errors import DomainError
from .submissions import FIELD, parse_key, submission_claim, submission_finish


class NoStoreMiddleware:
    """Every page a signed-in user gets may hold client data: no browser or proxy may keep it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


class SwedishByDefaultMiddleware:
    """The interface is Swedish unless the user chose another language (the language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, which on a shared municipal
    computer is often English; staff expect Swedish. Placed before LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class SubmissionKeyMiddleware:
    """A form sent twice is saved once (hemgang/submissions.py).

    Last in MIDDLEWARE: `process_view` runs after the CSRF and login checks, so only a request the view
    would really handle claims its key. Requests without a key (the API, tests) pass untouched.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "_submission_key", None)
        if key is not None:
            redirect_to = response.get("HX-Redirect") or (
                response.get("Location") if response.status_code in (301, 302, 303) else ""
            )
            submission_finish(key=key, redirect_to=redirect_to or "")
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or not request.user.is_authenticated:
            return None
        if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return None
        key = parse_key(request.POST.get(FIELD, ""))
        if key is None:
            return None
        claim = submission_claim(key=key, user=request.user, path=request.path)
        if claim.won:
            request._submission_key = key
            return None
        if not claim.redirect_to:
            return render(request, "409.html", status=409)
        messages.info(request, _("Already saved: the form was sent more than once and saved once."))
        if request.htmx:
            return HttpResponse(status=204, headers={"HX-Redirect": claim.redirect_to})
        return HttpResponseRedirect(claim.redirect_to)


class ConstraintViolationMiddleware:
    """Every query of a request runs with `translate_constraint_violations` (hemgang/constraints.py): a
    constraint the database enforces reaches the view as a DomainValidationError with its message.

    A domain error no view caught (an HTML page; the API has its own handler) is answered with the
    site's error page and the message, never a 500 or a constraint name.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(translate_constraint_violations))
            return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        if getattr(request, "htmx", False):
            return HttpResponse(
                format_html('<p class="error" role="alert">{}</p>', exception.message), status=exception.status_code
            )
        context = {"error_title": _("The change could not be saved"), "error_text": exception.message}
        return render(request, "_error_page.html", context, status=exception.status_code)


class NulCharacterMiddleware:
    """A NUL character in the address, the query string or a form is refused with a 400 before any view
    runs: nobody types one, PostgreSQL cannot store one in text, and a parameter read outside a form
    would otherwise reach the database with it (a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            message = _("The request contains a character that is not allowed (NUL).")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "invalid_characters"}, status=400)
            context = {"error_title": _("The request could not be handled"), "error_text": message}
            return render(request, "_error_page.html", context, status=400)
        return self.get_response(request)


def _has_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    params = [request.GET]
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        params.append(request.POST)
    return any("\x00" in key or any("\x00" in value for value in values) for qd in params for key, values in qd.lists())
