from django.urls import reverse


def test_health_answers_without_login(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_the_broker_is_the_real_redis(celery_on_redis, client, db, settings):
    """With REDIS_URL set, Celery talks to Redis, and the health check proves the connection."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with celery_on_redis.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        assert conn.transport_cls == "redis"
    assert client.get(reverse("health")).json() == {"database": "ok", "broker": "ok"}


def test_pages_for_signed_in_users_are_not_stored(world, login):
    response = login(world.officer).get(reverse("home"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
