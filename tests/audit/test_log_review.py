"""The log review (HSLF-FS 2016:40 4 kap. 9 §): each flag on hand-built, back-dated access-log rows, the
summary's order, the pages' query counts, the export and the client's log extract (PDL 8 kap. 5 §)."""

import csv
import datetime as dt
import io

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from audit import selectors
from audit.forms import PeriodForm
from cases import services
from cases.models import AccessLog, Case

from .. import factories as f

as_both = pytest.mark.django_db(transaction=True, databases=["default", "owner"])


def _insert(at, user, client_id, *, municipality, what="case.detail", denied=False, case_id=None):
    """A row as the owner writes it: the database keeps its time (the app role's rows are stamped now)."""
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_accesslog (at, user_id, municipality_id, client_id, case_id, what, unit, path,"
            " ip_address, denied, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, '/', '10.0.0.9', %s, '', '')",
            [at, user.pk, municipality.pk, client_id, case_id, what, "Team Norr", denied],
        )


def _case(world, team, *, born, created, ended=None, protected=False):
    client = f.client(world.officer, personal_number=f.personal_number(born), protected_identity=protected)
    case = f.referred_case(world.officer, client)
    services.case_assign_team(actor=world.officer, case=case, team=team)
    fields = {"created_at": created}
    if ended:
        fields.update(state="closed", ended_at=ended)
    Case.objects.filter(pk=case.pk).update(**fields)
    return client


@pytest.fixture
def scene(world, settings):
    """Five days ago (D, 10:00 in Stockholm), as worked out by hand in the comments; the staff's reads are
    eleven minutes apart, so never more than one client in ten minutes."""
    settings.LOG_REVIEW_BURST_CLIENTS = 3
    day = timezone.make_aware(dt.datetime.combine(timezone.localdate() - dt.timedelta(days=5), dt.time(10)))
    earlier = day - dt.timedelta(days=10)
    a = _case(world, world.team, born=dt.date(1940, 1, 1), created=earlier)
    b = _case(world, world.other_team, born=dt.date(1940, 1, 2), created=earlier)
    c = _case(world, world.team, born=dt.date(1940, 1, 3), created=earlier, protected=True)
    e = _case(
        world,
        world.team,
        born=dt.date(1940, 1, 4),
        created=day - dt.timedelta(days=20),
        ended=day - dt.timedelta(days=2),
    )
    x = f.client(f.UserFactory(municipality=world.elsewhere, role="case_officer", username="annan"))
    town = world.town
    minute = dt.timedelta(minutes=1)
    rows = [
        (day, world.staff, a, {}),  # 1: a case of Norr: nothing
        (day + 11 * minute, world.staff, b, {}),  # 2: B's case is Söder's: outside
        (day + 22 * minute, world.staff, c, {}),  # 3: protected
        (day + 33 * minute, world.staff, e, {}),  # 4: E's case ended two days before: after the case ended
        (day + 44 * minute, world.other_staff, a, {"denied": True}),  # 5: refused (and nothing else)
        (day + 55 * minute, world.manager, b, {}),  # 6: leads Norr only: outside
        # The case officer: 4 distinct clients in 9 minutes (the setting is 3): the fourth read is a burst.
        (day + 60 * minute, world.officer, a, {}),
        (day + 63 * minute, world.officer, b, {}),
        (day + 66 * minute, world.officer, c, {}),  # protected
        (day + 69 * minute, world.officer, e, {}),  # burst, after the case ended
        (day + 80 * minute, world.officer, a, {}),  # one client in its ten minutes: nothing
        (day + 120 * minute, world.officer, x, {}),  # a client of another municipality: outside
        # The review itself raises neither outside nor after-close.
        (day + 180 * minute, world.manager, e, {"what": "audit.review"}),
        # Out of the period (the last 30 days).
        (day - dt.timedelta(days=40), world.staff, b, {}),
    ]
    for at, user, client, extra in rows:
        _insert(at, user, client.pk, municipality=town, **extra)
    return {"a": a, "b": b, "c": c, "e": e, "x": x, "day": day}


def _flags_by_user(world, user):
    reads, total = selectors.reads(world.town.pk, PeriodForm.default_period(), user_id=user.pk)
    return [(r.client_id, r.flags) for r in reads if r.what != "client.detail"], total


@as_both
def test_it_flags_each_kind_of_unusual_read(world, scene):
    s = scene
    reads, _total = _flags_by_user(world, world.staff)
    assert reads == [
        (s["e"].pk, ["after_close"]),
        (s["c"].pk, ["protected"]),
        (s["b"].pk, ["outside"]),
        (s["a"].pk, []),
    ]
    assert _flags_by_user(world, world.other_staff)[0] == [(s["a"].pk, ["denied"])]
    assert _flags_by_user(world, world.manager)[0] == [(s["e"].pk, []), (s["b"].pk, ["outside"])]
    officer = [(client, flags) for client, flags in _flags_by_user(world, world.officer)[0]]
    assert officer[:6] == [
        (s["x"].pk, ["outside"]),
        (s["a"].pk, []),
        (s["e"].pk, ["burst", "after_close"]),
        (s["c"].pk, ["protected"]),
        (s["b"].pk, []),
        (s["a"].pk, []),
    ]


@as_both
def test_the_summary_puts_the_flagged_first_and_leaves_out_other_periods(world, scene):
    users, clients = selectors.summary(world.town.pk, PeriodForm.default_period())
    # officer 4 flags (outside, burst, protected, after close); staff 3; manager 1 in 2 reads; other_staff 1.
    assert [(u.id, u.flagged) for u in users[:4]] == [
        (world.officer.pk, 4),
        (world.staff.pk, 3),
        (world.manager.pk, 1),
        (world.other_staff.pk, 1),
    ]
    staff = users[1]
    assert (staff.reads, staff.others, staff.outside, staff.protected, staff.after_close) == (4, 4, 1, 1, 1)
    flagged = [(c.id, c.flagged) for c in clients if c.flagged]
    s = scene
    assert flagged == [(s["e"].pk, 3), (s["b"].pk, 2), (s["c"].pk, 2), (s["a"].pk, 1), (s["x"].pk, 1)]


@as_both
def test_the_review_pages_log_their_reads_and_read_a_fixed_number_of_queries(
    world, scene, login, django_assert_num_queries
):
    http = login(world.manager)
    before = AccessLog.objects.filter(user=world.manager, what="audit.review").count()
    # Session, user; the summary (one query); the log rows of the clients shown (the manager's team for the
    # unit, then one INSERT, in BEGIN and COMMIT since this test runs outside a transaction); the menu: the
    # led teams, inbox and notification counts (no model permissions: those are only staff accounts').
    with django_assert_num_queries(10):
        response = http.get(reverse("log_review"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index(world.officer.last_name) < page.index(world.other_staff.last_name)
    logged = AccessLog.objects.filter(user=world.manager, what="audit.review").count() - before
    assert logged == 5 + 0  # A, B, C, E, X (and the clients the registration read, none)
    # The same, with the person (and their team) or the client fetched, and their page of reads for the summary.
    with django_assert_num_queries(11):
        response = http.get(reverse("log_review_user", args=[world.staff.pk]))
    assert response.status_code == 200 and "utanför team eller ärenden" in response.content.decode()
    # The client's page also logs its read of the client (one INSERT, in BEGIN and COMMIT).
    with django_assert_num_queries(14):
        response = http.get(reverse("log_review_client", args=[scene["b"].pk]), {"flagged": "on"})
    assert response.status_code == 200


@as_both
def test_the_export_parses_and_the_extract_lists_the_clients_reads(world, scene, login):
    http = login(world.manager)
    response = http.get(reverse("log_review_user", args=[world.staff.pk]), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "När" and len(rows) == 1 + 4 + 0
    assert rows[1][-1] == "efter att ärendet avslutats" and rows[3][-1] == "utanför team eller ärenden"
    response = http.get(reverse("log_review_client", args=[scene["b"].pk]), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row >= 4  # header; officer, manager, staff (and the review's own reads)
    response = http.get(reverse("log_extract", args=[scene["c"].pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Loggutdrag" in text and "Demoköping" in text
    assert world.staff.get_full_name() in text and world.officer.get_full_name() in text
    assert world.other_staff.get_full_name() not in text  # read A, not C
    assert AccessLog.objects.filter(user=world.manager, what="audit.extract", client_id=scene["c"].pk).exists()


def test_it_refuses_others_and_another_municipalitys_client(world, login, referred):
    for persona in ("officer", "staff", "admin", "coordinator"):
        assert login(getattr(world, persona)).get(reverse("log_review")).status_code == 403
    outsider = f.client(world.outsider)
    http = login(world.manager)
    assert http.get(reverse("log_review_client", args=[outsider.pk])).status_code == 404
    assert AccessLog.objects.filter(client_id=outsider.pk, denied=True, municipality=world.elsewhere).exists()
    assert http.get(reverse("log_review_user", args=[world.outsider.pk])).status_code == 404


def test_a_wrong_period_is_said_in_swedish(world, login):
    response = login(world.manager).get(reverse("log_review"), {"first": "2026-03-10", "last": "2026-03-01"})
    assert response.status_code == 200
    assert "Perioden måste sluta" in response.content.decode()
    response = login(world.manager).get(reverse("log_review"), {"first": "2024-01-01", "last": "2026-03-01"})
    assert "Granska högst 366 dagar" in response.content.decode()
