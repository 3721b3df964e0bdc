"""The shape of the code: apps stacked by stage, one way to plug in, one layout per app.

Apps stack t2a <- cycles <- stakeholders <- feedback <- actions (t2a/registry.py,
APP_ORDER). These tests read every module's imports (top level and nested), every model's
relations and every app's files, so a change that breaks the shape fails here first.
"""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core import checks

from t2a.registry import APP_ORDER

ROOT = Path(__file__).resolve().parent.parent
RANK = {app: n for n, app in enumerate(APP_ORDER)}

# The modules every stage app has, and what else an app may hold beside them. A module
# that outgrows itself becomes a package of the same name with one file per feature.
LAYOUT = {
    "__init__", "apps", "admin", "models", "forms", "services", "selectors", "views",
    "urls", "policies", "tasks", "registrations",
}  # fmt: skip
ALSO_ALLOWED = {"migrations", "tests", "templatetags", "management"}
# The platform also holds the project's machinery.
PLATFORM = {
    "settings", "wsgi", "celery", "tenancy", "registry", "checks", "jobs", "cache", "pdf",
    "htmx", "audit", "adapters", "context_processors", "text", "outbox", "middleware",
    "links", "uploads", "senders", "pagecache",
}  # fmt: skip


def app_modules(app: str):
    """(dotted name, path) of every non-test, non-migration module of `app`."""
    base = ROOT / app
    for path in sorted(base.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "tests" in parts or "migrations" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path


def imports_of(name: str, path: Path) -> list[tuple[str, int]]:
    """Every module `name` imports (absolute names), with the line, at any depth."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module
            found.append((module, node.lineno))
            # `from package import module` imports the module too.
            found += [(f"{module}.{alias.name}", node.lineno) for alias in node.names]
    return found


def project_graph() -> dict[str, set[str]]:
    modules = {name: path for app in APP_ORDER for name, path in app_modules(app)}
    graph = {}
    for name, path in modules.items():
        graph[name] = {m for m, _ in imports_of(name, path) if m in modules and m != name}
    return graph


def test_no_app_imports_an_app_above_it():
    upward = []
    for app in APP_ORDER:
        for name, path in app_modules(app):
            for module, line in imports_of(name, path):
                top = module.split(".")[0]
                if top in RANK and RANK[top] > RANK[app]:
                    upward.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert upward == []


def test_no_import_circles():
    graph = project_graph()
    # Tarjan's strongly connected components: any with more than one module is a circle.
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            # A package and the modules it is made of import each other by nature.
            if len({c for c in component if not any(o.startswith(c + ".") for o in component)}) > 1:
                circles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    assert circles == []


def test_no_import_inside_a_function_outside_management_commands():
    nested = []
    for app in APP_ORDER:
        for _name, path in app_modules(app):
            if "management" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    nested += [
                        f"{path.relative_to(ROOT)}:{inner.lineno}"
                        for inner in ast.walk(node)
                        if isinstance(inner, ast.Import | ast.ImportFrom)
                    ]
    assert nested == []


def test_foreign_keys_point_down_the_stack():
    upward = []
    for model in apps.get_models():
        app = model._meta.app_label
        if app not in RANK:
            continue
        for field in [*model._meta.fields, *model._meta.many_to_many]:
            target = field.related_model._meta.app_label if field.is_relation else None
            if target in RANK and RANK[target] > RANK[app]:
                upward.append(
                    f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}"
                )
    assert upward == []


@pytest.mark.parametrize("app", APP_ORDER)
def test_every_app_has_the_same_layout(app):
    base = ROOT / app
    names = {p.stem for p in base.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    allowed = LAYOUT | ALSO_ALLOWED | (PLATFORM | {"urls"} if app == "t2a" else set())
    assert names - allowed == set(), f"{app} holds modules outside the layout"
    if app != "t2a":
        assert LAYOUT - names == set(), f"{app} lacks modules of the layout"


@pytest.mark.parametrize("app", APP_ORDER)
def test_no_suffix_files(app):
    suffixed = re.compile(r".+_(views|forms|services|selectors|urls|tasks|policies)\.py$")
    found = [
        str(path)
        for _, path in app_modules(app)
        if suffixed.match(path.name) and "management" not in path.parts
    ]
    assert found == []


@pytest.mark.django_db
def test_system_checks_pass():
    """The registry's checks (t2a/checks.py) hold: every path imports and belongs to its
    app or one below, every stage is measured, every tenant model is organisation data."""
    errors = [m for m in checks.run_checks() if m.level >= checks.ERROR]
    assert errors == []
