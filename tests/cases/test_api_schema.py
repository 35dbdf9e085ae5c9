"""The OpenAPI document matches the API (issue 12 part 5): schemathesis generates requests from the schema
the app serves and checks every answer against it — no server error, every status documented, every body
of the documented shape. Bounded: a few examples per operation and a deadline per example.

Run twice: with a token of every scope (the hospital's account: its endpoints answer, the staff's refuse
it with the documented 403), and signed in as a case officer (the staff's endpoints answer; a POST without
its CSRF token is the documented 403).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from cases.models import ApiToken, Scope

from ..conftest import signed_in_client

APP = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", APP)
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def _connection_stays_open():
    """The WSGI handler closes the database connection after each request; the test's transaction must
    survive it, as Django's own test client arranges."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token_headers(world):
    _token, raw = ApiToken.issue(world.integration, scopes=list(Scope.values), name="Schema")
    return {"Authorization": f"Token {raw}"}


@pytest.fixture
def session_headers(world, referred):
    http = signed_in_client(world.officer)
    return {"Cookie": f"sessionid={http.cookies['sessionid'].value}"}


BOUNDED = settings(
    max_examples=8,
    deadline=3000,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@schema.parametrize()
@BOUNDED
def test_the_api_answers_as_its_schema_says_to_a_token(case, token_headers):
    case.call_and_validate(headers=token_headers, checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_the_api_answers_as_its_schema_says_to_a_signed_in_officer(case, session_headers):
    case.call_and_validate(headers=session_headers, checks=CHECKS)
