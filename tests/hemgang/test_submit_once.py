"""A form sent ten times (a double click, a resent POST) is saved once, and every sending ends where the
first did."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from handover.models import Message
from hemgang.models import SubmissionKey
from hemgang.submissions import FIELD, submission_keys_purge
from scheduling.models import JournalEntry

MONDAY = dt.date(2026, 11, 23)
KEY = re.compile(rf'<input type="hidden" name="{FIELD}" value="([0-9a-f-]{{36}})">')


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(10))), tick=False):
        yield


def _key(http, url, nth=0):
    keys = KEY.findall(http.get(url).content.decode())
    assert keys, "the page's POST forms carry a submission key"
    return keys[nth]


def _send_ten_times(http, url, data):
    responses = [http.post(url, data) for _ in range(10)]
    assert {r.status_code for r in responses} == {302}
    assert len({r["Location"] for r in responses}) == 1
    return responses


def test_ten_identical_journal_entries_make_one(world, login, start_case):
    case = start_case(MONDAY)
    http = login(world.staff)
    url = reverse("journal", args=[case.pk])
    _send_ten_times(http, url, {"kind": "social", "text": "Åt frukost själv.", FIELD: _key(http, url)})
    assert JournalEntry.objects.filter(case=case, text="Åt frukost själv.").count() == 1


def test_ten_identical_consents_make_one(world, login, referred):
    http = login(world.officer)
    url = reverse("consent_new", args=[referred.pk])
    data = {
        "given_on": "2026-11-23",
        "given_by": "client",
        "form": "written",
        "scope": "Info",
        "receivers": [world.group.pk],
        "recipients": "",
    }
    responses = _send_ten_times(http, url, data | {FIELD: _key(http, url)})
    assert referred.consents.count() == 1
    followed = http.get(responses[-1]["Location"]).content.decode()
    assert "Redan sparat" in followed


def test_ten_identical_messages_make_one(world, login, start_case):
    case = start_case(MONDAY)
    http = login(world.staff)
    url = reverse("case_messages", args=[case.pk])
    before = Message.objects.filter(case=case).count()
    data = {
        "action": "new",
        "kind": "summary",
        "subject": "Sammanfattning",
        "body": "Bra dag.",
        "recipients": [world.group.pk, world.coordination.pk],
    }
    _send_ten_times(http, url, data | {FIELD: _key(http, url)})
    assert Message.objects.filter(case=case).count() == before + 1


def test_a_form_sent_back_with_errors_can_be_sent_again_with_its_key(world, login, referred):
    http = login(world.officer)
    url = reverse("consent_new", args=[referred.pk])
    key = _key(http, url)
    refused = http.post(url, {"given_on": "", FIELD: key})
    assert refused.status_code == 200 and referred.consents.count() == 0
    data = {
        "given_on": "2026-11-23",
        "given_by": "client",
        "form": "written",
        "scope": "Info",
        "receivers": [world.group.pk],
        FIELD: key,
    }
    assert http.post(url, data).status_code == 302
    assert referred.consents.count() == 1


def test_each_rendering_has_its_own_key_and_no_id(world, login, referred):
    http = login(world.officer)
    url = reverse("consent_new", args=[referred.pk])
    page = http.get(url).content.decode()
    assert f'name="{FIELD}"' in page and f'id="{FIELD}' not in page
    assert _key(http, url) != _key(http, url)


def test_another_users_key_does_not_replay_their_submission(world, login, referred):
    url = reverse("consent_new", args=[referred.pk])
    http = login(world.officer)
    data = {
        "given_on": "2026-11-23",
        "given_by": "client",
        "form": "written",
        "scope": "Info",
        "receivers": [world.group.pk],
    }
    key = _key(http, url)
    http.post(url, data | {FIELD: key})
    response = login(world.officer2).post(url, data | {FIELD: key})
    assert response.status_code == 409
    assert "Formuläret sparas redan" in response.content.decode()


def test_keys_older_than_a_day_are_purged(world, login, referred):
    http = login(world.officer)
    url = reverse("consent_new", args=[referred.pk])
    data = {
        "given_on": "2026-11-23",
        "given_by": "client",
        "form": "written",
        "scope": "Info",
        "receivers": [world.group.pk],
    }
    http.post(url, data | {FIELD: _key(http, url)})
    assert submission_keys_purge(now=timezone.now() + dt.timedelta(hours=23)) == 0
    assert submission_keys_purge(now=timezone.now() + dt.timedelta(hours=25)) == 1
    assert not SubmissionKey.objects.exists()
