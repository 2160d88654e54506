"""The Spanish, Romanian and Polish catalogues are complete, well formed and compiled."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import django
import pytest
from django.utils import translation

from tests.i18n.po import LANGUAGES, header, messages, mo_path, parse_po, placeholders, read_po

EXPECTED_PLURALS = {"es": 3, "ro": 3, "pl": 4}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_has_a_translation(language):
    entries = messages(read_po(language))

    untranslated = [e.msgid for e in entries if not all(e.msgstr.values())]

    assert len(entries) > 200
    assert untranslated == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_entry_is_fuzzy_or_obsolete(language):
    entries = read_po(language)

    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    obsolete = [e.msgid for e in entries if e.obsolete]

    assert (fuzzy, obsolete) == ([], [])


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_exactly_the_placeholders_of_the_original(language):
    entries = messages(read_po(language))

    wrong = []
    for e in entries:
        expected = placeholders(e.msgid) | placeholders(e.msgid_plural or "")
        for index, text in sorted(e.msgstr.items()):
            if placeholders(text) != expected:
                wrong.append((e.msgid, index, text))

    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_header_names_the_language_and_the_plural_rule_of_django_s_own_catalogue(language):
    ours = header(read_po(language))
    django_po = Path(django.__file__).parent / "conf" / "locale" / language / "LC_MESSAGES"
    djangos = header(parse_po((django_po / "django.po").read_text(encoding="utf-8")))

    assert ours["Language"] == language
    assert ours["Content-Type"] == "text/plain; charset=UTF-8"
    assert ours["Plural-Forms"] == djangos["Plural-Forms"]
    nplurals = int(re.match(r"nplurals=(\d+);", ours["Plural-Forms"]).group(1))
    assert nplurals == EXPECTED_PLURALS[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_plural_message_has_every_plural_form(language):
    entries = messages(read_po(language))

    plural = [e for e in entries if e.msgid_plural is not None]
    forms = {e.msgid: sorted(e.msgstr) for e in plural}

    assert len(plural) == 35
    assert forms == {e.msgid: list(range(EXPECTED_PLURALS[language])) for e in plural}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_holds_exactly_what_the_po_says(language):
    """The .mo is what Django reads: a stale one (a .po edited, not recompiled) fails here."""
    expected = {}
    for e in messages(read_po(language)):
        if e.msgid_plural is None:
            expected[e.key] = e.msgstr[0]
        else:
            expected.update({(e.key, index): text for index, text in e.msgstr.items()})

    with mo_path(language).open("rb") as handle:
        compiled = dict(gettext.GNUTranslations(handle)._catalog)
    compiled.pop("", None)

    assert compiled == expected


def test_the_three_catalogues_translate_the_same_messages():
    keys = {language: {e.key for e in messages(read_po(language))} for language in LANGUAGES}

    assert keys["ro"] == keys["es"]
    assert keys["pl"] == keys["es"]


VOCABULARY = {
    "es": {
        "Client": "Cliente",
        "Customer": "Comprador",
        "Account manager": "Gestor de cuenta",
        "Client journey": "Recorrido del cliente",
        "Customer journey": "Recorrido del comprador",
        "Awareness": "Descubrimiento",
        "Consideration": "Consideración",
        "Purchase": "Compra",
        "Onboarding": "Incorporación",
        "Relationship management": "Gestión de la relación",
        "Retention": "Fidelización",
    },
    "ro": {
        "Client": "Client",
        "Customer": "Cumpărător",
        "Account manager": "Manager de cont",
        "Client journey": "Parcursul clientului",
        "Customer journey": "Parcursul cumpărătorului",
        "Awareness": "Cunoaștere",
        "Consideration": "Evaluare",
        "Purchase": "Achiziție",
        "Onboarding": "Integrare",
        "Relationship management": "Gestionarea relației",
        "Retention": "Fidelizare",
    },
    "pl": {
        "Client": "Klient",
        "Customer": "Nabywca",
        "Account manager": "Opiekun klienta",
        "Client journey": "Ścieżka klienta",
        "Customer journey": "Ścieżka nabywcy",
        "Awareness": "Świadomość",
        "Consideration": "Rozważanie",
        "Purchase": "Zakup",
        "Onboarding": "Wdrożenie",
        "Relationship management": "Zarządzanie relacją",
        "Retention": "Utrzymanie",
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_domain_vocabulary_keeps_clients_and_customers_apart(language):
    with translation.override(language):
        translated = {msgid: translation.gettext(msgid) for msgid in VOCABULARY[language]}

    assert translated == VOCABULARY[language]
    assert translated["Client"] != translated["Customer"]


@pytest.mark.parametrize(
    ("language", "days", "expected"),
    [
        ("es", 1, "1 día en la etapa"),
        ("es", 5, "5 días en la etapa"),
        ("ro", 1, "1 zi în etapă"),
        ("ro", 5, "5 zile în etapă"),
        ("ro", 22, "22 de zile în etapă"),
        ("pl", 1, "1 dzień na etapie"),
        ("pl", 3, "3 dni na etapie"),
        ("pl", 12, "12 dni na etapie"),
        ("pl", 22, "22 dni na etapie"),
    ],
)
def test_plural_forms_follow_each_language_s_rule(language, days, expected):
    with translation.override(language):
        text = translation.ngettext("%(days)s day in stage", "%(days)s days in stage", days) % {
            "days": days
        }

    assert text == expected


def test_romanian_uses_comma_below_letters_never_the_cedilla_ones():
    letters = {ch for e in messages(read_po("ro")) for text in e.msgstr.values() for ch in text}

    assert (letters & set("şţŞŢ"), letters & set("șț")) == (set(), {"ș", "ț"})
