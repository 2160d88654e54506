from __future__ import annotations

import pytest

from tests.api.conftest import _fresh_rate_windows, anonymous, api, base_url  # noqa: F401
from tests.factories import make_party


def make_client(
    owner,
    *,
    stage: str = "relationship_management",
    email: str | None = "c@x.test",
    name: str = "Ana",
):
    """A client in `stage` owned by `owner` (guards switched off by the `desk_open` fixture)."""
    party = make_party(
        given_name=name,
        family_name="Client",
        emails=[email] if email else [],
        relationship_kind="client",
        owner=owner,
        stage=stage,
    )
    return party.relationships.get(is_current=True)


@pytest.fixture
def desk_open(db):
    """The client desk's journey guards off, so tests can place clients in any stage."""
    from clientela.clientdesk.settings import desk_settings_update

    desk_settings_update(
        actor=None,
        guard_contract_for_purchase=False,
        guard_onboarding_for_management=False,
    )


@pytest.fixture
def client_rel(users, desk_open):
    return make_client(users["account_manager"])
