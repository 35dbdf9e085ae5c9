"""There is no Docker engine here: the stack is kept right by reading it."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_it_runs_database_broker_web_worker_and_beat():
    assert set(_compose()["services"]) == {"db", "redis", "web", "worker", "beat"}


def test_the_app_services_reach_postgres_and_redis_by_service_name():
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert "@db:5432/" in env["DATABASE_URL"] and env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert env["DEBUG"] == "false"
        assert services[name]["depends_on"]["db"] == {"condition": "service_healthy"}
        assert services[name]["depends_on"]["redis"] == {"condition": "service_healthy"}
        assert services[name]["build"] == "."
    assert set(services["web"]["depends_on"]) == {"db", "redis"}


def test_secrets_come_from_the_environment_not_the_file():
    compose = _compose()
    assert compose["services"]["web"]["environment"]["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert compose["services"]["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")


def test_the_commands_name_modules_that_exist():
    services = _compose()["services"]
    assert "hemgang.wsgi:application" in services["web"]["command"]
    assert services["worker"]["command"][:3] == ["celery", "-A", "hemgang"]
    assert services["beat"]["command"][3] == "beat"
    assert (ROOT / "hemgang" / "wsgi.py").exists() and (ROOT / "hemgang" / "celery.py").exists()
    assert "/health/" in str(services["web"]["healthcheck"]["test"])


def test_the_image_installs_the_locked_requirements():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir -r requirements.lock" in dockerfile
    assert "FROM python:3.11" in dockerfile


def test_worker_and_beat_start_after_the_migrations_with_the_apps_settings():
    services = _compose()["services"]
    for name in ("worker", "beat"):
        assert services[name]["depends_on"]["web"] == {"condition": "service_healthy"}  # web migrates
        assert services[name]["environment"] == services["web"]["environment"]
        assert services[name]["image"] == services["web"]["image"]
        assert "CELERY_QUEUE" not in services[name]["environment"]  # both on the default queue


def test_the_worker_consumes_the_default_queue_and_may_finish_a_sending_when_stopped():
    worker = _compose()["services"]["worker"]
    assert worker["command"] == ["celery", "-A", "hemgang", "worker", "--loglevel", "INFO"]
    assert not {"-Q", "--queues", "--pool"} & set(worker["command"])
    grace = int(worker["stop_grace_period"].removesuffix("s"))
    assert grace > 30  # EMAIL_TIMEOUT's default: a hung SMTP conversation ends before the kill


def test_beat_keeps_its_schedule_in_a_file_of_its_own_that_the_apps_user_may_write():
    command = _compose()["services"]["beat"]["command"]
    assert command[:4] == ["celery", "-A", "hemgang", "beat"]
    schedule = command[command.index("--schedule") + 1]
    # The image runs as the user hemgang, who may write /tmp but not /app (owned by root).
    assert schedule.startswith("/tmp/") and "USER hemgang" in (ROOT / "Dockerfile").read_text()


def test_redis_redelivers_an_unacknowledged_task_only_after_the_longest_retry_wait(settings):
    """acks_late on Redis: a retry waits in its worker, unacknowledged, for its countdown; were the
    visibility timeout shorter, Redis would hand it to a second worker meanwhile."""
    from notifications import services
    from notifications.tasks import send_notification

    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    longest_wait = services.retry_delay(services.MAX_ATTEMPTS - 1)
    assert visibility > longest_wait + send_notification.time_limit
    assert send_notification.time_limit < settings.NOTIFICATION_CLAIM_LEASE_SECONDS
