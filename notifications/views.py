"""The notification centre, the e-mail choices and the unit manager's reminders.

A notification's subject and text name a case's reference and the kind of thing only, never the client
(they go out by e-mail), so none of these pages reads client data and none writes an access-log row.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import access

from . import selectors, services
from .access import get_notification_for
from .forms import EmailChoicesForm, TeamReminderFilter

PAGE_SIZE = 25


def _show(value) -> str:
    return "unread" if value == "unread" else ""


def _centre_url(show: str = "", page=None) -> str:
    """The centre again, on the tab and page the user was on (only values we know, never a raw parameter)."""
    params = {"show": show} if show else {}
    if page and str(page).isdigit():
        params["page"] = page
    return reverse("notification_list") + (f"?{urlencode(params)}" if params else "")


def _centre_context(request, show: str, page_number) -> dict:
    page = Paginator(selectors.notification_list(request.user, unread=show == "unread"), PAGE_SIZE).get_page(
        page_number
    )
    # The page's rows are fetched here once; the template reads the same list.
    return {"page": page, "show": show, "any_unread": any(n.read_at is None for n in page)}


@access.requires("notifications.view_notifications")
def notification_list(request):
    show = _show(request.GET.get("show"))
    return render(request, "notifications/list.html", _centre_context(request, show, request.GET.get("page")))


@access.requires("notifications.view_notifications", on_object=True)
def notification_open(request, pk):
    """A link, so that it opens in a new tab too: marks the notification read (harmless to repeat) and goes
    to the thing it is about."""
    notification = get_notification_for(request.user, pk)
    if notification.read_at is None:
        services.notification_mark_read(user=request.user, notification_ids=[notification.pk])
    return redirect(notification.path)


@require_POST
@access.requires("notifications.view_notifications", on_object=True)
def notification_read(request, pk):
    """Mark one read. HTMX gets the row (and the menu's count, out of band); a plain form a redirect."""
    notification = get_notification_for(request.user, pk)
    services.notification_mark_read(user=request.user, notification_ids=[notification.pk])
    if request.htmx:
        notification.refresh_from_db(fields=["read_at"])
        return render(request, "notifications/_row_read.html", {"n": notification})
    return redirect(_centre_url(_show(request.POST.get("show")), request.POST.get("page")))


@require_POST
@access.requires("notifications.view_notifications")
def notification_read_all(request):
    """Mark every unread one read. HTMX gets the list (and the menu's count); a plain form a redirect."""
    services.notification_mark_read(user=request.user)
    show = _show(request.POST.get("show"))
    if request.htmx:
        context = _centre_context(request, show, request.POST.get("page"))
        return render(request, "notifications/_list_read.html", context)
    messages.success(request, _("All notices are marked as read."))
    return redirect(_centre_url(show, request.POST.get("page")))


@access.requires("notifications.view_notifications")
def notification_preferences(request):
    """One checkbox per kind the user's role can receive; the centre shows every kind anyway."""
    kinds = selectors.email_kinds(request.user.role)
    form = EmailChoicesForm(request.POST or None, kinds=kinds, initial=selectors.email_choices(request.user))
    if request.method == "POST" and form.is_valid():
        services.email_preferences_set(user=request.user, choices=form.choices())
        messages.success(request, _("Your e-mail choices are saved."))
        return redirect("notification_preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@access.requires("notifications.view_team_reminders")
def team_reminders(request):
    """The reminders and other notifications of the team's cases (and the municipality's without a case)
    of the last 30 days, with counts per status. Case references, kinds and statuses only, no client data:
    no access-log row (cases.access.log_reads is for reads of a client)."""
    since = selectors.team_reminders_since()
    form = TeamReminderFilter(request.GET)
    values = form.values()
    rows = selectors.team_reminders(request.user, since=since, **values)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "since": since,
        "counts": selectors.team_reminder_counts(request.user, since=since),
        "filter_query": urlencode({key: value for key, value in values.items() if value}),
        "filtered": any(values.values()),
    }
    return render(request, "notifications/team_reminders.html", context)
