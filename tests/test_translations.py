"""The Simplified Chinese catalog is complete, compiled, and covers every string in the code.

The .po is parsed here by hand (no polib in the requirements); the .mo is read with the standard
library's gettext. The coverage check runs Django's makemessages on a throw-away copy of the
source tree, so it sees exactly what `make messages` would see and never touches locale/.
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

BASE = Path(settings.BASE_DIR)
MESSAGES = BASE / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = MESSAGES / "django.po"
MO = MESSAGES / "django.mo"

# Keep in step with the `messages` target of the Makefile.
IGNORED = (".venv", "var", "bench", "static/vendor", "tests")
# What makemessages reads for the "django" domain, plus manage.py's neighbours it needs to start.
SOURCE_SUFFIXES = {".py", ".html", ".txt"}
NEVER_COPIED = {".git", ".venv", "var", "bench", "tests", "locale", "node_modules", "__pycache__"}

# Names xgettext looks for when makemessages runs (Django's keywords plus xgettext's Python defaults).
EXTRACTED_NAMES = {
    "_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy",
    "pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy",
}
# Modules that import a translation function under a name xgettext does not know, so their strings
# never reach the catalog and stay English. Fix the import (e.g. `gettext_lazy as _` or call
# `gettext_lazy(...)` by name), remove the module from this set and run `make messages`.
KNOWN_UNEXTRACTED: set[str] = set()

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')
# %(name)s, %(points).1f, %s, {name}; {{ var }} in templates has become %(var)s by the time it is here.
_PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdif]|\{[A-Za-z_][A-Za-z0-9_]*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file in order, header first; obsolete (#~) entries are left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if current is not None and target is not None:
                entries.append(current)
            current, target = None, None
            continue
        if line.startswith("#"):
            if current is not None and target is not None:
                entries.append(current)
                current, target = None, None
            current = current or Entry(line=number)
            if line.startswith("#,"):
                current.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, value = match.group(1), match.group(2), _unquote(match.group(3))
            if keyword in ("msgctxt", "msgid") and target is not None and target[0].startswith("msgstr"):
                entries.append(current)
                current = None
            current = current or Entry(line=number)
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(index or 0))
                current.msgstr[target[1]] = value
            else:
                target = (keyword, 0)
                setattr(current, keyword, value)
            continue
        assert line.startswith('"') and current is not None and target is not None, f"{path}:{number}: {raw!r}"
        if target[0] == "msgstr":
            current.msgstr[target[1]] += _unquote(line)
        else:
            setattr(current, target[0], getattr(current, target[0]) + _unquote(line))
    if current is not None and target is not None:
        entries.append(current)
    return entries


def _messages(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.msgid != ""]


def _catalog_of(entries: list[Entry]) -> dict:
    """The catalog GNUTranslations would build from these entries."""
    catalog: dict = {}
    for e in entries:
        if e.msgid_plural is None:
            catalog[e.key] = e.msgstr[0]
        else:
            for index, text in e.msgstr.items():
                catalog[(e.key, index)] = text
    return catalog


def _mo_catalog(path: Path) -> dict:
    with path.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)


def _header(entries: list[Entry]) -> dict[str, str]:
    head = entries[0]
    assert head.msgid == "", "the catalog starts with its header"
    return dict(line.split(": ", 1) for line in head.msgstr[0].splitlines() if line)


def _require_gettext(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"gettext tools missing: {', '.join(missing)}")
        pytest.skip(f"gettext tools missing: {', '.join(missing)}")


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_po(PO)


def test_header_declares_chinese_with_one_plural_form(entries):
    header = _header(entries)
    assert header["Language"] == "zh_Hans"
    assert header["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert header["Content-Type"].replace(" ", "").lower() == "text/plain;charset=utf-8"
    assert "fuzzy" not in entries[0].flags


def test_every_entry_is_translated_and_none_is_fuzzy(entries):
    messages = _messages(entries)
    assert len(messages) > 500, "the parser found the catalog's entries"
    fuzzy = [f"line {e.line}: {e.msgid!r}" for e in messages if "fuzzy" in e.flags]
    empty = [f"line {e.line}: {e.msgid!r}" for e in messages if not e.msgstr or not all(e.msgstr.values())]
    assert not fuzzy, "fuzzy entries:\n" + "\n".join(fuzzy)
    assert not empty, "untranslated entries:\n" + "\n".join(empty)


def test_plural_entries_have_exactly_one_form(entries):
    plural = [e for e in _messages(entries) if e.msgid_plural is not None]
    assert plural, "the catalog has plural entries"
    assert [e.msgid for e in plural if sorted(e.msgstr) != [0]] == []


def test_translations_keep_the_placeholders(entries):
    wrong = []
    for e in _messages(entries):
        sources = [e.msgid] + ([e.msgid_plural] if e.msgid_plural else [])
        allowed = [sorted(_PLACEHOLDER.findall(text)) for text in sources]
        for text in e.msgstr.values():
            if sorted(_PLACEHOLDER.findall(text)) not in allowed:
                wrong.append(f"line {e.line}: {e.msgid!r} -> {text!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_translations_are_chinese(entries):
    """A msgstr copied from the msgid (English left in place) is not a translation."""
    han = re.compile(r"[\u4e00-\u9fff]")
    worded = [e for e in _messages(entries) if re.search(r"[A-Za-z]", _PLACEHOLDER.sub("", e.msgid))]
    english = [f"line {e.line}: {e.msgid!r}" for e in worded if not any(han.search(t) for t in e.msgstr.values())]
    assert not english, "entries without any Chinese:\n" + "\n".join(english)


def test_required_terms(entries):
    by_id = {e.key: e.msgstr[0] for e in _messages(entries)}
    assert by_id["Home"] == "首页"
    assert by_id["Map"] == "地图"
    assert by_id["Grid worker"] == "网格员"
    assert by_id["Weekly work meeting"] == "周工作例会"
    assert by_id["Departmental joint meeting"] == "部门联席会议"


def test_django_serves_the_catalog_for_zh_hans():
    with translation.override("zh-hans"):
        assert translation.gettext("Home") == "首页"
        assert translation.gettext("Map") == "地图"
    with translation.override("en"):
        assert translation.gettext("Home") == "Home"


def test_committed_mo_matches_the_po(entries, tmp_path):
    assert MO.exists(), "compile with `make messages` and commit locale/zh_Hans/LC_MESSAGES/django.mo"
    if shutil.which("msgfmt"):
        compiled = tmp_path / "django.mo"
        subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(PO)], check=True, capture_output=True)
        expected = _mo_catalog(compiled)
    else:
        expected = _catalog_of(entries)
    actual = _mo_catalog(MO)
    stale = sorted(str(key) for key in expected.keys() ^ actual.keys())
    assert not stale, "the .mo is out of date; run `make messages`. Keys that differ:\n" + "\n".join(stale[:20])
    changed = sorted(str(key) for key in expected if key != "" and expected[key] != actual[key])
    assert not changed, "the .mo is out of date; run `make messages`. Changed:\n" + "\n".join(changed[:20])


def _source_files():
    ignored = {BASE / name for name in IGNORED}
    for dirpath, dirnames, filenames in os.walk(BASE):
        here = Path(dirpath)
        dirnames[:] = [
            d for d in dirnames if d not in NEVER_COPIED and not d.startswith(".") and here / d not in ignored
        ]
        for name in filenames:
            if Path(name).suffix in SOURCE_SUFFIXES:
                yield here / name


def test_translation_functions_keep_names_that_makemessages_extracts():
    offenders = {}
    for path in _source_files():
        if path.suffix != ".py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                for alias in node.names:
                    if alias.asname and alias.asname not in EXTRACTED_NAMES:
                        offenders[path.relative_to(BASE).as_posix()] = f"{alias.name} as {alias.asname}"
    new = {name: how for name, how in offenders.items() if name not in KNOWN_UNEXTRACTED}
    assert not new, f"makemessages does not extract strings marked with these names: {new}"


def _copy_sources(target: Path) -> None:
    for path in _source_files():
        destination = target / path.relative_to(BASE)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)


def test_catalog_covers_every_string_in_the_code(tmp_path):
    """makemessages on a copy of the tree, merged into a copy of the committed .po, adds nothing."""
    _require_gettext("xgettext", "msgmerge", "msguniq")
    tree = tmp_path / "tree"
    _copy_sources(tree)
    copied = tree / "locale" / "zh_Hans" / "LC_MESSAGES"
    copied.mkdir(parents=True)
    shutil.copyfile(PO, copied / "django.po")
    command = [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"]
    command += [f"--ignore={name}" for name in IGNORED]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    result = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    merged = _messages(parse_po(copied / "django.po"))
    known = {e.key for e in _messages(parse_po(PO))}
    new = [e.msgid for e in merged if e.key not in known]
    untranslated = [e.msgid for e in merged if e.key in known and ("fuzzy" in e.flags or not all(e.msgstr.values()))]
    assert not new, (
        "strings in the code that the catalog lacks; run `make messages` and translate them:\n"
        + "\n".join(repr(m) for m in new)
    )
    assert not untranslated, "strings whose translation makemessages dropped:\n" + "\n".join(map(repr, untranslated))
    assert len(merged) > 500, "makemessages ran over the copied tree"


# Apps whose models the admin shows: every label there must follow the language of the request.
LABELLED_APPS = ("grids", "incidents", "governance")


def test_model_and_field_labels_are_translatable():
    """A verbose_name given as a plain str (or left for Django to derive from the attribute name)
    stays English in the Chinese admin; labels must be gettext_lazy proxies."""
    from django.apps import apps
    from django.utils.functional import Promise

    plain, fields = [], 0
    for app in LABELLED_APPS:
        for model in apps.get_app_config(app).get_models():
            name = f"{app}.{model.__name__}"
            # Declared in Meta: without them Django derives the names from the class name, in English
            # (and a plural derived from a lazy singular just gets an "s").
            for option in ("verbose_name", "verbose_name_plural"):
                if not isinstance(model._meta.original_attrs.get(option), Promise):
                    plain.append(f"{name}: Meta.{option} = {getattr(model._meta, option)!r}")
            for model_field in model._meta.get_fields():
                # Reverse relations and the automatic primary key are auto-created and have no label of their own.
                if model_field.auto_created or not (model_field.concrete or model_field.many_to_many):
                    continue
                fields += 1
                if not isinstance(model_field.verbose_name, Promise):
                    plain.append(f"{name}.{model_field.name}: verbose_name = {model_field.verbose_name!r}")
    assert fields > 100, "the walk found the models' fields"
    assert not plain, 'labels that are not translatable; give them verbose_name=_("..."):\n' + "\n".join(plain)
