"""Reading deploy/: the production environment file and the units' command lines, as systemd would.

`environment()` parses deploy/env.example (systemd's EnvironmentFile format: KEY=VALUE lines,
comments); `exec_start(unit, env, specifiers)` returns a unit's ExecStart as an argument list, with
`${VAR}` taken from `env` and `%i`/`%H`-style specifiers substituted, so that the tests run exactly
the commands the units run.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
DEPLOY = BASE_DIR / "deploy"
ENV_FILE = DEPLOY / "env.example"
UNITS = DEPLOY / "systemd"

# Where the units expect the virtualenv and the code (docs/operations.md "Install").
VENV_BIN = "/srv/grid-governance/venv/bin/"
APP_DIR = "/srv/grid-governance/app"
STATE_DIR = "/var/lib/grid-governance"


def environment(path: Path = ENV_FILE) -> dict[str, str]:
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not re.fullmatch(r"[A-Z][A-Z0-9_]*", key) or value != value.strip():
            raise ValueError(f"{path.name}:{number}: not a KEY=VALUE line: {line!r}")
        values[key] = value
    return values


def unit_lines(unit: str) -> list[str]:
    """The unit's lines with backslash continuations joined."""
    text = (UNITS / unit).read_text(encoding="utf-8").replace("\\\n", " ")
    return [line.strip() for line in text.splitlines()]


def directive(unit: str, name: str) -> list[str]:
    return [line.split("=", 1)[1].strip() for line in unit_lines(unit) if line.startswith(f"{name}=")]


def exec_start(unit: str, env: dict[str, str], specifiers: dict[str, str] | None = None) -> list[str]:
    (command,) = directive(unit, "ExecStart")
    specifiers = {"%%": "%", **(specifiers or {})}
    command = re.sub(r"%.", lambda m: specifiers[m.group(0)], command)

    def variable(match: re.Match) -> str:
        name = match.group(1)
        if name not in env:
            raise KeyError(f"{unit} uses ${{{name}}}, which {ENV_FILE.name} does not set")
        return env[name]

    command = re.sub(r"\$\{([A-Z0-9_]+)\}", variable, command)
    return shlex.split(command)
