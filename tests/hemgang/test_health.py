from django.urls import reverse

from hemgang.celery import app as celery_app


def test_health_answers_without_login(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_the_broker_is_the_real_redis(redis_url, client, db, settings):
    """With REDIS_URL set, Celery talks to Redis, and the health check proves the connection."""
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = redis_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            assert conn.transport_cls == "redis"
        assert client.get(reverse("health")).json() == {"database": "ok", "broker": "ok"}
    finally:
        celery_app.conf.broker_url = previous


def test_pages_for_signed_in_users_are_not_stored(world, login):
    response = login(world.officer).get(reverse("home"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
