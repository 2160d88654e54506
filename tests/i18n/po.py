"""A small reader for gettext catalogues (.po), standard library only, for the i18n tests.

It understands what `makemessages` writes: comments, `#,` flags, obsolete `#~` entries,
msgctxt, msgid, msgid_plural, msgstr and msgstr[n], with strings continued over lines."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import clientela

LOCALE_DIR = Path(clientela.__file__).resolve().parent / "locale"
LANGUAGES = ["es", "ro", "pl"]

_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")
_PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|\{\w*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> str:
        """The msgid as a compiled catalogue keys it (context, EOT, msgid)."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def mo_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"


def parse_po(text: str) -> list[Entry]:
    """Every entry of the catalogue in file order, the header (msgid "") first."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal current, target
        if current is not None:
            entries.append(current)
        current, target = None, None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            current = current or Entry()
            current.obsolete = True
            continue
        if line.startswith("#,"):
            if current is not None and target is not None:
                finish()
            current = current or Entry()
            current.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, literal = match.groups()
            if keyword in {"msgctxt", "msgid"} and current is not None and current.msgstr:
                finish()
            current = current or Entry()
            value = _unquote(literal)
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(index) if index is not None else 0)
                current.msgstr[target[1]] = value
            else:
                target = (keyword, None)
                setattr(current, keyword, value)
            continue
        if line.startswith('"') and current is not None and target is not None:
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, name, getattr(current, name) + _unquote(line))
            continue
        raise ValueError(f"unexpected line in catalogue: {raw!r}")
    finish()
    return entries


def read_po(language: str) -> list[Entry]:
    return parse_po(po_path(language).read_text(encoding="utf-8"))


def header(entries: list[Entry]) -> dict[str, str]:
    """The header entry's `Name: value` lines."""
    first = entries[0]
    assert first.msgid == "" and first.msgctxt is None, "the catalogue has no header"
    lines = [line for line in first.msgstr[0].split("\n") if ":" in line]
    return {name.strip(): value.strip() for name, value in (ln.split(":", 1) for ln in lines)}


def messages(entries: list[Entry]) -> list[Entry]:
    """The translatable entries: no header, nothing obsolete."""
    return [e for e in entries if e.msgid != "" and not e.obsolete]


def placeholders(text: str) -> set[str]:
    """The interpolation placeholders in `text`: %(name)s, %s, {name}."""
    return set(_PLACEHOLDER.findall(text.replace("%%", "")))


def _unquote(literal: str) -> str:
    return ast.literal_eval(literal)
