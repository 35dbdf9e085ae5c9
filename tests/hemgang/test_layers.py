"""The apps form layers (STYLE.md habit 12): read every import of every module of every project app —
at the top of a file or inside a function — and fail on an import cycle between apps, on an app
importing one above it, and on an app importing another app's private (`_name`) names."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

BASE = Path(settings.BASE_DIR)
# Bottom to top; an app may import only apps below it. `hemgang` is the project's own bottom layer.
LAYERS = [
    "hemgang",
    "cases",
    "notifications",
    "measures",
    "scheduling",
    "handover",
    "audit",
    "retention",
    "followup",
    "demo",
]


def project_apps() -> list[str]:
    return [c.name for c in apps.get_app_configs() if Path(c.path).resolve().parent == BASE.resolve()]


def imports_of(app: str):
    """(module file, imported app, imported names) for every import in the app that names another app."""
    ours = set(project_apps())
    for path in sorted((BASE / app).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    top = alias.name.split(".")[0]
                    if top in ours and top != app:
                        yield path.relative_to(BASE), top, []
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                top = node.module.split(".")[0]
                if top in ours and top != app:
                    yield path.relative_to(BASE), top, [alias.name for alias in node.names]


def app_graph() -> dict[str, set[str]]:
    return {app: {target for _path, target, _names in imports_of(app)} for app in project_apps()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle_and_accepts_layers():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": set(), "b": {"a"}, "c": {"a", "b"}}) is None


def test_no_import_cycle_between_apps():
    cycle = find_cycle(app_graph())
    assert cycle is None, "import cycle between apps: " + " → ".join(cycle)


def test_every_app_has_a_layer_and_imports_only_those_below_it():
    for app in project_apps():
        assert app in LAYERS, f"{app} is not placed in LAYERS"
    wrong = [
        f"{path} imports {target}"
        for app in project_apps()
        for path, target, _names in imports_of(app)
        if LAYERS.index(target) > LAYERS.index(app)
    ]
    assert wrong == []


def test_the_bottom_layers_import_no_app_above_them():
    assert app_graph()["hemgang"] == set()
    assert app_graph()["cases"] <= {"hemgang"}


def test_no_app_imports_another_apps_private_names():
    private = [
        f"{path}: {name} from {target}"
        for app in project_apps()
        for path, target, names in imports_of(app)
        for name in names
        if name.startswith("_")
    ]
    assert private == []
