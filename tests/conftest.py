"""Personas and the world they work in: one municipality with two teams, and a second municipality."""

import datetime as dt
import os
import socket
from types import SimpleNamespace

import pytest
import time_machine
from django.test import Client as HttpClient
from django.test import TransactionTestCase
from django.utils import timezone

from cases import services
from cases.models import Role
from cases.services import InterventionLine

from . import factories as f

# --- the two database roles (hemgang/db_roles.py) -----------------------------------------------------
# The test database is created and migrated by the owner role, and the tests run as the app role, as the
# app does; a transactional test's flush (TRUNCATE of every table) is the owner's too.


def _credentials(alias: str) -> dict:
    from django.conf import settings

    return {key: settings.DATABASES[alias][key] for key in ("USER", "PASSWORD")}


_APP, _OWNER = _credentials("default"), _credentials("owner")


def _connect_as(credentials: dict) -> None:
    from django.db import connections

    connection = connections["default"]
    connection.close()
    connection.settings_dict.update(credentials)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    _connect_as(_OWNER)


@pytest.fixture(scope="session", autouse=True)
def _as_app_role(django_db_setup, django_db_blocker):
    from django.db import connections

    _connect_as(_APP)
    # The mirror shares the default's settings; the owner alias gets its own, as the owner.
    connections["owner"].close()
    connections["owner"].settings_dict = {**connections["default"].settings_dict, **_OWNER}
    yield
    _connect_as(_OWNER)  # the test database is dropped by its owner


@pytest.fixture
def as_owner(transactional_db):
    """For the tests that migrate the test database back and forth: as its owner. The tables they drop and
    create again are granted to the app role again after (migrate's post_migrate does it otherwise)."""
    from hemgang.db_roles import grant_app_privileges

    _connect_as(_OWNER)
    yield
    grant_app_privileges(using="default")
    _connect_as(_APP)


def _flush_as_owner(original):
    def teardown(self):
        _connect_as(_OWNER)
        try:
            original(self)
        finally:
            _connect_as(_APP)

    return teardown


TransactionTestCase._fixture_teardown = _flush_as_owner(TransactionTestCase._fixture_teardown)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Password hashing at production strength costs a second per test user; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Pages name their static files without the hashed names of collectstatic's manifest, which tests do
    not run; tests/hemgang/test_static_files.py checks the production storage itself."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """Tasks run in the test's own process, so their effects (e-mail) can be checked. The broker itself
    is exercised for real in tests/hemgang/test_celery_redis.py."""
    from hemgang.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def world(db):
    town = f.MunicipalityFactory(name="Demoköping", code="9999")
    team = f.TeamFactory(municipality=town, name="Team Norr")
    other_team = f.TeamFactory(municipality=town, name="Team Söder")
    types, basis = f.catalogue(town)
    elsewhere = f.MunicipalityFactory(name="Annanstad", code="9998")
    w = SimpleNamespace(town=town, team=team, other_team=other_team, types=types, basis=basis, elsewhere=elsewhere)
    w.officer = f.UserFactory(municipality=town, role=Role.CASE_OFFICER, username="officer")
    w.officer2 = f.UserFactory(municipality=town, role=Role.CASE_OFFICER, username="officer2")
    w.staff = f.UserFactory(municipality=town, role=Role.TEAM_STAFF, profession="usk", team=team, username="staff")
    w.other_staff = f.UserFactory(
        municipality=town, role=Role.TEAM_STAFF, profession="ssk", team=other_team, username="other_staff"
    )
    w.manager = f.UserFactory(municipality=town, role=Role.UNIT_MANAGER, team=team, username="manager")
    w.coordinator = f.UserFactory(municipality=town, role=Role.COORDINATOR, shift="day", username="coordinator")
    w.admin = f.UserFactory(municipality=town, role=Role.ADMINISTRATOR, is_staff=True, username="admin")
    w.integration = f.UserFactory(municipality=town, role=Role.INTEGRATION, username="hospital")
    w.outsider = f.UserFactory(municipality=elsewhere, role=Role.CASE_OFFICER, username="outsider")
    # Hemtjänst as receivers: the client's group and its provider's day coordinator; another provider's
    # coordinator who is not on the case; the night side.
    from handover.models import Recipient

    w.group = Recipient.objects.create(municipality=town, kind="group", name="Hemtjänst Centrum", provider="Omsorg AB")
    w.coordination = Recipient.objects.create(
        municipality=town, kind="coordinator_day", name="Koordinator Omsorg", provider="Omsorg AB"
    )
    w.group.members.add(w.coordinator)
    w.coordination.members.add(w.coordinator)
    w.other_coordinator = f.UserFactory(municipality=town, role=Role.COORDINATOR, shift="day", username="other_coord")
    Recipient.objects.create(
        municipality=town, kind="coordinator_day", name="Koordinator Annat", provider="Annat AB"
    ).members.add(w.other_coordinator)
    w.night_coordinator = f.UserFactory(municipality=town, role=Role.COORDINATOR, shift="night", username="night")
    for kind, name in (("night_patrol", "Nattpatrullen"), ("coordinator_night", "Nattkoordinator")):
        Recipient.objects.create(municipality=town, kind=kind, name=name, provider="Natt").members.add(
            w.night_coordinator
        )
    return w


@pytest.fixture
def referred(world):
    return f.referred_case(world.officer)


@pytest.fixture
def decided(world):
    case = f.referred_case(world.officer)
    f.consent(world.officer, case)
    f.decision(world.officer, case, world.team, world.types, world.basis)
    case.refresh_from_db()
    return case


@pytest.fixture
def active(world, decided):
    return services.case_start(actor=world.staff, case=decided)


@pytest.fixture
def start_case(world):
    """An active case whose support starts on `day` (the team receives the client that morning)."""

    def _start(day: dt.date, *, lines=None, days=10, team=None, officer=None):
        team = team or world.team
        officer = officer or world.officer
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 30)))
        with time_machine.travel(moment, tick=False):
            case = f.referred_case(officer, planned_homecoming_on=day, admitted_on=day - dt.timedelta(days=3))
            f.consent(officer, case)
            types = world.types
            lines = lines or [InterventionLine(types[0].pk, 2, "day", 30, "morning")]
            services.decision_register(
                actor=officer,
                case=case,
                team=team,
                legal_basis=world.basis,
                needs_assessed=True,
                decided_on=day,
                start_date=day,
                end_date=day + dt.timedelta(days=days - 1),
                purpose="Trygg hemgång",
                goals="",
                interventions=lines,
                consent_gap_accepted=True,
            )
            staff = world.staff if team == world.team else world.other_staff
            return services.case_start(actor=staff, case=case)

    return _start


@pytest.fixture(autouse=True)
def _sessions_outlive_time_travel(settings):
    """Tests move the clock between signing in and the request (days, for a date rule); the idle and
    absolute limits are tested with their real values in tests/hemgang/test_login_sessions.py."""
    settings.SESSION_IDLE_SECONDS = settings.SESSION_ABSOLUTE_SECONDS = 10 * 365 * 24 * 60 * 60


def signed_in_client(user, *, second_factor: bool = True, client_class=HttpClient) -> HttpClient:
    """A client signed in as `user`, by default with the second factor given with a TOTP app of theirs, as
    the sign-in pages leave it (cases/signin/sessions.py); tests/hemgang/test_login_*.py go through the
    pages themselves."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cases.signin import sessions

    http = client_class()
    http.force_login(user)
    if second_factor:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="Test", confirmed=True)
        session = http.session
        session[sessions.SECOND_FACTOR] = "totp"
        session["otp_device_id"] = device.persistent_id
        session.save()
    return http


@pytest.fixture
def login():
    return signed_in_client


ROLE_SCOPES = {Role.INTEGRATION: ["referrals"], Role.PROVIDER_INTEGRATION: ["messages"]}


def api_client(user, *, scopes=None):
    """An API client for `user`: an integration account (or anyone given `scopes`) by a token, by default
    with its role's scope; anyone else signed in, as the staff's pages call the API (no token reaches it)."""
    from rest_framework.test import APIClient

    from cases.models import ApiToken

    scopes = scopes if scopes is not None else ROLE_SCOPES.get(user.role)
    if scopes is None:
        return signed_in_client(user, client_class=APIClient)
    _, raw = ApiToken.issue(user, scopes=scopes, name="Test")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return api


@pytest.fixture
def api_for():
    return api_client


def _redis_answers() -> bool:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    host_port = url.split("//", 1)[1].split("/", 1)[0]
    host, _, port = host_port.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port or 6379)), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_url():
    """The real Redis. Skipped on a laptop without one; under CI a missing Redis is a failure."""
    if not _redis_answers():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not answering, and CI=true requires it")
        pytest.skip("no Redis answers on this machine")
    return os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def _drop_broker_pools(app) -> None:
    """Celery builds its connection pool (and the producer pool on it) from `broker_url` the first time
    anything publishes, and keeps it: an eager task takes a producer from it too, for its serializer. A
    changed `broker_url` alone would go on publishing to the broker of that first use (memory:// when
    REDIS_URL is unset), so the pools are dropped whenever the broker changes."""
    app._pool = None  # kombu keeps one pool per broker URL; the next publish takes the one of the new URL
    app.amqp._producer_pool = None
    # The queue declarations are kept too, with the default queue of their first use: a second worker in
    # the same test run would otherwise consume the first test's queue, not its own.
    for cached in ("queues", "default_queue", "router"):
        app.amqp.__dict__.pop(cached, None)


@pytest.fixture
def celery_on_redis(redis_url):
    """The app's Celery publishing to the real Redis on a queue of its own (nothing else consumes it),
    tasks not eager; the app's broker configuration is put back afterwards."""
    import uuid

    from hemgang.celery import app

    keys = ("broker_url", "task_always_eager", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    _drop_broker_pools(app)
    app.conf.update(broker_url=redis_url, task_always_eager=False, task_default_queue=f"test-{uuid.uuid4().hex}")
    try:
        yield app
    finally:
        app.conf.update(saved)
        _drop_broker_pools(app)
