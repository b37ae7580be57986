"""The import direction, checked over the source with `ast`: data access first, then the metrics and levels,
then charts, maps and reports, then the pages.

* Packages sit in layers and import only from their own layer or below: no package imports one above it,
  and the package graph has no cycle.
* Only app.py, serve.py, app_pages/ and ui/ import streamlit (bench and tools drive the app to measure or
  photograph it).
* Only data/ speaks SQL: no string of another package reads like a query, and nobody else calls execute().
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Lowest first. indicators holds the pure engine, rule sets, origins and policy numbers the data layer uses.
LAYERS = (
    ("i18n",),
    ("auth", "indicators"),
    ("data",),
    ("trends",),
    ("charts", "geo", "operations", "reports"),
    ("ui",),
    ("app_pages", "app", "serve"),
    ("bench", "tools", "deploy", "commands"),
)
LAYER = {package: rank for rank, packages in enumerate(LAYERS) for package in packages}
STREAMLIT_ALLOWED = {"app", "serve", "app_pages", "ui", "bench", "tools", "deploy"}
SQL = re.compile(r"\bSELECT\b[\s\S]+\bFROM\b|\bINSERT INTO\b|\bCREATE (OR REPLACE )?TABLE\b|\bDELETE FROM\b")


def source_files() -> list[Path]:
    return [path for path in ROOT.rglob("*.py")
            if path.relative_to(ROOT).parts[0] not in (".venv", "tests") and "site-packages" not in path.parts]


def package_of(path: Path) -> str:
    """A file's package; a `__main__.py` is a command, above every layer (it may use any package)."""
    parts = path.relative_to(ROOT).parts
    if path.name == "__main__.py":
        return "commands"
    return parts[0] if len(parts) > 1 else path.stem


def imports(tree: ast.AST) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def parsed() -> dict[Path, ast.AST]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in source_files()}


def test_every_package_has_a_layer():
    assert {package_of(path) for path in source_files()} <= set(LAYER)


def test_no_package_imports_a_layer_above_it_and_there_is_no_cycle():
    wrong, graph = [], {}
    for path, tree in parsed().items():
        package = package_of(path)
        for module in imports(tree):
            target = module.split(".")[0]
            if target in LAYER and target != package:
                graph.setdefault(package, set()).add(target)
                if LAYER[target] > LAYER[package]:
                    wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)

    def visit(package: str, trail: tuple[str, ...]) -> None:
        assert package not in trail, f"import cycle: {' -> '.join((*trail, package))}"
        for target in graph.get(package, ()):
            visit(target, (*trail, package))

    for package in graph:
        visit(package, ())


def test_streamlit_only_in_the_app_pages_and_ui():
    offenders = [str(path.relative_to(ROOT)) for path, tree in parsed().items()
                 if path.relative_to(ROOT).parts[0].removesuffix(".py") not in STREAMLIT_ALLOWED
                 and any(module.split(".")[0] == "streamlit" for module in imports(tree))]
    assert not offenders, f"streamlit imported outside app.py, app_pages/ and ui/: {offenders}"


def test_sql_only_in_data():
    offenders = []
    for path, tree in parsed().items():
        if package_of(path) in ("data", "bench"):  # bench builds its synthetic databases
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("execute", "sql"):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} calls {node.func.attr}()")
    assert not offenders, f"SQL outside data/: {offenders}"


def test_pages_write_no_origin_literal():
    """Badges show the origin the data carries: no page writes 'observed', 'estimated' or 'simulated' itself."""
    literal = re.compile(r"""["'](observed|estimated|simulated|mixed)["']""")
    offenders = [f"{path.relative_to(ROOT)}:{number}" for path in sorted((ROOT / "app_pages").glob("*.py"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if literal.search(line)]
    assert not offenders, f"origin literals in pages: {offenders}"


def test_no_colour_emoji_the_offline_machine_cannot_draw():
    """An emoji of the pictograph planes (or ✅ ❌) needs a colour-emoji font, which an office machine without
    internet may lack: it draws an empty box. Icons are Material symbols (their font ships with Streamlit) or text
    symbols such as ⚠ and ℹ, which the text fonts have."""
    emoji = re.compile("[\U0001F300-\U0001FAFF\u2705\u274C\u274E]")
    files = [*source_files(), *sorted((ROOT / "i18n" / "strings").glob("*.toml")),
             *sorted((ROOT / "indicators" / "rules").rglob("*.toml"))]
    offenders = [f"{path.relative_to(ROOT)}:{number}" for path in files
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if emoji.search(line)]
    assert not offenders, f"colour emoji: {offenders}"
