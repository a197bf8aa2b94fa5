"""The engine (microcred/questionnaires) holds templates only: nothing of it imports plans,
reports or a phase app, and its migrations depend on none of theirs."""

import ast
from pathlib import Path

from django.db.migrations.loader import MigrationLoader

import microcred.questionnaires
from microcred.questionnaires.defaults import phase_apps

ENGINE = Path(microcred.questionnaires.__file__).parent
ENGINE_PACKAGE = "microcred.questionnaires"


def forbidden_packages() -> list[str]:
    return ["microcred.plans", "microcred.reports", *(app.name for app in phase_apps())]


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, root: Path):
    """Every module the file imports, relative imports resolved, with its line."""
    package = module_name(path if path.name == "__init__.py" else path.parent, root)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            yield module, node.lineno
            # `from microcred import plans` imports the package too.
            for alias in node.names:
                yield f"{module}.{alias.name}", node.lineno


def upward_imports(engine: Path = ENGINE) -> list[str]:
    root = engine.parent.parent
    forbidden = forbidden_packages()
    found = []
    for path in sorted(engine.rglob("*.py")):
        for module, line in imported_modules(path, root):
            if any(module == name or module.startswith(f"{name}.") for name in forbidden):
                found.append(f"{path.relative_to(root)}:{line} imports {module}")
    return found


def test_the_engine_imports_nothing_of_plans_reports_or_the_phase_apps():
    assert len(list(ENGINE.rglob("*.py"))) > 10  # the walk sees the engine, migrations too
    assert upward_imports() == []


def test_the_walk_finds_relative_and_from_imports(tmp_path):
    engine = tmp_path / "microcred" / "questionnaires"
    (engine / "migrations").mkdir(parents=True)
    (engine / "migrations" / "0001_x.py").write_text("from ...plans import models\n")
    (engine / "views.py").write_text("from microcred import reports\nimport planning.apps\n")
    assert upward_imports(engine) == [
        "microcred/questionnaires/migrations/0001_x.py:1 imports microcred.plans",
        "microcred/questionnaires/migrations/0001_x.py:1 imports microcred.plans.models",
        "microcred/questionnaires/views.py:1 imports microcred.reports",
        "microcred/questionnaires/views.py:2 imports planning.apps",
    ]


def test_no_engine_migration_depends_on_a_plans_migration():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    engine_nodes = [key for key in graph.nodes if key[0] == "questionnaires"]
    assert engine_nodes
    # Directly or through other apps' migrations.
    assert [
        (node, ancestor)
        for node in engine_nodes
        for ancestor in graph.forwards_plan(node)
        if ancestor[0] == "plans"
    ] == []
