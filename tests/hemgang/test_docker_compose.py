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
        assert set(services[name]["depends_on"]) == {"db", "redis"}
        assert services[name]["build"] == "."


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
