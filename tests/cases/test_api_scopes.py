"""The API's permission matrix by token scope (issue 12 part 5): every API URL of the URL configuration ×
{no token, a `referrals` token, a `messages` token, an expired token, a revoked token}.

A token reaches only the endpoints of its scopes (403 `scope_missing` elsewhere, before any object is
looked up); an expired or revoked one, with every scope, is a 401 like no token at all. What a token's
account then sees is its role's rules: the ids here exist nowhere, so an endpoint it reaches answers 404
(or 400 for a POST without a body)."""

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import ApiToken, Role, Scope

from .. import factories as f

SKIPPED = {"api-schema", "api-docs"}  # public documents (tests/cases/test_api.py)


def _api_views(resolver=None):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _api_views(entry)
        elif isinstance(entry, URLPattern) and (entry.name or "").startswith("api-") and entry.name not in SKIPPED:
            yield entry.name, entry.callback.cls


API_VIEWS = dict(_api_views())
TOKENS = ("none", "referrals", "messages", "expired", "revoked")


def _method(view) -> str:
    return next(m for m in ("get", "post", "patch") if hasattr(view, m))


def _url(name: str) -> str:
    pattern = next(p for p in _flat() if p.name == name)
    return reverse(name, kwargs={arg: 999999 for arg in pattern.pattern.converters})


def _flat(resolver=None):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _flat(entry)
        else:
            yield entry


def expected(view, token: str) -> int | str:
    if token in ("none", "expired", "revoked"):
        return 401
    if view.scope != token:
        return 403
    return "reached"


def test_every_api_view_declares_its_scope():
    assert len(API_VIEWS) >= 12
    undeclared = [name for name, view in API_VIEWS.items() if not hasattr(view, "scope")]
    assert undeclared == []
    assert {view.scope for view in API_VIEWS.values()} == {None, *Scope.values}


def test_the_matrix_has_its_size():
    assert len(API_VIEWS) * len(TOKENS) >= 60


@pytest.fixture
def clients(world):
    provider = f.UserFactory(municipality=world.town, role=Role.PROVIDER_INTEGRATION, username="omsorg-system")
    world.group.members.add(provider)
    everything = list(Scope.values)
    issued = {
        "referrals": ApiToken.issue(world.integration, scopes=["referrals"]),
        "messages": ApiToken.issue(provider, scopes=["messages"]),
        "expired": ApiToken.issue(world.integration, scopes=everything),
        "revoked": ApiToken.issue(world.integration, scopes=everything),
    }
    ApiToken.objects.filter(pk=issued["expired"][0].pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    ApiToken.objects.filter(pk=issued["revoked"][0].pk).update(revoked_at=timezone.now(), revoked_by=world.admin)
    out = {"none": APIClient()}
    for key, (_token, raw) in issued.items():
        out[key] = APIClient()
        out[key].credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return out


@pytest.mark.parametrize("token", TOKENS)
@pytest.mark.parametrize("name", sorted(API_VIEWS))
def test_the_scope_matrix(world, clients, name, token):
    view = API_VIEWS[name]
    method = _method(view)
    response = getattr(clients[token], method)(_url(name), {}, format="json", HTTP_IDEMPOTENCY_KEY="matrix")
    want = expected(view, token)
    if want == "reached":
        assert response.status_code in (200, 400, 404), (method, response.status_code, response.content[:300])
    else:
        assert response.status_code == want, (method, response.content[:300])
    if want == 403:
        assert response.json()["code"] == "scope_missing"


def test_a_signed_in_case_officer_is_unaffected_by_scopes(world, login, referred):
    from rest_framework.test import APIClient as SessionAPIClient

    from ..conftest import signed_in_client

    api = signed_in_client(world.officer, client_class=SessionAPIClient)
    assert api.get(reverse("api-case-detail", args=[referred.pk])).status_code == 200
