"""The unit manager's pages: account changes to approve, and the log review with the client's log extract;
the administrator's: the API tokens.

The review shows who read which client: reading it is reading client data, so every page logs one row per
client it shows (what="audit.review", "audit.export", "audit.extract").
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases import access
from cases.models import Client, Municipality, Role, Team, User
from hemgang.errors import DomainError
from hemgang.exports import FORMATS, Table, export_response

from . import selectors, services, tokens
from .access import get_request_for, get_token_for, get_token_to_approve, requests_to_decide
from .document import render_log_extract, role_label
from .forms import ApiTokenForm, PeriodForm, RejectForm

FLAG_LABELS = {
    "outside": gettext_lazy("outside team or caseload"),
    "burst": gettext_lazy("many clients in a short time"),
    "protected": gettext_lazy("protected personal data"),
    "after_close": gettext_lazy("after the case ended"),
    "denied": gettext_lazy("refused"),
}


def flag_labels() -> dict:
    return {key: str(label) for key, label in FLAG_LABELS.items()}


def _row_flags(row) -> list[tuple[str, str]]:
    return [(flag, str(FLAG_LABELS[flag])) for flag in row.flags]


def _summary_flags(entry) -> list[tuple[str, str, int]]:
    return [(flag, str(FLAG_LABELS[flag]), getattr(entry, flag)) for flag in selectors.FLAGS if getattr(entry, flag)]


# --- API tokens -------------------------------------------------------------------------------------


@access.requires("audit.manage_api_tokens")
def api_tokens(request):
    """The municipality's API tokens, and a new one: its raw token is shown on the answer to the POST, once
    (it is stored hashed, and never put in the session or a redirect)."""
    form = ApiTokenForm(request.POST or None, accounts=tokens.integration_accounts(request.user))
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = tokens.api_token_issue(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            form = ApiTokenForm(accounts=tokens.integration_accounts(request.user))
    rows = list(tokens.tokens_of_municipality(request.user))
    context = {"form": form, "rows": rows, "issued": issued, "now": timezone.now()}
    return render(request, "audit/api_tokens.html", context, status=400 if form.errors else 200)


@access.requires("audit.manage_api_tokens", on_object=True)
def api_token_revoke(request, pk):
    """GET asks to confirm, POST revokes."""
    token = get_token_for(request.user, pk)
    if request.method == "POST":
        done = _("Revoked: %(name)s no longer works.") % {"name": token}
        return _decided(request, lambda: tokens.api_token_revoke(actor=request.user, token=token), done, "api_tokens")
    return render(request, "audit/api_token_revoke.html", {"token": token})


# --- account changes ----------------------------------------------------------------------------------


@access.requires("audit.review_account_changes")
def account_requests(request):
    """The municipality's waiting account changes, each in words, with approve and reject where the unit
    manager may decide it (never their own account, never one they asked for)."""
    pending = list(requests_to_decide(request.user).order_by("requested_at"))
    team_ids = {r.account.team_id for r in pending} | {
        pk for r in pending for key in ("team", "led_teams") for pk in _ids(r.changes.get(key))
    }
    teams = dict(Team.objects.filter(pk__in=team_ids - {None}).values_list("pk", "name"))
    towns = {r.changes["municipality"] for r in pending if r.changes.get("municipality")}
    municipalities = dict(Municipality.objects.filter(pk__in=towns).values_list("pk", "name")) if towns else {}
    rows = [
        (
            r,
            services.describe_changes(r.changes, teams=teams, municipalities=municipalities),
            request.user.has_perm("audit.decide_account_change", r),
        )
        for r in pending
    ]
    waiting_tokens = [
        (token, request.user.has_perm("audit.approve_api_token", token))
        for token in tokens.tokens_to_approve(request.user)
    ]
    context = {"rows": rows, "reject_form": RejectForm(), "waiting_tokens": waiting_tokens}
    return render(request, "audit/account_requests.html", context)


@require_POST
@access.requires("audit.approve_api_token", on_object=True)
def api_token_approve(request, pk):
    """A unit manager approves a token that reads client data; it works from now on."""
    token = get_token_to_approve(request.user, pk)
    done = _("Approved: %(name)s works from now on.") % {"name": token}
    return _decided(request, lambda: tokens.api_token_approve(actor=request.user, token=token), done)


def _decided(request, decide, done: str, then: str = "account_requests"):
    """Run a decision's service; its refusal or `done` as the page's message, and back to `then`."""
    try:
        decide()
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect(then)


def _ids(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


@require_POST
@access.requires("audit.decide_account_change", on_object=True)
def account_request_approve(request, pk):
    change = get_request_for(request.user, pk)
    done = _("Approved: the change now applies to %(name)s.") % {"name": change.account}
    return _decided(request, lambda: services.request_approve(actor=request.user, request=change), done)


@require_POST
@access.requires("audit.decide_account_change", on_object=True)
def account_request_reject(request, pk):
    change = get_request_for(request.user, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the change is rejected."))
        return redirect("account_requests")
    reason = form.cleaned_data["reason"]
    done = _("Rejected: nothing changed for %(name)s.") % {"name": change.account}
    return _decided(request, lambda: services.request_reject(actor=request.user, request=change, reason=reason), done)


@access.public
def account_set_password(request, uidb64, token):
    """The one-time link of an approved new account or password reset: the user chooses their password. The
    token covers the password hash, so once a password is set the link no longer works."""
    try:
        account = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)), is_active=True)
    except (ValueError, OverflowError, User.DoesNotExist):
        account = None
    if account is None or not default_token_generator.check_token(account, token):
        return render(request, "audit/set_password.html", {"invalid": True}, status=400)
    form = SetPasswordForm(account, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_set_by_link(account=account, password=form.cleaned_data["new_password1"])
        messages.success(request, _("Your password is set. Log in with it."))
        return redirect("login")
    help_texts = password_validation.password_validators_help_texts()
    return render(request, "audit/set_password.html", {"form": form, "help_texts": help_texts})


# --- the log review -----------------------------------------------------------------------------------


def _period_form(request) -> PeriodForm:
    """The period asked for, or the last 30 days shown in the fields."""
    if request.GET.keys() - {"page", "format"}:
        return PeriodForm(request.GET)
    default = PeriodForm.default_period()
    return PeriodForm({"first": default.first.isoformat(), "last": default.last.isoformat()})


def _page_number(request) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


@access.requires("audit.review_log")
def log_review(request):
    """The period's users and clients, the flagged first, each linking to their reads."""
    form = _period_form(request)
    period = form.period()
    users, clients = selectors.summary(request.user.municipality_id, period) if period else ([], [])
    access.log_reads(request, [(c.id, None) for c in clients], what="audit.review")
    roles = dict(Role.choices)
    context = {
        "form": form,
        "period": period,
        "query": form.query(),
        "users": [(u, roles.get(u.detail, ""), _summary_flags(u)) for u in users],
        "clients": [(c, "", _summary_flags(c)) for c in clients],
        "limit": selectors.SUMMARY_LIMIT,
        "burst_clients": settings.LOG_REVIEW_BURST_CLIENTS,
        "burst_minutes": settings.LOG_REVIEW_BURST_MINUTES,
    }
    return render(request, "audit/log_review.html", context)


@access.requires("audit.review_log")
def log_review_user(request, pk):
    person = User.objects.filter(pk=pk, municipality_id=request.user.municipality_id).select_related("team").first()
    if person is None:
        raise Http404
    return _reads_page(request, subject=person, user_id=person.pk, filename=f"logg-{person.username}")


@access.requires("audit.review_log")
def log_review_client(request, pk):
    client = _client_of_municipality(request, pk, what="audit.review")
    return _reads_page(request, subject=client, client_id=client.pk, filename=f"logg-klient-{client.pk}")


def _client_of_municipality(request, pk, *, what: str) -> Client:
    """A client of the unit manager's municipality; one of another is refused as not found, and logged so."""
    client = Client.objects.filter(pk=pk).select_related("municipality").first()
    if client is None:
        raise Http404
    if client.municipality_id != request.user.municipality_id:
        access.log_reads(request, [(client.pk, None)], what=what, denied=True, municipality_id=client.municipality_id)
        raise Http404
    # Who read the client's data is the client's data too: the review of it is a read (PDL 4 kap.).
    access.log_reads(request, [(client.pk, None)], what=what)
    return client


def _reads_page(request, *, subject, filename: str, user_id=None, client_id=None):
    form = _period_form(request)
    period = form.period()
    fmt = request.GET.get("format", "")
    flagged = bool(period and form.cleaned_data.get("flagged"))
    municipality_id = request.user.municipality_id
    if fmt in FORMATS and period:
        rows, _total = selectors.reads(
            municipality_id,
            period,
            user_id=user_id,
            client_id=client_id,
            flagged_only=flagged,
            per_page=selectors.EXPORT_LIMIT,
        )
        access.log_reads(request, [(row.client_id, None) for row in rows], what="audit.export")
        return export_response(_table(rows), fmt, filename=filename)
    rows, total = ([], 0)
    page = _page_number(request)
    if period:
        rows, total = selectors.reads(
            municipality_id, period, user_id=user_id, client_id=client_id, flagged_only=flagged, page=page
        )
    access.log_reads(request, [(row.client_id, None) for row in rows], what="audit.review")
    pages = max((total + selectors.PAGE_SIZE - 1) // selectors.PAGE_SIZE, 1)
    context = {
        "form": form,
        "period": period,
        "query": form.query(),
        "subject": subject,
        "is_client": client_id is not None,
        "rows": [(row, role_label(row.user_role, row.user_profession), _row_flags(row)) for row in rows],
        "total": total,
        "page": page,
        "pages": pages,
        "first_index": (page - 1) * selectors.PAGE_SIZE + 1,
        "last_index": (page - 1) * selectors.PAGE_SIZE + len(rows),
    }
    return render(request, "audit/log_reads.html", context)


def _table(rows) -> Table:
    labels = flag_labels()
    return Table(
        title=_("Access log"),
        headers=(
            _("When"),
            _("User"),
            _("Role"),
            _("Unit"),
            _("Client"),
            _("Personal identity number"),
            _("What"),
            _("Case"),
            _("Address"),
            _("Flags"),
        ),
        rows=tuple(
            (
                timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M:%S"),
                row.user_name,
                role_label(row.user_role, row.user_profession),
                row.unit,
                row.client_name,
                row.personal_number or "",
                row.what,
                row.case_id,
                row.ip_address or "",
                ", ".join(str(labels[flag]) for flag in row.flags),
            )
            for row in rows
        ),
    )


@access.requires("audit.review_log")
def log_extract(request, pk):
    """The client's log extract as a PDF download (PDL 8 kap. 5 §)."""
    client = _client_of_municipality(request, pk, what="audit.extract")
    period = _period_form(request).period() or PeriodForm.default_period()
    pdf = render_log_extract(client, period)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"loggutdrag-{client.pk}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
