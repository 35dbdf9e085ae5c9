"""Outcome measures (SKL 2017, "Steg 2"): experienced safety, Katz ADL, COPM goals, IBIC needs.

To be filled in: models live in cases/models/measures.py, the rules here.
"""


def case_measures_summary(case) -> dict:
    """Everything the case page shows of the measures, start → end with the change."""
    return {}
