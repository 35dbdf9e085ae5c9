"""The rules of the outcome instruments (SKL 2017, "Steg 2"): the ranges each scale allows, the Katz ADL
grade and the COPM score. Pure functions of the answers: the models, the services and the selectors all
read them from here.
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext_lazy as _

# The ranges, named once: services explain them, the constraints of the models enforce them.
SAFETY_MIN, SAFETY_MAX = 0, 10
COPM_MIN, COPM_MAX = 1, 10
COPM_MAX_GOALS = 5
ICF_DEGREES = (0, 1, 2, 3, 4)  # the levels a change can be computed between

# Katz ADL's six activities in the order of the index: the grades B–F are built on this order.
KATZ_ACTIVITIES = ("bathing", "dressing", "toileting", "transfer", "continence", "feeding")

# --- Katz ADL ---------------------------------------------------------------------------------------


class KatzGrade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"
    E = "E", "E"
    F = "F", "F"
    G = "G", "G"
    NOT_CLASSIFIABLE = "not_classifiable", _("Not classifiable")


def katz_grade(
    *, bathing: bool, dressing: bool, toileting: bool, transfer: bool, continence: bool, feeding: bool
) -> KatzGrade:
    """The Katz ADL index grade from the six activities (True = independent), as in Socialstyrelsen's
    Metodguiden för socialt arbete ("Katz ADL-index"):

    A independent in all six; B dependent in exactly one (any one); C dependent in bathing and exactly one
    more; D in bathing, dressing and one more; E in bathing, dressing, toileting and one more; F in bathing,
    dressing, toileting, transfer and one more; G dependent in all six. Any other pattern (say dependent in
    dressing and feeding but not bathing) is *ej klassificerbar*.

    The index is a hierarchy: function is lost in the order bathing → dressing → toileting → transfer →
    continence → feeding, so C–F mean "dependent in the first k−1 activities of that order plus one more".
    """
    answers = (bathing, dressing, toileting, transfer, continence, feeding)  # in the order of KATZ_ACTIVITIES
    dependent = {name for name, independent in zip(KATZ_ACTIVITIES, answers, strict=True) if not independent}
    count = len(dependent)
    if count == 0:
        return KatzGrade.A
    if count == 1:
        return KatzGrade.B
    if count == len(KATZ_ACTIVITIES):
        return KatzGrade.G
    # 2 → C (bathing + one), 3 → D (bathing, dressing + one), … 5 → F.
    if set(KATZ_ACTIVITIES[: count - 1]) <= dependent:
        return KatzGrade("CDEF"[count - 2])
    return KatzGrade.NOT_CLASSIFIABLE


# --- COPM -------------------------------------------------------------------------------------------

COPM_SIGNIFICANT_CHANGE = 2  # COPM: a change of two points or more is clinically significant


def copm_score(values: Iterable[int]) -> Fraction | None:
    """The COPM score: the mean of the ratings over the client's goals (None when there are none).

    Kept exact, so that "a change of 2 points or more" is decided on the true value, not on a rounded one.
    """
    values = list(values)
    return Fraction(sum(values), len(values)) if values else None


def one_decimal(value: Fraction | None) -> Decimal | None:
    """COPM scores are reported with one decimal."""
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def copm_change_is_significant(start: Fraction | None, end: Fraction | None) -> bool:
    """Two points or more, either way: a worsening of two points matters as much as a gain."""
    return start is not None and end is not None and abs(end - start) >= COPM_SIGNIFICANT_CHANGE
