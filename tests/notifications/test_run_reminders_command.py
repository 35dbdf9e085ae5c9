"""`manage.py run_reminders`: one sweep by hand, or every N seconds beside `make run` without Redis."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from notifications import reminders
from notifications.management.commands import run_reminders as command
from notifications.models import Notification

from .. import factories as f

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def consent_ending(world):
    world.officer.email = "handlaggare@example.org"
    world.officer.save()
    case = f.referred_case(world.officer)
    f.consent(world.officer, case, given_on=timezone.localdate() - dt.timedelta(days=8))
    return case


def test_one_sweep_stores_and_sends_what_is_due_once(consent_ending, mailoutbox, capsys):
    call_command("run_reminders")
    call_command("run_reminders")
    assert [m.to for m in mailoutbox] == [["handlaggare@example.org"]]
    assert Notification.objects.get(kind="consent_ending").status == "sent"
    assert "1 consent_ending" in capsys.readouterr().out


def test_every_n_seconds_it_goes_on_after_a_failed_sweep_and_stops_on_ctrl_c(
    consent_ending, mailoutbox, monkeypatch, caplog
):
    sweeps, naps = [], []
    real_sweep = reminders.sweep

    def sweep(now=None, **kwargs):
        sweeps.append(now)
        if len(sweeps) == 1:
            raise ConnectionError("the database restarts")
        return real_sweep(now, **kwargs)

    def sleep(seconds):
        naps.append(seconds)
        if len(naps) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(command.reminders, "sweep", sweep)
    monkeypatch.setattr(command.time, "sleep", sleep)
    call_command("run_reminders", every=60)
    assert (len(sweeps), naps) == (2, [60, 60])
    assert "The reminder sweep failed" in caplog.text
    assert [m.to for m in mailoutbox] == [["handlaggare@example.org"]]


def test_make_run_sweeps_beside_the_server_without_redis_and_stops_the_sweeps_with_it():
    recipe = (ROOT / "Makefile").read_text().split("\nrun: seed static\n", 1)[1].split("\n\n", 1)[0]
    assert 'if [ -z "$${REDIS_URL}" ]' in recipe
    assert "manage.py run_reminders --every $${REMINDER_SWEEP_SECONDS:-60} & sweeps=$$!" in recipe
    assert "trap 'kill $$sweeps 2>/dev/null' EXIT" in recipe
    assert recipe.rstrip().endswith("manage.py runserver 127.0.0.1:$${PORT:-8000}")


def test_the_beat_task_runs_one_task_per_rule(consent_ending, mailoutbox, django_capture_on_commit_callbacks):
    """Each rule in a task of its own: a slow rule's time limit cannot silence the rules after it."""
    from notifications.tasks import run_reminders

    with django_capture_on_commit_callbacks(execute=True):
        assert run_reminders.delay().get() == [rule.kind for rule in reminders.rules()]
    assert [m.to for m in mailoutbox] == [["handlaggare@example.org"]]
    assert Notification.objects.get(kind="consent_ending").status == "sent"
