"""What the outcome measures add to the case page (registered in `MeasuresConfig.ready()`)."""

from . import selectors


def case_page_measures(case, user) -> dict:
    """The measures start → end in one query, and whether the user may record them (a link to the
    measures page either way: everyone who sees the case may see its measures)."""
    return {
        "template": "measures/_case_section.html",
        "measures": selectors.case_measures_summary(case),
        "can_record": user.has_perm("measures.record_measures", case),
    }
