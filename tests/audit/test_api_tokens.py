"""The administrator's API tokens page (/konton/nycklar/): list, issue (the raw token once), revoke."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AccountEvent
from cases.models import ApiToken, Role

from .. import factories as f


@pytest.fixture
def provider(world):
    account = f.UserFactory(municipality=world.town, role=Role.PROVIDER_INTEGRATION, username="omsorg-system")
    world.group.members.add(account)
    return account


def _issue(http, account, *, scopes=("referrals",), name="Sjukhusets journalsystem", days=365):
    expires = timezone.localdate() + dt.timedelta(days=days)
    body = {"account": account.pk, "name": name, "scopes": list(scopes), "expires_on": expires.isoformat()}
    return http.post(reverse("api_tokens"), body)


def test_it_is_the_administrators_page_only(world, login):
    assert login(world.admin).get(reverse("api_tokens")).status_code == 200
    for user in (world.officer, world.manager, world.staff, world.coordinator):
        assert login(user).get(reverse("api_tokens")).status_code == 403


def test_the_menu_links_to_it_for_the_administrator(world, login):
    page = login(world.admin).get(reverse("home"), follow=True).content.decode()
    assert reverse("api_tokens") in page


def test_it_issues_a_token_shown_once_that_works(world, login):
    http = login(world.admin)
    response = _issue(http, world.integration)
    assert response.status_code == 200
    raw = re.search(r'<code id="issued-token">(hg_[^<]+)</code>', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=world.integration)
    assert token.name == "Sjukhusets journalsystem" and token.scopes == ["referrals"]
    assert token.created_by == world.admin and token.history.first().history_user == world.admin
    assert raw not in http.get(reverse("api_tokens")).content.decode()  # shown once
    event = AccountEvent.objects.get(account=world.integration, action="token_issued")
    assert event.actor == world.admin and event.detail["token"] == token.prefix and raw not in str(event.detail)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get(reverse("api-referral-status", args=[1])).status_code == 404


def test_it_refuses_a_scope_the_role_does_not_use_and_a_staff_account(world, login, provider):
    http = login(world.admin)
    assert _issue(http, provider, scopes=["referrals"]).status_code == 400
    assert _issue(http, world.officer).status_code == 400
    assert _issue(http, world.integration, days=3 * 365).status_code == 400
    assert not ApiToken.objects.exists()
    assert _issue(http, provider, scopes=["messages"]).status_code == 200
    assert ApiToken.objects.get().scopes == ["messages"]


def test_it_lists_the_tokens_with_their_dates(world, login):
    ApiToken.issue(world.integration, scopes=["referrals"], name="Journalsystemet")
    page = login(world.admin).get(reverse("api_tokens")).content.decode()
    assert "Journalsystemet" in page and world.integration.username in page


def test_revoking_asks_first_then_refuses_the_token(world, login):
    token, raw = ApiToken.issue(world.integration, scopes=["referrals"], name="Journalsystemet")
    http = login(world.admin)
    url = reverse("api_token_revoke", args=[token.pk])
    confirm = http.get(url)
    assert confirm.status_code == 200 and 'method="post"' in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert http.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at and token.revoked_by == world.admin
    assert AccountEvent.objects.filter(account=world.integration, action="token_revoked", actor=world.admin).exists()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get(reverse("api-referral-status", args=[1])).status_code == 401


def test_another_municipalitys_token_is_a_404(world, login):
    theirs = f.UserFactory(municipality=world.elsewhere, role=Role.INTEGRATION, username="their-hospital")
    token, _ = ApiToken.issue(theirs, scopes=["referrals"])
    http = login(world.admin)
    assert http.get(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    assert http.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404


def test_the_database_refuses_a_token_without_scopes_or_revoked_by_nobody(world):
    from django.db import IntegrityError, transaction

    for bad in ({"scopes": []}, {"scopes": ["everything"]}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ApiToken.objects.create(user=world.integration, name="x", prefix="hg_x", key_hash=str(bad), **bad)
    token, _ = ApiToken.issue(world.integration, scopes=["referrals"])
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(revoked_by=world.admin)


def test_a_provider_integration_cannot_sign_in_to_the_pages(world, provider, client):
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    provider.set_password("correct horse battery")
    provider.save()
    request = RequestFactory().post("/login/")
    assert authenticate(request, username=provider.username, password="correct horse battery") is None


# --- a token that reads client data waits for a unit manager -------------------------------------------


def _raw_of(response) -> str:
    return re.search(r'<code id="issued-token">(hg_[^<]+)</code>', response.content.decode()).group(1)


def test_a_messages_token_works_only_once_a_unit_manager_approved_it(world, login, provider):
    """Separation of duties (issue 12): the administrator's token for a provider's system reads the
    messages to its units, client data, so alone it gives no access; a unit manager's approval does."""
    response = _issue(login(world.admin), provider, scopes=["messages"], name="Omsorgs verksamhetssystem")
    assert "godkänt den på sidan Kontoändringar" in response.content.decode()
    raw, token = _raw_of(response), ApiToken.objects.get(user=provider)
    assert token.approved_at is None
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get(reverse("api-message-list")).status_code == 401
    assert "väntar på enhetschefens godkännande" in login(world.admin).get(reverse("api_tokens")).content.decode()

    manager = login(world.manager)
    page = manager.get(reverse("account_requests")).content.decode()
    assert "Omsorgs verksamhetssystem" in page and reverse("api_token_approve", args=[token.pk]) in page
    assert manager.post(reverse("api_token_approve", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.approved_by == world.manager and token.history.first().history_user == world.manager
    assert AccountEvent.objects.filter(account=provider, action="token_approved", actor=world.manager).exists()
    assert api.get(reverse("api-message-list")).status_code == 200
    # Approved once: no second approval, and the page no longer lists it.
    assert manager.post(reverse("api_token_approve", args=[token.pk])).status_code == 404
    assert "Omsorgs verksamhetssystem" not in manager.get(reverse("account_requests")).content.decode()


def test_a_referrals_token_needs_no_approval(world, login):
    _issue(login(world.admin), world.integration)
    assert ApiToken.objects.get(user=world.integration).approved_at is not None


@pytest.mark.parametrize("persona", ["admin", "officer", "staff", "coordinator"])
def test_only_a_unit_manager_approves_a_token(world, login, provider, persona):
    _issue(login(world.admin), provider, scopes=["messages"])
    token = ApiToken.objects.get(user=provider)
    # An object rule: refused as not found, as an account change is (audit/access.py).
    assert login(getattr(world, persona)).post(reverse("api_token_approve", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.approved_at is None


def test_a_unit_manager_of_another_municipality_or_the_issuer_cannot_approve(world, login, provider):
    _issue(login(world.admin), provider, scopes=["messages"])
    token = ApiToken.objects.get(user=provider)
    elsewhere = f.UserFactory(municipality=world.elsewhere, role=Role.UNIT_MANAGER)
    assert login(elsewhere).post(reverse("api_token_approve", args=[token.pk])).status_code == 404
    ApiToken.objects.filter(pk=token.pk).update(created_by=world.manager)  # as if the manager had issued it
    assert login(world.manager).post(reverse("api_token_approve", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.approved_at is None
