"""The whole permission matrix: every page and endpoint of the URL configuration × every persona, on the
objects of one running case (tests/walk.py builds it, so a new page is in the matrix without anyone
listing it).

Two kinds of check. Rules that hold for every cell, whatever the page: nobody signed out reads anything,
another team, another municipality and another provider's coordinator get a 404 for this case's objects,
the hospital's integration account reads no web page, every read of a client's object leaves an
access-log entry and every refused one a denied entry. And the expected answer of each cell, kept in
permission_matrix.json beside this file: a change of access shows as a diff of that file in review
(`UPDATE_PERMISSION_MATRIX=1 pytest tests/hemgang/test_permission_matrix.py` writes it again)."""

import json
import os
from pathlib import Path

import pytest
from django.test import Client as HttpClient

from cases.models import AccessLog

from .. import walk

pytestmark = pytest.mark.django_db

EXPECTED = Path(__file__).with_name("permission_matrix.json")
# Arguments that name one of the scene's objects: a page taking one shows that client's data.
OBJECT_ARGUMENTS = {"pk", "consent_pk", "goal_pk"}
# Pages whose `pk` is not a client's object: a staff member (the log review of a user's reads), a token.
NOT_CLIENT_OBJECTS = {"log_review_user", "api_token_revoke"}
# Those who have nothing to do with the scene's case: its objects are a 404 for them.
STRANGERS = ("other_staff", "outsider", "other_coordinator")


def _personas(world, s) -> dict:
    return {
        "officer": world.officer,
        "officer2": world.officer2,
        "staff": world.staff,
        "therapist": s.therapist,
        "manager": world.manager,
        "other_staff": world.other_staff,
        "coordinator": world.coordinator,
        "other_coordinator": world.other_coordinator,
        "night_coordinator": world.night_coordinator,
        "admin": world.admin,
        "integration": world.integration,
        "outsider": world.outsider,
    }


def _takes_client_object(pattern) -> bool:
    return bool(OBJECT_ARGUMENTS & set(pattern.pattern.converters)) and pattern.name not in NOT_CLIENT_OBJECTS


def test_every_page_for_every_persona(world, start_case, login):
    s = walk.scene(world, start_case)
    personas = _personas(world, s)
    https = {"anonymous": HttpClient(), **{name: login(user) for name, user in personas.items()}}
    patterns = dict(walk.patterns())
    matrix: dict[str, dict[str, int]] = {}
    broken = []
    with walk.at():
        for route, name, url, is_api in walk.pages(world, s):
            client_object = _takes_client_object(patterns[route])
            row = matrix.setdefault(name, {})
            for persona, http in https.items():
                user = personas.get(persona)
                before = AccessLog.objects.filter(user=user).count() if user else 0
                status = http.get(url).status_code
                if status == 405 and is_api:  # a POST-only endpoint: an empty body is refused before any write
                    status = http.post(url, {}, content_type="application/json").status_code
                row[persona] = status
                cell = f"{persona} GET {url} ({name}) → {status}"
                public = walk.access_rule(patterns[route].callback) == "public"
                if persona == "anonymous":
                    if not public and status not in ((401, 403) if is_api else (302,)):
                        broken.append(f"{cell}: signed out")
                    continue
                # Refused by role (403, before any object is looked up) or as not found (404).
                if persona in STRANGERS and client_object and status not in (403, 404):
                    broken.append(f"{cell}: a stranger to the case")
                if persona == "integration" and not is_api and not public and status == 200:
                    broken.append(f"{cell}: the integration account on a web page")
                if client_object and status in (200, 404):
                    logged = AccessLog.objects.filter(user=user).order_by("-pk")[: 1 + before].count() > before
                    denied = AccessLog.objects.filter(user=user, denied=True).count()
                    if status == 200 and not logged:
                        broken.append(f"{cell}: a read without an access-log entry")
                    if status == 404 and not (logged and denied):
                        broken.append(f"{cell}: a refused read without a denied entry")
                if status >= 500:
                    broken.append(f"{cell}: a server error")
    assert broken == []
    if os.environ.get("UPDATE_PERMISSION_MATRIX"):
        EXPECTED.write_text(json.dumps(matrix, indent=1, sort_keys=True) + "\n")
    expected = json.loads(EXPECTED.read_text())
    changed = {
        f"{name} {persona}": (expected.get(name, {}).get(persona), status)
        for name, row in matrix.items()
        for persona, status in row.items()
        if expected.get(name, {}).get(persona) != status
    }
    assert changed == {}, "(expected, now); UPDATE_PERMISSION_MATRIX=1 writes the new matrix for review"
    assert set(expected) == set(matrix)
    # The size stated in the closing note of issue 12.
    print(f"permission matrix: {len(matrix)} URLs × {len(https)} personas = {len(matrix) * len(https)} cells")
