"""The arrows between our packages (ARCHITECTURE.md) hold: import-linter checks the contracts in
`.importlinter` over every import, those inside functions too. A wrong-way import fails this test
with import-linter's report naming the chain of imports."""

from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".importlinter"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    if not LINT_IMPORTS.exists():
        pytest.fail(f"import-linter is not installed next to {sys.executable} (requirements-dev.txt)")
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(CONFIG)],
        cwd=cwd, env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=120,
    )


def root_packages() -> list[str]:
    config = configparser.ConfigParser()
    config.read(CONFIG)
    return config["importlinter"]["root_packages"].split()


def test_our_packages_import_only_along_the_arrows():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_app_is_under_the_contracts():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(root_packages()), f"apps missing from .importlinter: {sorted(apps - set(root_packages()))}"


BOTTOM = "casework imports nothing of ours"
ARROWS = "apps import only along the arrows"
BESIDE = "incidents imports neither inspections nor contractors"


@pytest.mark.parametrize(("module", "source", "broken_contracts"), [
    ("casework/wrong.py", "import incidents\n", {BOTTOM, ARROWS}),
    ("casework/hidden.py", "def later():\n    from grids import models\n", {BOTTOM, ARROWS}),
    ("casework/tested.py", "from tests import conftest\n", {BOTTOM}),
    ("grids/wrong.py", "from governance import settings\n", {ARROWS}),
    ("inspections/wrong.py", "import contractors\n", {ARROWS}),
    ("contractors/wrong.py", "import incidents\n", {ARROWS}),
    ("incidents/wrong.py", "import inspections\n", {BESIDE}),
])
def test_a_wrong_way_import_breaks_a_contract(tmp_path, module, source, broken_contracts):
    """The same contracts over a miniature of our packages: clean it passes, one bad import fails it."""
    for package in root_packages():
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
        (tmp_path / package / "models.py").write_text("")
        (tmp_path / package / "settings.py").write_text("")
        (tmp_path / package / "conftest.py").write_text("")
    clean = lint_imports(tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    (tmp_path / module).write_text(source)
    broken = lint_imports(tmp_path)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    for contract in (BOTTOM, ARROWS, BESIDE):
        assert f"{contract} {'BROKEN' if contract in broken_contracts else 'KEPT'}" in broken.stdout, broken.stdout
    assert module.removesuffix(".py").replace("/", ".") in broken.stdout


APPS = ["casework", "grids", "incidents", "inspections", "contractors", "governance"]


def import_cycles(packages: list[str]) -> list[list[str]]:
    """The strongly connected groups of modules (Tarjan) in grimp's graph of `packages`: every
    import counts, those written inside functions too, so a cycle cannot hide in a function."""
    import grimp

    graph = grimp.build_graph(*packages, include_external_packages=False, cache_dir=None)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return cycles


def test_no_module_imports_itself_round_a_cycle(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT))
    assert import_cycles(APPS) == []


def test_a_cycle_hidden_in_a_function_is_found(tmp_path, monkeypatch):
    package = tmp_path / "cyclepkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from cyclepkg import b\n")
    (package / "b.py").write_text("def later():\n    from cyclepkg import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert import_cycles(["cyclepkg"]) == [["cyclepkg.a", "cyclepkg.b"]]
