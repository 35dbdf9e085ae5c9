"""Every constraint a user can hit has a Swedish message, and a refused write shows it, never its name."""

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from cases.models import Decision, Team
from hemgang.constraints import MESSAGES, ConstraintViolation, translate_constraint_violations, unique_field_messages
from hemgang.errors import DomainError
from hemgang.middleware import ConstraintViolationMiddleware

from .. import factories as f

PROJECT_APPS = ("cases", "notifications", "measures", "scheduling", "handover", "retention")


def _constraints():
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            for constraint in model._meta.constraints:
                if isinstance(constraint, models.CheckConstraint | models.UniqueConstraint):
                    yield model, constraint


def test_every_constraint_of_the_models_has_a_message():
    missing = [f"{model._meta.label}: {c.name}" for model, c in _constraints() if c.name not in MESSAGES]
    assert missing == []


def test_every_message_is_swedish_and_names_a_real_field_or_none():
    fields_of = {c.name: {f.name for f in model._meta.get_fields()} for model, c in _constraints()}
    for name, (field, message) in MESSAGES.items():
        if name.endswith("_key"):  # a unique column's constraint, named by PostgreSQL
            assert name in unique_field_messages(), f"{name}: no such unique column any more"
            continue
        with translation.override("en"):
            english = str(message)
        with translation.override("sv"):
            assert str(message) != english, name
        assert name in fields_of, f"{name}: no such constraint any more"
        # The field is where a form shows it: the model's field, or a form's name for it.
        assert field is None or field in fields_of[name] or field == "recipients", name


def test_a_refused_write_is_a_domain_error_with_the_swedish_message(world):
    team = world.team
    wrapper = connection.execute_wrapper(translate_constraint_violations)
    with wrapper, translation.override("sv"), pytest.raises(ConstraintViolation) as err, transaction.atomic():
        Team.objects.filter(pk=team.pk).update(capacity=0)
    assert isinstance(err.value, DomainError) and isinstance(err.value, IntegrityError)
    assert err.value.field == "capacity"
    assert str(err.value.message) == "Kapaciteten måste vara minst en brukare."
    assert "team_capacity_positive" not in str(err.value)


def test_a_unique_column_without_a_named_constraint_gets_a_message(world):
    wrapper = connection.execute_wrapper(translate_constraint_violations)
    with wrapper, translation.override("sv"), pytest.raises(ConstraintViolation) as err, transaction.atomic():
        f.MunicipalityFactory(name=world.town.name, code="1234")
    assert err.value.field == "name"
    assert "cases_municipality" not in str(err.value.message) and "används redan" in str(err.value.message)


def test_a_domain_error_no_view_caught_is_a_swedish_page_not_a_500(world):
    request = RequestFactory().post("/cases/1/")
    request.user = world.officer
    request.htmx = False
    with translation.override("sv"):
        response = ConstraintViolationMiddleware(lambda r: None).process_exception(
            request, ConstraintViolation(MESSAGES["case_one_open_per_client"][1])
        )
    assert response.status_code == 400
    assert "Brukaren har redan ett öppet ärende." in response.content.decode()


def test_the_api_answers_a_constraint_as_a_problem(world):
    from hemgang.errors import api_exception_handler

    response = api_exception_handler(ConstraintViolation(MESSAGES["team_capacity_positive"][1], field="capacity"), {})
    assert response.status_code == 400 and "capacity" in response.data


def test_a_second_submission_of_the_same_decision_is_a_swedish_message_not_a_500(world, login, referred):
    import datetime as dt

    import time_machine

    from ..cases.test_pages import _decision_post

    http = login(world.officer)
    url = reverse("decision_new", args=[referred.pk])
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC), tick=False):
        f.consent(world.officer, referred)
        assert http.post(url, _decision_post(world, lines=1)).status_code == 302
        again = http.post(url, _decision_post(world, lines=1))
    assert again.status_code in (200, 400, 409)
    page = again.content.decode()
    assert "decision_case_id" not in page and "Traceback" not in page
    assert Decision.objects.filter(case=referred).count() == 1
