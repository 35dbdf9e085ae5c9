"""A task goes through the real Redis broker to a real Celery worker and sends real (locmem) e-mail."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction

from cases import events

from .. import factories as f


@pytest.mark.django_db(transaction=True)
def test_a_task_travels_through_redis_to_a_worker(celery_on_redis):
    town = f.MunicipalityFactory()
    team = f.TeamFactory(municipality=town)
    f.UserFactory(municipality=town, role="unit_manager", team=team, email="chef@example.org")
    officer = f.UserFactory(municipality=town, role="case_officer")
    case = f.referred_case(officer)

    with start_worker(celery_on_redis, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with transaction.atomic():  # the notification is stored, and its task queued when this commits
            events.record(case, events.Kind.TEAM_ASSIGNED, officer, payload={"team_id": team.pk, "over_capacity": True})
        deadline = time.monotonic() + 40
        while not mail.outbox and time.monotonic() < deadline:
            time.sleep(0.1)
    assert [m.to for m in mail.outbox] == [["chef@example.org"]]
    assert case.reference in mail.outbox[0].body
