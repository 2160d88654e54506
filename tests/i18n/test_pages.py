"""The pages speak the signed-in user's language; the login page follows the browser.

Exact translated strings are asserted (navigation, stage names, headings), through the full
request stack: middleware, views, templates and the compiled catalogues."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from clientela.parties.models import Relationship
from tests.conftest import PASSWORD
from tests.factories import UserFactory, make_party

NAV = {
    "es": [
        "Panel",
        "Directorio",
        "Recorrido del cliente",
        "Recorrido del comprador",
        "Discrepancias",
        "Radar de conversión",
        "Área de clientes",
        "Área de compradores",
        "Configuración",
    ],
    "ro": [
        "Tablou de bord",
        "Agendă",
        "Parcursul clientului",
        "Parcursul cumpărătorului",
        "Nepotriviri",
        "Radar de conversie",
        "Panoul clienților",
        "Panoul cumpărătorilor",
        "Setări",
    ],
    "pl": [
        "Pulpit",
        "Baza kontaktów",
        "Ścieżka klienta",
        "Ścieżka nabywcy",
        "Niezgodności",
        "Radar konwersji",
        "Pulpit klientów",
        "Pulpit nabywców",
        "Ustawienia",
    ],
}
CLIENT_STAGES = {
    "es": ["Descubrimiento", "Consideración", "Compra", "Incorporación", "Gestión de la relación"],
    "ro": ["Cunoaștere", "Evaluare", "Achiziție", "Integrare", "Gestionarea relației"],
    "pl": ["Świadomość", "Rozważanie", "Zakup", "Wdrożenie", "Zarządzanie relacją"],
}
CUSTOMER_STAGES = {
    "es": ["Descubrimiento", "Consideración", "Compra", "Fidelización"],
    "ro": ["Cunoaștere", "Evaluare", "Achiziție", "Fidelizare"],
    "pl": ["Świadomość", "Rozważanie", "Zakup", "Utrzymanie"],
}
LANGUAGES = ["es", "ro", "pl"]


def _found(pattern: str, page: str) -> list[str]:
    return [html.unescape(text) for text in re.findall(pattern, page)]


def _nav(page: str) -> list[str]:
    return _found(r'<span class="nav-icon" aria-hidden="true">[^<]*</span>([^<]+)</a>', page)


def _h1(page: str) -> list[str]:
    return _found(r"<h1>([^<]*)</h1>", page)


@pytest.fixture
def speaker(client, db):
    """Sign in a manager whose interface language is `language`."""

    def sign_in(language: str):
        UserFactory(username=f"manager-{language}", role="manager", language=language)
        assert client.login(username=f"manager-{language}", password=PASSWORD) is True
        return client

    return sign_in


@pytest.fixture
def customer(db):
    return make_party(
        given_name="Carmen",
        family_name="García",
        relationship_kind="customer",
        stage="consideration",
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_dashboard_speaks_the_user_s_language(speaker, customer, language):
    response = speaker(language).get("/")
    page = response.content.decode()

    assert response["Content-Language"] == language
    assert f'<html lang="{language}">' in page
    assert _nav(page) == NAV[language]
    assert _h1(page) == [NAV[language][0]]
    bars = _found(r'<span class="bar-label">([^<]*)</span>', page)
    assert bars == CLIENT_STAGES[language] + CUSTOMER_STAGES[language]


@pytest.mark.parametrize(
    ("language", "headers", "badge", "kinds"),
    [
        (
            "es",
            ["Nombre", "Tipo", "Etapa", "Responsable", "Correo electrónico"],
            "Comprador",
            ["Cualquier tipo", "Clientes", "Compradores", "Sin relación"],
        ),
        (
            "ro",
            ["Nume", "Tip", "Etapă", "Responsabil", "E-mail"],
            "Cumpărător",
            ["Orice tip", "Clienți", "Cumpărători", "Fără relație"],
        ),
        (
            "pl",
            ["Nazwa", "Rodzaj", "Etap", "Opiekun", "E-mail"],
            "Nabywca",
            ["Dowolny rodzaj", "Klienci", "Nabywcy", "Brak relacji"],
        ),
    ],
)
def test_the_directory_speaks_the_user_s_language(
    speaker, customer, language, headers, badge, kinds
):
    page = speaker(language).get("/parties/").content.decode()

    assert _nav(page) == NAV[language]
    assert _h1(page) == [NAV[language][1]]
    assert _found(r"<th>([^<]*)</th>", page) == headers
    assert _found(r'<span class="badge badge-customer">([^<]*)</span>', page) == [badge]
    assert _found(r'<span class="stage stage-consideration">([^<]*)</span>', page) == [
        CUSTOMER_STAGES[language][1]
    ]
    kind_select = page.split('<select name="kind"', 1)[1].split("</select>", 1)[0]
    assert _found(r"<option [^>]*>([^<]*)</option>", kind_select) == kinds


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("kind", "stages", "title_at"), [("client", CLIENT_STAGES, 2), ("customer", CUSTOMER_STAGES, 3)]
)
def test_the_journey_boards_name_their_stages_in_the_user_s_language(
    speaker, customer, language, kind, stages, title_at
):
    page = speaker(language).get(f"/journeys/{kind}/").content.decode()

    assert _h1(page) == [NAV[language][title_at]]
    assert _found(r'<h2 id="col-\w+" title="[^"]*">([^<]*)</h2>', page) == stages[language]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("es", "No se pueden saltar etapas: primero pase a «Compra»."),
        ("ro", "Etapele nu pot fi sărite: mutați mai întâi în „Achiziție”."),
        ("pl", "Nie można pomijać etapów: najpierw przenieś do etapu „Zakup”."),
    ],
)
def test_a_refused_move_is_explained_in_the_user_s_language(speaker, customer, language, message):
    relationship = Relationship.objects.get(party=customer, is_current=True)

    response = speaker(language).post(
        f"/journeys/move/{relationship.public_id}/",
        {"to_stage": "retention"},
        headers={"hx-request": "true", "hx-target": "board"},
    )

    assert response.status_code == 409
    assert json.loads(response["HX-Trigger"])["clientela:error"]["message"] == message
    relationship.refresh_from_db()
    assert relationship.stage == "consideration"


@pytest.mark.parametrize(
    ("language", "days_in_stage"),
    [("es", "22 días en la etapa"), ("ro", "22 de zile în etapă"), ("pl", "22 dni na etapie")],
)
def test_the_party_page_uses_each_language_s_plural_forms(
    speaker, customer, language, days_in_stage
):
    Relationship.objects.filter(party=customer).update(
        stage_entered_at=timezone.now() - timedelta(days=22, hours=1)
    )

    page = speaker(language).get(f"/parties/{customer.public_id}/").content.decode()

    assert f'<span class="muted">{days_in_stage}</span>' in page
    assert f'data-testid="current-stage">{CUSTOMER_STAGES[language][1]}</span>' in page


@pytest.mark.parametrize(
    ("accept_language", "language", "heading"),
    [
        ("pl-PL,pl;q=0.9,en;q=0.5", "pl", "Zaloguj się"),
        ("es-ES,es;q=0.9", "es", "Iniciar sesión"),
        ("ro", "ro", "Autentificare"),
        ("de-DE,de;q=0.9", "en", "Sign in"),
    ],
)
def test_the_login_page_follows_the_browser_s_language(client, accept_language, language, heading):
    response = client.get("/login/", headers={"accept-language": accept_language})
    page = response.content.decode()

    assert response["Content-Language"] == language
    assert _h1(page) == [heading]
    assert f'<html lang="{language}">' in page


def test_the_user_s_own_language_wins_over_the_browser_s(speaker):
    client = speaker("ro")

    response = client.get("/", headers={"accept-language": "pl-PL,pl;q=0.9"})

    assert response["Content-Language"] == "ro"
    assert _nav(response.content.decode()) == NAV["ro"]


def test_choosing_a_language_answers_in_the_new_language(speaker):
    client = speaker("es")

    response = client.post("/settings/", {"language": "pl"}, follow=True)
    page = response.content.decode()

    assert _found(r'<div class="banner banner-success">([^<]*)</div>', page) == [
        "Ustawienia zostały zapisane."
    ]
    assert _nav(page) == NAV["pl"]


def test_the_user_s_language_does_not_outlive_the_request(speaker):
    client = speaker("pl")

    client.get("/")

    assert translation.get_language() == "en"
