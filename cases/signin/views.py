"""The pages of signing in: the password, the second factor, enrolling an app, the identity provider.

Every page here is declared `access.public` (before the password) or `access.signing_in` (after the
password, before the second factor); none shows client data.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice
from mozilla_django_oidc import views as oidc_views

from . import sessions, two_factor
from .forms import CodeForm, EnrolForm, SignInForm


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(oidc_enabled=settings.OIDC_ENABLED, **kwargs)


def locked_out(request, response=None, credentials=None):
    """django-axes' answer to a locked username and address (settings.AXES_LOCKOUT_CALLABLE): the login page
    with the reason, 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith("/api/"):
        message = _("Too many invalid tokens from this address. Try again later.")
        return JsonResponse({"detail": message, "code": "throttled"}, status=settings.AXES_HTTP_RESPONSE_CODE)
    context = {
        "form": SignInForm(request, initial={"username": (credentials or {}).get("username", "")}),
        "lockout_message": _(
            "Too many failed sign-ins. Signing in with this username from this computer is blocked for "
            "%(minutes)s minutes; try again later or ask your administrator."
        )
        % {"minutes": minutes},
        "next": _next_url(request),
        "oidc_enabled": settings.OIDC_ENABLED,
    }
    return render(request, "registration/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step: a code from the app, or a recovery code (used up)."""
    if sessions.has_second_factor(request):
        return redirect(_next_url(request))
    if two_factor.confirmed_app(request.user) is None:
        return redirect(f"{resolve_url('login_enrol')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, throttled = two_factor.check_code(request.user, form.cleaned_data["code"])
        if device is not None:
            recovery = isinstance(device, StaticDevice)
            sessions.second_factor_given(request, "recovery" if recovery else "totp", device)
            if recovery:
                left = two_factor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; %(left)s are left. "
                        "Lost your phone? Tell your administrator."
                    )
                    % {"left": left},
                )
            return redirect(_next_url(request))
        if throttled:
            form.add_error("code", _("Too many wrong codes. Wait a minute and try again."))
        else:
            form.add_error("code", _("The code is not right. Check that your phone's clock is right and try again."))
    return render(request, "registration/verify.html", {"form": form, "next": _next_url(request)})


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request):
    """First sign-in without an app: add Hemgång to an authenticator app, confirm with a code from it, and
    get ten recovery codes, shown this once."""
    if two_factor.confirmed_app(request.user) is not None:
        return redirect(f"{resolve_url('login_verify')}?{request.GET.urlencode()}")
    device = two_factor.pending_app(request.user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_app(device=device, code="".join(form.cleaned_data["code"].split()))
        if codes is not None:
            sessions.second_factor_given(request, "totp", device)
            return render(request, "registration/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
        form.add_error("code", _("The code is not right. Check that your phone's clock is right and try again."))
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_code": two_factor.qr_code_svg(device, _("QR code to scan with the authenticator app")),
        "secret": two_factor.secret_in_text(device),
    }
    return render(request, "registration/enrol.html", context)


class _OnlyWhenConfigured:
    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class IdentityProviderStart(_OnlyWhenConfigured, oidc_views.OIDCAuthenticationRequestView):
    """ "Logga in med e-legitimation": to the identity provider, asking for the required `acr`."""


class IdentityProviderCallback(_OnlyWhenConfigured, oidc_views.OIDCAuthenticationCallbackView):
    """Back from the identity provider. Its e-legitimation is the second factor."""

    @property
    def failure_url(self):
        return resolve_url(settings.LOGIN_REDIRECT_URL_FAILURE)

    def login_success(self):
        response = super().login_success()
        sessions.second_factor_given(self.request, "oidc")
        return response

    def login_failure(self):
        why = getattr(self.request, "oidc_refusal", "")
        if why == "acr":
            message = _("That e-legitimation is not accepted here. Sign in with one of the accepted kinds.")
        elif why == "unknown":
            message = _("Your e-legitimation is not linked to an active account in Hemgång. Ask your administrator.")
        else:
            message = _("Signing in with e-legitimation did not succeed. Try again.")
        messages.error(self.request, message)
        return super().login_failure()
