"""The apps import downward only (architecture.md, "Layers"; ADR 0022).

A domain app learns about higher ones through the signals it sends, never by importing them; pages
that put several apps on one screen live in ``motcua.desk``, the demo in ``motcua.demo``. This test
reads every import statement of the package (function-level ones too) and fails on any import
of a component from the same or a higher layer. A new top-level module or app must be placed in
``LAYERS`` first, which is the point: its place is a decision.
"""

import ast
from pathlib import Path

import motcua

# Bottom to top. A component may import itself and anything in a lower layer.
LAYERS: list[set[str]] = [
    # Foundations: small modules any app may use; they import no app.
    {
        "text",
        "progress",
        "batching",
        "privacy",
        "errors",
        "identity",
        "workdays",
        "ui",
        "runmode",
    },
    # ``phones`` names a wrong character as ``identity`` does.
    {"admin_readonly", "logging", "middleware", "ratelimit", "idempotency", "phones"},
    # The append-only trail of configuration changes: units and every app above record into it.
    {"audit"},
    # The domain apps, each above what it builds on.
    {"units"},
    {"accounts"},
    {"catalog"},
    {"dossiers"},
    {"docstore"},
    {"feedback"},
    {"notify", "dvcqg"},
    {"residents"},
    {"queueing"},
    # Residents' reports: link to dossiers and visits, store photos, tell reporters by the outbox.
    {"petitions"},
    {"insights"},
    # Pages that combine several apps, the demo, the API, the home page.
    {"desk", "demo", "api", "views"},
    # The deploy checks (they read every app's settings) and the door every request passes.
    {"security"},
    # The project's wiring.
    {"urls", "settings", "wsgi", "asgi", "__main__"},
]
PACKAGE = Path(motcua.__file__).parent


def component_of(path: Path, root: Path) -> str:
    """``motcua/dossiers/views.py`` → ``dossiers``; ``motcua/text.py`` → ``text``."""
    parts = path.relative_to(root).parts
    return parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")


def imported_components(source: str, package: str = "motcua") -> set[str]:
    """The components of ``package`` that a module's source imports, at any depth."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == package and len(parts) > 1:
                found.add(parts[1])  # ``from motcua import views`` gives "views" too
    return found


def layer_problems(root: Path, layers: list[set[str]], package: str = "motcua") -> list[str]:
    rank = {name: i for i, layer in enumerate(layers) for name in layer}
    problems = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue  # migrations name their dependencies by app label, never by import
        here = component_of(path, root)
        if here == "__init__":
            continue
        if here not in rank:
            problems.append(f"{path.relative_to(root)}: '{here}' has no place in LAYERS")
            continue
        for target in imported_components(path.read_text(encoding="utf-8"), package):
            if target == here or target == "__init__":
                continue
            if target not in rank:
                problems.append(f"{path.relative_to(root)} imports '{target}', not in LAYERS")
            elif rank[target] >= rank[here]:
                problems.append(
                    f"{path.relative_to(root)}: '{here}' imports '{target}' "
                    f"({'the same layer' if rank[target] == rank[here] else 'a higher layer'})"
                )
    return problems


def test_every_app_imports_downward_only():
    assert layer_problems(PACKAGE, LAYERS) == []


def test_an_upward_import_is_caught(tmp_path):
    """The check itself: a lower app importing a higher one, even inside a function, fails."""
    root = tmp_path / "motcua"
    (root / "dossiers").mkdir(parents=True)
    (root / "desk").mkdir()
    (root / "desk" / "views.py").write_text("from motcua.dossiers import queries\n")
    (root / "dossiers" / "views.py").write_text(
        "def page():\n    from motcua.desk.views import inbox\n    return inbox\n"
    )
    problems = layer_problems(root, [{"dossiers"}, {"desk"}])
    assert problems == ["dossiers/views.py: 'dossiers' imports 'desk' (a higher layer)"]


def test_siblings_of_one_layer_do_not_import_each_other(tmp_path):
    root = tmp_path / "motcua"
    (root / "notify").mkdir(parents=True)
    (root / "notify" / "services.py").write_text("import motcua.dvcqg.adapters\n")
    problems = layer_problems(root, [{"notify", "dvcqg"}])
    assert problems == ["notify/services.py: 'notify' imports 'dvcqg' (the same layer)"]
