"""What higher apps add to the case page without cases/ importing them (STYLE habit 12: layers register, they
do not import upward). handover/ registers its warnings from its AppConfig.ready()."""

from collections.abc import Callable

_case_warnings: list[Callable] = []
_timeline_sources: list[Callable] = []


def register_case_warning(warning: Callable) -> None:
    """`warning(case) -> str`: a message for the team on the case page, or "" when there is nothing to say."""
    if warning not in _case_warnings:
        _case_warnings.append(warning)


def case_warnings(case) -> list[str]:
    return [text for text in (warning(case) for warning in _case_warnings) if text]


def register_timeline_source(source: Callable) -> None:
    """`source(case) -> list[cases.selectors.TimelineEntry]`: more of what happened, for the case timeline."""
    if source not in _timeline_sources:
        _timeline_sources.append(source)


def timeline_entries(case) -> list:
    return [entry for source in _timeline_sources for entry in source(case)]
