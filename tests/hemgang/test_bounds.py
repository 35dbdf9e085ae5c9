"""Every free-text field of every form and serializer has a length limit, and every date field the sane
range (hemgang/bounds.py), also a field added later: the limits are the fields' defaults."""

import importlib
import inspect

import pytest
from django import forms
from django.core.validators import MaxLengthValidator
from rest_framework import serializers

from hemgang.bounds import TEXT_MAX, validate_sane_date

FORM_MODULES = ["cases.forms", "measures.forms", "scheduling.forms", "handover.forms"]
LONGEST_LINE = 500  # a one-line reason; names are 100–200
SERIALIZER_MODULES = ["cases.apis", "measures.apis", "scheduling.apis", "handover.apis"]


def _classes(modules, base):
    for name in modules:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, base) and cls.__module__ == module.__name__:
                yield cls


def _form_fields():
    for form in _classes(FORM_MODULES, forms.BaseForm):
        for name, field in form.base_fields.items():
            yield f"{form.__module__}.{form.__name__}.{name}", field


def _limit(field) -> int | None:
    limits = [v.limit_value for v in field.validators if isinstance(v, MaxLengthValidator)]
    return min(limits) if limits else None


def test_every_text_field_of_a_form_has_a_limit_and_a_line_a_short_one():
    wrong = []
    for label, field in _form_fields():
        if not isinstance(field, forms.CharField):
            continue
        limit = _limit(field)
        if limit is None or limit > TEXT_MAX:
            wrong.append(f"{label}: no limit")
        elif not isinstance(field.widget, forms.Textarea) and limit > LONGEST_LINE:
            wrong.append(f"{label}: a line of {limit} characters")
    assert wrong == []


def test_every_date_field_of_a_form_is_bounded():
    unbounded = [
        label
        for label, field in _form_fields()
        if isinstance(field, forms.DateField | forms.DateTimeField) and validate_sane_date not in field.validators
    ]
    assert unbounded == []


def test_every_serializer_text_and_date_field_is_bounded():
    wrong = []
    for serializer in _classes(SERIALIZER_MODULES, serializers.Serializer):
        try:
            fields = serializer().fields
        except Exception as exc:  # a serializer that needs context to build its fields
            pytest.fail(f"{serializer.__name__}: {exc}")
        for name, field in fields.items():
            if field.read_only:
                continue
            if isinstance(field, serializers.CharField) and _limit(field) is None:
                wrong.append(f"{serializer.__name__}.{name}: no limit")
            if isinstance(field, serializers.DateField | serializers.DateTimeField) and not field.validators:
                wrong.append(f"{serializer.__name__}.{name}: no date range")
    assert wrong == []
