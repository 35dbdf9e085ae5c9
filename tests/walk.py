"""Every page of the site, opened by a persona who may see it, on real objects.

Reads the URL configuration (as the permission-matrix test does), so a new page is walked without
anyone listing it. `scene` builds one running case with everything a page can show: visits, journal
entries, a meeting, sent messages and a draft, measures. `kwargs_for` picks the object for each URL
argument; a page whose argument it does not know fails loudly, so a new kind of page is added here.
"""

import datetime as dt
from html.parser import HTMLParser
from types import SimpleNamespace

import time_machine
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cases import access
from cases.models import ApiToken, ReferralSubmission, Role
from handover import services as handover_services
from handover.models import Message
from measures import services as measure_services
from notifications import services as notification_services
from scheduling import services as scheduling_services
from scheduling.models import Visit

from . import factories as f

MONDAY = dt.date(2026, 11, 23)
PROJECT_APPS = ("cases", "measures", "scheduling", "handover")
# Downloads, not pages: a PDF, a calendar file, a table as CSV or Excel.
DOWNLOADS = (".pdf", ".ics", ".<slug:fmt>")
SKIPPED_NAMESPACES = {"admin"}  # Django's own admin (tested in tests/cases/test_admin_pages.py)
SKIPPED_NAMES = {"set_language", "logout", "api-schema", "api-docs", "health"}
# The sign-in steps (tests/hemgang/test_login_*.py): a signed-in walker has passed them, and the identity
# provider's pages are off unless it is configured.
SKIPPED_NAMES |= {"login_verify", "login_enrol", "oidc_start", "oidc_callback"}
# Not pages: opening a notice marks it read and redirects to its thing; marking read is POST only (its forms
# are on the notification centre, which is walked).
SKIPPED_NAMES |= {"notification_open", "notification_read", "notification_read_all"}
# Approving or rejecting an account change, approving an API token, is POST only (forms on the requests page, which is
# walked); the set-password page is opened from an e-mailed one-time link (tests/audit/test_account_changes.py).
SKIPPED_NAMES |= {"account_request_approve", "account_request_reject", "account_set_password", "api_token_approve"}


def at(day=MONDAY, hour=10):
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(hour))), tick=False)


def patterns(resolver=None, namespace=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from patterns(entry, entry.namespace or namespace, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            if namespace in SKIPPED_NAMESPACES or entry.name in SKIPPED_NAMES or not entry.name:
                continue
            yield prefix + str(entry.pattern), entry


def access_rule(callback) -> str | None:
    """The rule a view declares: an API view's `rule`, or the one `access.requires`/`public` put on it."""
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None and access.RulePermission in getattr(view_class, "permission_classes", ()):
        return view_class.rule
    return getattr(callback, "access_rule", None)


def scene(world, start_case):
    """A case on day 1 of its support, with something of every kind; the clock stays at MONDAY 10:00."""
    therapist = f.UserFactory(municipality=world.town, role=Role.TEAM_STAFF, profession="at", team=world.team)
    case = start_case(MONDAY)
    with at():
        for message in Message.objects.filter(case=case, sent_at__isnull=True):
            handover_services.message_send(actor=world.staff, message=message)
        draft = handover_services.message_draft(
            actor=world.staff, case=case, kind="free", subject="Utkast", body="Ej skickat ännu"
        )
        entry = scheduling_services.journal_sign(actor=world.staff, case=case, kind="social", text="Åt frukost.")
        goal = measure_services.copm_goal_add(
            actor=therapist, case=case, problem="Duscha själv", performance_start=3, satisfaction_start=2
        )
        for user in (world.officer, world.staff, world.manager):  # the centre and the team's reminders show rows
            notification_services.notify(
                kind="consent_ending",
                key=f"walk:{case.pk}",
                recipients=[user],
                subject=f"Hemgång: samtycket för {case.reference} går ut",
                body="Förnya det i tid.",
                url_name="case_detail",
                url_args=[case.pk],
                case=case,
            )
    sent = Message.objects.filter(case=case, sent_at__isnull=False).order_by("pk").first()
    # The hospital's referral that joined the open case (its status endpoint), and its token (the revoke page).
    submission = ReferralSubmission.objects.create(
        municipality=world.town, submitted_by=world.integration, case=case, outcome="open_case"
    )
    token, _raw = ApiToken.issue(world.integration, scopes=["referrals"], name="Sjukhusets journalsystem")
    return SimpleNamespace(
        submission=submission,
        token=token,
        case=case,
        client=case.client,
        consent=case.consents.get(),
        visit=Visit.objects.filter(case=case).order_by("planned_start").first(),
        entry=entry,
        goal=goal,
        message=sent,
        draft=draft,
        therapist=therapist,
        staff=world.staff,
    )


def kwargs_for(route: str, name: str, converters, s) -> dict:
    """The URL arguments of one page in the scene."""
    by_name = {
        "message_edit": {"pk": s.draft.pk},
        "followup_caseload_export": {"table": "cases", "fmt": "csv"},
        "followup_period_export": {"table": "figures", "fmt": "csv"},
        "log_review_user": {"pk": s.staff.pk},
        "log_review_client": {"pk": s.client.pk},
        "log_extract": {"pk": s.client.pk},
        "api_token_revoke": {"pk": s.token.pk},
    }
    if name in by_name:
        return by_name[name]
    values = {}
    for arg in converters:
        if arg == "pk":
            head = route.removeprefix("api/v1/").split("/", 1)[0]
            objects = {
                "clients": s.client,
                "cases": s.case,
                "visits": s.visit,
                "journal": s.entry,
                "messages": s.message,
                "referrals": s.submission,
            }
            assert head in objects, f"walk.py: no object for {route}"
            values[arg] = objects[head].pk
        elif arg == "consent_pk":
            values[arg] = s.consent.pk
        elif arg == "goal_pk":
            values[arg] = s.goal.pk
        elif arg == "phase":
            values[arg] = "start"
        elif arg == "to":
            values[arg] = "withdrawn"
        else:
            raise AssertionError(f"walk.py: no value for <{arg}> in {route}")
    return values


def personas(world, s):
    """Who opens pages, in the order tried: the first who gets a 200 is the page's reader."""
    return [world.officer, world.staff, s.therapist, world.manager, world.coordinator, world.admin]


def pages(world, s):
    """(route, name, url, is_api) for every page of the site in the scene."""
    for route, pattern in patterns():
        url = reverse(pattern.name, kwargs=kwargs_for(route, pattern.name, pattern.pattern.converters, s))
        yield route, pattern.name, url, route.startswith("api/")


class IdCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.ids += [value for key, value in attrs if key == "id" and value is not None]

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def repeated_ids(html: str) -> list[str]:
    collector = IdCollector()
    collector.feed(html)
    seen, repeated = set(), []
    for value in collector.ids:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated
