"""Failed sign-ins lock the username from that address (django-axes); bad API tokens lock the address."""

import datetime as dt
import re

import time_machine
from django.utils import timezone

from cases.models import ApiToken

from .login_steps import password_step

MORNING = timezone.make_aware(dt.datetime(2026, 11, 23, 8, 0))
WRONG = "Ange ett korrekt användarnamn och lösenord"


def test_it_locks_a_username_after_five_failures_and_unlocks_after_fifteen_minutes(world):
    with time_machine.travel(MORNING, tick=False):
        http = None
        for _ in range(4):
            http, response = password_step(world.officer, "wrong-password", http)
            assert response.status_code == 200 and WRONG in response.content.decode()
        http, response = password_step(world.officer, "wrong-password", http)  # the fifth
        assert response.status_code == 429
    with time_machine.travel(MORNING + dt.timedelta(minutes=14), tick=False):
        _, response = password_step(world.officer)  # the right password, still locked
        assert response.status_code == 429
        page = response.content.decode()
        assert "För många misslyckade inloggningar" in page and "15 minuter" in page
    # a failure during the lockout starts the fifteen minutes again (at 08:14)
    with time_machine.travel(MORNING + dt.timedelta(minutes=28), tick=False):
        assert password_step(world.officer)[1].status_code == 429
    with time_machine.travel(MORNING + dt.timedelta(minutes=28 + 15, seconds=1), tick=False):
        _, response = password_step(world.officer)
        assert response.status_code == 302


def test_it_locks_the_username_only_from_that_address(world):
    for _ in range(5):
        password_step(world.officer, "wrong-password", REMOTE_ADDR="10.0.0.1")
    assert password_step(world.officer, REMOTE_ADDR="10.0.0.1")[1].status_code == 429
    assert password_step(world.officer, REMOTE_ADDR="10.0.0.2")[1].status_code == 302
    assert password_step(world.officer2, REMOTE_ADDR="10.0.0.1")[1].status_code == 302


def test_a_successful_sign_in_resets_the_count(world):
    for _ in range(4):
        password_step(world.officer, "wrong-password")
    assert password_step(world.officer)[1].status_code == 302
    for _ in range(4):
        password_step(world.officer, "wrong-password")
    assert password_step(world.officer)[1].status_code == 302


def test_it_refuses_an_integration_account_as_a_wrong_password(world):
    _, refused = password_step(world.integration)  # the account's right password
    _, wrong = password_step(world.officer, "wrong-password")
    assert refused.status_code == wrong.status_code == 200
    assert WRONG in refused.content.decode()
    assert "_auth_user_id" not in refused.wsgi_request.session
    summary = re.compile(r'<div class="error-summary" role="alert">(.*?)</div>', re.S)
    assert summary.search(refused.content.decode()).group(1) == summary.search(wrong.content.decode()).group(1)


def test_it_counts_an_integration_accounts_refusals_towards_the_lockout(world):
    for _ in range(5):
        password_step(world.integration)
    assert password_step(world.integration)[1].status_code == 429


def _api(client, token: str, addr: str = "10.1.1.1"):
    # The hospital's own endpoint: a good token gets a 404 for a referral that is not there (not 401/429).
    return client.get("/api/v1/referrals/999999/", HTTP_AUTHORIZATION=f"Token {token}", REMOTE_ADDR=addr)


def test_it_refuses_an_address_with_429_after_ten_bad_tokens_good_token_or_not(world, client, settings):
    _, good = ApiToken.issue(world.integration, scopes=["referrals"])
    with time_machine.travel(MORNING, tick=False):
        for _ in range(9):
            assert _api(client, "hg_bad").status_code == 401
        tenth = _api(client, "hg_bad")
        assert tenth.status_code == 429 and tenth["Content-Type"] == "application/json"
        assert _api(client, good).status_code == 429
        assert _api(client, good, addr="10.1.1.2").status_code == 404
    with time_machine.travel(MORNING + dt.timedelta(minutes=15, seconds=1), tick=False):
        assert _api(client, good).status_code == 404
