import datetime as dt
import re
from collections import Counter

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from cases import selectors
from cases.identity import parse_identity_number
from cases.models import ApiToken, Case, Client, Role, User
from cases.models.api_token import hash_token
from notifications.models import Notification


def test_seed_demo_creates_a_believable_municipality_once(db):
    from io import StringIO

    out = StringIO()
    call_command("seed_demo", stdout=out)
    printed = re.findall(r"\((\S+), (\w+); shown once\): (hg_\S+)", out.getvalue())
    assert {(username, scope) for username, scope, _raw in printed} == {
        ("sjukhus-api", "referrals"),
        ("omsorg-api", "messages"),
    }
    assert ApiToken.objects.filter(key_hash__in=[hash_token(raw) for *_x, raw in printed]).count() == 2
    call_command("seed_demo")  # the second run changes nothing
    states = Counter(Case.objects.values_list("state", flat=True))
    assert set(states) == {
        "referred",
        "decided",
        "active",
        "handed_over",
        "closed",
        "declined",
        "withdrawn",
        "readmitted",
    }
    # The present's 30 clients, registered through the services (with their history rows); the past's
    # clients come from the bulk generator, before the last weeks.
    assert Client.history.values("id").distinct().count() == 30
    assert Client.objects.count() > 30
    assert {u.role for u in User.objects.all()} == {r.value for r in Role}
    for number in Client.objects.values_list("personal_number", flat=True):
        assert parse_identity_number(number).number == number
    assert User.objects.get(username="handlaggare").check_password("hemgang-demo")
    _the_demo_users_sign_in_with_the_published_code()


def _the_demo_users_sign_in_with_the_published_code():
    from io import StringIO

    from django.test import Client as HttpClient
    from django.urls import reverse

    http = HttpClient()
    assert http.post(reverse("login"), {"username": "usk.norr", "password": "hemgang-demo"}).status_code == 302
    out = StringIO()
    call_command("demo_code", stdout=out, stderr=StringIO())
    assert http.post(reverse("login_verify"), {"code": out.getvalue().strip()})["Location"] == reverse("home")
    assert http.get(reverse("home")).status_code == 200
    assert not User.objects.get(username="sjukhus-api").totpdevice_set.exists()


@pytest.mark.parametrize("seeded_on", [dt.date(2027, 1, 8), dt.date(2027, 6, 21)])  # a Friday; a Monday
def test_the_demo_seeded_on_any_day_is_alive_on_that_day(db, seeded_on):
    from scheduling import calendar
    from scheduling.models import FollowUpMeeting, Visit

    with time_machine.travel(timezone.make_aware(dt.datetime.combine(seeded_on, dt.time(7, 45))), tick=False):
        call_command("seed_demo")
        today = timezone.localdate()
        officer = User.objects.get(username="handlaggare")
        alerts = selectors.consent_alerts(officer, today=today)
        reminded = set(Notification.objects.filter(due_on__isnull=False).values_list("kind", flat=True))
    # The reminders of the day are in the centres from the start: one referral waits past the free days of
    # payment responsibility, another's payment starts tomorrow.
    assert {"consent_ending", "case_open_after_end", "payment_started", "payment_tomorrow"} <= reminded
    active = Case.objects.filter(state="active").select_related("decision", "team", "municipality")
    support_days = {(today - c.decision.start_date).days + 1 for c in active}
    assert len(support_days) >= 6  # mid-support on different days n of m
    assert any(c.decision.end_date < today for c in active)  # overdue
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    assert Visit.objects.filter(status="done", planned_start__lt=midnight).count() > 50
    assert not Visit.objects.filter(status="planned", case__state="active", planned_start__lt=midnight).exists()
    team = active[0].team
    next_meeting_day = calendar.first_meeting_day_from(team, team.municipality, today + dt.timedelta(days=1))
    assert any(
        timezone.localtime(m.starts_at).date() == next_meeting_day
        for m in FollowUpMeeting.objects.filter(status="booked")
    )
    assert any(status.is_ending for _case, status in alerts)
    referred = Case.objects.filter(state="referred").select_related("referral")
    assert referred and all(c.referral.planned_homecoming_on == today + dt.timedelta(days=1) for c in referred)


def test_the_demo_has_two_years_of_closed_cases_for_the_follow_up(db):
    """Eva (chef.norr, leading both teams) sees months of figures on her follow-up pages."""
    from followup.access import teams_for
    from followup.selectors import monthly_trend, period_figures

    call_command("seed_demo", history_cases=400)
    eva = User.objects.get(username="chef.norr")
    teams = teams_for(eva)
    today = timezone.localdate()
    year_ago = today - dt.timedelta(days=365)
    figures = period_figures(teams=teams, start=year_ago, end=today)
    assert figures.ended > 100 and figures.length_median_days is not None
    assert figures.safety.pairs > 50 and figures.meetings_held > 50
    trend = monthly_trend(teams=teams, start=year_ago, end=today)
    assert sum(1 for month in trend if month.started) >= 11
    assert {c.state for c in Case.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=60))} <= {
        "closed",
        "declined",
        "withdrawn",
        "readmitted",
    }
