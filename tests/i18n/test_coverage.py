"""The catalogues are up to date with the code: every message the Python sources and the
templates mark for translation is in them (what `make messages` would extract), so a new
label cannot reach the user untranslated."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.utils.translation.template import templatize

import clientela
from tests.i18n.po import LANGUAGES, messages, read_po

PACKAGE = Path(clientela.__file__).resolve().parent
# name -> (position of the context or None, position of the msgid), as xgettext reads them
_PYTHON_KEYWORDS = {
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "gettext_noop": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}
_STRING = r"u?('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
_TEMPLATE_CALL = re.compile(rf"\b(n?p?gettext|_)\({_STRING}(?:, {_STRING})?")


def python_messages(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        spec = _PYTHON_KEYWORDS.get(node.func.id)
        if spec is None:
            continue
        context_at, msgid_at = spec
        args = node.args
        if len(args) <= msgid_at or not _is_text(args[msgid_at]):
            continue
        msgid = args[msgid_at].value
        if context_at is not None and _is_text(args[context_at]):
            msgid = f"{args[context_at].value}\x04{msgid}"
        found.add(msgid)
    return found


def template_messages(source: str) -> set[str]:
    found = set()
    for name, first, second in _TEMPLATE_CALL.findall(templatize(source)):
        if name.startswith(("pgettext", "npgettext")):
            found.add(f"{ast.literal_eval(first)}\x04{ast.literal_eval(second)}")
        else:
            found.add(ast.literal_eval(first))
    return found


def _is_text(node) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _sources() -> set[str]:
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        found |= python_messages(path.read_text(encoding="utf-8"))
    for path in sorted(PACKAGE.rglob("templates/**/*.html")):
        found |= template_messages(path.read_text(encoding="utf-8"))
    return found


def test_the_extractors_find_what_makemessages_finds():
    python = python_messages('x = _("Plain")\ny = pgettext_lazy("month", "May")\nz = f(_(name))')
    template = template_messages(
        '{% load i18n %}{% translate "Everyone\'s" %}{{ a|default:_("system") }}'
        "{% blocktranslate count n=k %}{{ n }} day{% plural %}{{ n }} days{% endblocktranslate %}"
    )

    assert python == {"Plain", "month\x04May"}
    assert template == {"Everyone's", "system", "%(n)s day"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_holds_exactly_the_messages_marked_in_the_code(language):
    in_catalogue = {e.key for e in messages(read_po(language))}

    in_code = _sources()

    missing = sorted(in_code - in_catalogue)
    stale = sorted(in_catalogue - in_code)

    assert (missing, stale) == ([], [])
