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
