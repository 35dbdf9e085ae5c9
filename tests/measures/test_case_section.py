"""The measures on the case page come through the section measures/ registers with cases/hooks.py, and the
two apps keep their layers: cases/ never imports measures/, measures/ stands on cases/ and hemgang/ only."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

from cases import hooks
from measures.sections import case_page_measures

ROOT = Path(settings.BASE_DIR)
PROJECT_APPS = {"hemgang", "cases", "measures", "scheduling", "handover"}


def _imported_apps(app: str) -> set[str]:
    """The project apps a package imports anywhere, function-level imports included."""
    found = set()
    for path in (ROOT / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return (found & PROJECT_APPS) - {app}


def test_cases_does_not_import_measures():
    assert "measures" not in _imported_apps("cases")


def test_measures_imports_only_cases_and_hemgang():
    assert _imported_apps("measures") <= {"cases", "hemgang"}


def test_the_case_page_section_carries_the_measures_and_who_may_record_them(world, active):
    sections = hooks.case_sections(active, world.staff)
    assert sections["measures"]["template"] == "measures/_case_section.html"
    assert sections["measures"]["measures"]["is_empty"] is True
    assert sections["measures"]["can_record"] is True
    assert hooks.case_sections(active, world.officer)["measures"]["can_record"] is False


def test_a_section_name_belongs_to_one_callable():
    hooks.register_case_section("measures", case_page_measures)  # again: once
    with pytest.raises(ValueError, match="measures"):
        hooks.register_case_section("measures", lambda case, user: {})
