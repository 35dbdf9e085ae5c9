import pytest
from django.core.exceptions import ImproperlyConfigured

from hemgang.env import env_bool, env_int, env_list


def test_a_bad_boolean_is_an_error_not_false(monkeypatch):
    monkeypatch.setenv("DEBUG_X", "ture")
    with pytest.raises(ImproperlyConfigured):
        env_bool("DEBUG_X", False)


@pytest.mark.parametrize("raw, value", [("true", True), ("1", True), ("off", False), ("False", False)])
def test_booleans(monkeypatch, raw, value):
    monkeypatch.setenv("FLAG_X", raw)
    assert env_bool("FLAG_X", not value) is value


def test_unset_uses_the_default(monkeypatch):
    monkeypatch.delenv("FLAG_X", raising=False)
    assert env_bool("FLAG_X", True) is True
    assert env_int("NUM_X", 7) == 7


def test_a_bad_integer_is_an_error(monkeypatch):
    monkeypatch.setenv("NUM_X", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_int("NUM_X", 1)


def test_lists(monkeypatch):
    monkeypatch.setenv("HOSTS_X", "a.example, b.example,")
    assert env_list("HOSTS_X", []) == ["a.example", "b.example"]


def test_the_app_runs_on_postgresql_only():
    from django.conf import settings

    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
