"""A refused service call explains itself in the active language: the domain services mark
their messages for translation, so the web UI shows a Spanish, Romanian or Polish user why
their input was refused. The field name before the colon stays the machine name (it is also
the key of `extra["fields"]`); the problem after it is translated. English is unchanged."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.utils import translation

from clientela.commerce.models import Order
from clientela.commerce.services import LineIn, order_record
from clientela.core.errors import ApplicationError, ErrorCode
from clientela.parties.models import Party, Relationship
from clientela.parties.services import party_create, relationship_convert, relationship_open
from tests.conftest import PASSWORD
from tests.factories import UserFactory, make_party

BAD_EMAIL = {
    "en": "'not-an-email' is not a valid email address",
    "es": "'not-an-email' no es una dirección de correo electrónico válida",
    "ro": "'not-an-email' nu este o adresă de e-mail validă",
    "pl": "'not-an-email' nie jest prawidłowym adresem e-mail",
}


@pytest.mark.parametrize("language", ["en", "es", "ro", "pl"])
def test_a_bad_email_is_refused_in_the_active_language_under_its_machine_field_name(
    admin, language
):
    with translation.override(language), pytest.raises(ApplicationError) as refused:
        party_create(actor=admin, given_name="Ana", emails=["not-an-email"])

    assert refused.value.code == ErrorCode.VALIDATION
    assert refused.value.message == f"email: {BAD_EMAIL[language]}"
    assert refused.value.extra == {"fields": {"email": [BAD_EMAIL[language]]}}
    assert Party.objects.count() == 0


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "lines[0].unit_price: cannot be negative"),
        ("es", "lines[0].unit_price: no puede ser negativo"),
        ("ro", "lines[0].unit_price: nu poate fi negativ"),
        ("pl", "lines[0].unit_price: nie może być liczbą ujemną"),
    ],
)
def test_an_order_line_with_a_negative_price_is_refused_in_the_active_language(
    admin, language, message
):
    payer = make_party(actor=admin)

    with translation.override(language), pytest.raises(ApplicationError) as refused:
        order_record(
            actor=admin,
            payer=payer,
            lines=[LineIn(description="Coffee", unit_price=Decimal("-1.00"))],
            currency="EUR",
        )

    assert refused.value.code == ErrorCode.VALIDATION
    assert refused.value.message == message
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Your role may not do this (party.create)."),
        ("es", "Su rol no permite esta acción (party.create)."),
        ("ro", "Rolul dvs. nu permite această acțiune (party.create)."),
        ("pl", "Twoja rola nie pozwala na tę czynność (party.create)."),
    ],
)
def test_a_permission_denial_is_explained_in_the_active_language(users, language, message):
    with translation.override(language), pytest.raises(ApplicationError) as refused:
        party_create(actor=users["viewer"], given_name="Ana")

    assert refused.value.code == ErrorCode.PERMISSION_DENIED
    assert refused.value.message == message
    assert refused.value.extra == {"action": "party.create"}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "reason: say why the relationship is converted"),
        ("es", "reason: indique por qué se convierte la relación"),
        ("ro", "reason: indicați de ce este convertită relația"),
        ("pl", "reason: podaj, dlaczego relacja jest przekształcana"),
    ],
)
def test_a_conversion_without_a_reason_is_refused_in_the_active_language(admin, language, message):
    party = make_party(actor=admin, relationship_kind="customer", stage="purchase")
    relationship = Relationship.objects.get(party=party, is_current=True)

    with translation.override(language), pytest.raises(ApplicationError) as refused:
        relationship_convert(actor=admin, relationship=relationship, owner=admin, reason="  ")

    assert refused.value.code == ErrorCode.VALIDATION
    assert refused.value.message == message
    relationship.refresh_from_db()
    assert (relationship.kind, relationship.is_current) == ("customer", True)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Ana Popescu already has a current relationship; convert it instead."),
        ("es", "Ana Popescu ya tiene una relación actual: conviértala en lugar de abrir otra."),
        ("ro", "Ana Popescu are deja o relație curentă: convertiți-o în loc să deschideți alta."),
        ("pl", "Ana Popescu ma już bieżącą relację: przekształć ją zamiast otwierać nową."),
    ],
)
def test_a_conflict_names_the_party_inside_the_translated_sentence(admin, language, message):
    party = make_party(actor=admin, relationship_kind="customer")

    with translation.override(language), pytest.raises(ApplicationError) as refused:
        relationship_open(actor=admin, party=party, kind="client", owner=admin)

    assert refused.value.code == ErrorCode.CONFLICT
    assert refused.value.message == message


def test_a_polish_user_who_posts_a_bad_email_reads_the_refusal_in_polish(client, db):
    UserFactory(username="kierownik", role="manager", language="pl")
    assert client.login(username="kierownik", password=PASSWORD) is True

    response = client.post(
        "/parties/new/",
        {
            "kind": "person",
            "given_name": "Ana",
            "email": "not-an-email",
            "acquisition_channel": "other",
        },
    )

    page = response.content.decode()
    assert response.status_code == 422
    assert response["Content-Language"] == "pl"
    banner = '<div class="banner banner-error" role="alert" data-testid="form-error">'
    assert f"{banner}{html.escape('email: ' + BAD_EMAIL['pl'])}</div>" in page
    field_error = '<small class="field-error" role="alert">'
    assert f"{field_error}{html.escape(BAD_EMAIL['pl'])}</small>" in page
    assert Party.objects.count() == 0
    assert translation.get_language() == "en"
