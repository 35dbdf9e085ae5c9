"""The sane range of what people type, in one module (issue 8, "Bad input").

- Dates: from 1900-01-01 to five years ahead. Every date and datetime field of every form (Django's
  forms, the admin's included) and every DRF serializer gets `validate_sane_date` as a default validator
  when the project starts (`install`), so a field added tomorrow is bounded too; a rule of the domain
  (a referral's admission not in the future) is narrower and says so itself.
- Texts: no field takes more than TEXT_MAX characters (a journal entry is not 1 MB); single-line
  fields set their own `max_length` (names 100–200), which a test checks for every form.
- Query and raw form parameters (`?date=`, `?page=`, an id posted by a button) are parsed here too, so a
  bad one is a clear 400, never a 500.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from .errors import DomainValidationError

EARLIEST_DATE = dt.date(1900, 1, 1)
YEARS_AHEAD = 5
TEXT_MAX = 10_000


def latest_date() -> dt.date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def validate_sane_date(value) -> None:
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST_DATE <= day <= latest_date():
        raise ValidationError(
            gettext_lazy("Enter a date between %(earliest)s and %(latest)s."),
            code="date_out_of_range",
            params={"earliest": EARLIEST_DATE.isoformat(), "latest": latest_date().isoformat()},
        )


class _SaneDateForSerializers:
    """DRF calls a validator with the value and expects its own ValidationError."""

    def __call__(self, value):
        try:
            validate_sane_date(value)
        except ValidationError as err:
            raise serializers.ValidationError(err.messages, code="date_out_of_range") from err


def install() -> None:
    """Bound every date and text field of forms and serializers (called from HemgangConfig.ready)."""
    ceiling = MaxLengthValidator(TEXT_MAX)
    for field in (forms.DateField, forms.DateTimeField):
        field.default_validators = [validate_sane_date]
    forms.CharField.default_validators = [ceiling]
    for field in (serializers.DateField, serializers.DateTimeField):
        field.default_validators = [_SaneDateForSerializers()]
    serializers.CharField.default_validators = [ceiling]


# --- parameters ----------------------------------------------------------------------------------------


def param_date(raw: str | None, *, name: str) -> dt.date | None:
    """A `YYYY-MM-DD` parameter in the sane range; None when absent."""
    if raw in (None, ""):
        return None
    try:
        day = dt.date.fromisoformat(raw)
        validate_sane_date(day)
    except ValueError as err:
        raise DomainValidationError(_("Use the form YYYY-MM-DD."), code="invalid", field=name) from err
    except ValidationError as err:
        raise DomainValidationError(err.messages[0], code="date_out_of_range", field=name) from err
    return day


def param_id(raw: str | None, *, name: str) -> int | None:
    """An id posted by a button or given in the query string; None when absent."""
    if raw in (None, ""):
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise DomainValidationError(_("Not a valid id."), code="invalid", field=name)
    return int(raw)


def param_text(raw: str | None, *, name: str, max_length: int = TEXT_MAX) -> str:
    """A free text sent outside a form (an autosaved draft), at most `max_length` characters."""
    text = raw or ""
    if len(text) > max_length:
        raise DomainValidationError(
            _("At most %(max)s characters.") % {"max": max_length}, code="max_length", field=name
        )
    return text
