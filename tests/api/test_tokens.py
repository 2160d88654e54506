"""Personal API tokens: the services, the `clientela tokens` command and the settings page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from clientela.api.models import ApiToken, secret_hash
from clientela.api.selectors import token_authenticate
from clientela.api.services import token_create, token_revoke
from clientela.cli import app
from clientela.core.errors import ApplicationError, ErrorCode
from clientela.core.models import AuditEvent
from tests.conftest import PASSWORD

runner = CliRunner()
SECRET = re.compile(r"cla_[a-z2-7]{8}_[a-z2-7]{40}")


def test_the_secret_is_returned_once_and_only_its_hash_is_stored(users):
    token, secret = token_create(
        actor=users["viewer"], user=users["viewer"], name="s", scope="read"
    )

    stored = ApiToken.objects.get(pk=token.pk)
    assert SECRET.fullmatch(secret)
    assert secret.startswith(stored.public_id + "_")
    assert stored.key_hash == secret_hash(secret)
    assert secret not in {stored.key_hash, stored.key_prefix, stored.name}
    assert token_authenticate(secret=secret) == stored
    audit = AuditEvent.objects.get(action="token.created")
    assert (audit.target_id, audit.data) == (
        stored.public_id,
        {"user": "viewer", "name": "s", "scope": "read"},
    )


def test_users_manage_their_own_tokens_and_admins_anyones(users):
    mine, _secret = token_create(
        actor=users["marketer"], user=users["marketer"], name="m", scope="write"
    )

    with pytest.raises(ApplicationError) as other:
        token_create(actor=users["manager"], user=users["marketer"], name="x", scope="read")
    with pytest.raises(ApplicationError) as revoke_other:
        token_revoke(actor=users["manager"], token=mine)
    by_admin, _ = token_create(actor=users["admin"], user=users["marketer"], name="a", scope="read")
    token_revoke(actor=users["admin"], token=by_admin)

    assert other.value.code == revoke_other.value.code == ErrorCode.PERMISSION_DENIED
    assert ApiToken.objects.get(pk=by_admin.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": " ", "scope": "read"}, "name"),
        ({"name": "n", "scope": "admin"}, "scope"),
        ({"name": "n", "scope": "read", "expires_at": "tomorrow"}, "expires_at"),
        ({"name": "n", "scope": "read", "expires_at": timezone.now() - timedelta(1)}, "expires_at"),
    ],
)
def test_bad_token_input_names_the_field(users, kwargs, field):
    with pytest.raises(ApplicationError) as refused:
        token_create(actor=None, user=users["viewer"], **kwargs)

    assert (refused.value.code, list(refused.value.extra["fields"])) == (
        ErrorCode.VALIDATION,
        [field],
    )
    assert ApiToken.objects.count() == 0


def test_revoking_twice_is_a_conflict(users):
    token, _secret = token_create(actor=None, user=users["viewer"], name="t", scope="read")
    token_revoke(actor=None, token=token)

    with pytest.raises(ApplicationError) as again:
        token_revoke(actor=None, token=token)

    assert again.value.code == ErrorCode.CONFLICT


def test_cli_create_prints_only_the_secret_on_stdout(users):
    result = runner.invoke(
        app,
        [
            "tokens",
            "create",
            "--user",
            "viewer",
            "--scope",
            "read",
            "--name",
            "shop",
            "--expires-days",
            "30",
        ],
    )

    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    assert SECRET.fullmatch(secret)
    token = token_authenticate(secret=secret)
    assert (token.user.username, token.name, token.scope) == ("viewer", "shop", "read")
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert f"Created token {token.public_id}" in result.stderr


def test_cli_list_and_revoke(users):
    token, _secret = token_create(actor=None, user=users["viewer"], name="shop", scope="write")

    listed = runner.invoke(app, ["tokens", "list", "--user", "viewer"])
    revoked = runner.invoke(app, ["tokens", "revoke", token.public_id])
    again = runner.invoke(app, ["tokens", "revoke", token.key_prefix])
    listed_after = runner.invoke(app, ["tokens", "list", "--user", "viewer"])

    assert listed.exit_code == 0
    assert token.public_id in listed.stdout and "active" in listed.stdout
    assert (revoked.exit_code, revoked.stdout.strip()) == (
        0,
        f"Revoked token {token.public_id} (shop).",
    )
    assert again.exit_code == 1
    assert f"The token {token.public_id} is already revoked." in again.stderr
    assert "revoked" in listed_after.stdout


def test_cli_refuses_an_unknown_user_and_a_bad_scope(users):
    unknown = runner.invoke(app, ["tokens", "create", "--user", "nobody", "--scope", "read"])
    bad_scope = runner.invoke(app, ["tokens", "create", "--user", "viewer", "--scope", "all"])

    assert (unknown.exit_code, unknown.stderr.strip()) == (1, "Error: No user named nobody.")
    assert bad_scope.exit_code == 2
    assert ApiToken.objects.count() == 0


@pytest.fixture
def signed_in(client, users):
    assert client.login(username="account_manager", password=PASSWORD) is True
    return client


def test_the_settings_page_creates_a_token_and_shows_the_secret_once(signed_in, users):
    response = signed_in.post(
        "/settings/tokens/", {"name": "Online shop", "scope": "write", "expires_days": "90"}
    )

    page = response.content.decode()
    secret = SECRET.search(page).group(0)
    token = token_authenticate(secret=secret)
    assert response.status_code == 200
    assert (token.user.username, token.name, token.scope) == (
        "account_manager",
        "Online shop",
        "write",
    )
    assert token.expires_at is not None
    # the next visit lists it by prefix, never with its secret
    again = signed_in.get("/settings/").content.decode()
    assert token.public_id in again and "Online shop" in again
    assert secret not in again and not SECRET.search(again)


def test_the_settings_page_lists_only_ones_own_tokens(signed_in, users):
    token_create(actor=None, user=users["account_manager"], name="mine", scope="read")
    theirs, _ = token_create(actor=None, user=users["manager"], name="theirs", scope="read")

    page = signed_in.get("/settings/").content.decode()

    assert "mine" in page
    assert theirs.public_id not in page


def test_the_settings_page_revokes_ones_own_token_but_not_anothers(signed_in, users):
    mine, _ = token_create(actor=None, user=users["account_manager"], name="mine", scope="read")
    theirs, _ = token_create(actor=None, user=users["manager"], name="theirs", scope="read")

    revoked = signed_in.post(f"/settings/tokens/{mine.public_id}/revoke/")
    refused = signed_in.post(f"/settings/tokens/{theirs.public_id}/revoke/")

    assert (revoked.status_code, revoked["Location"]) == (302, "/settings/")
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is not None
    assert refused.status_code == 403
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None


def test_the_settings_form_refuses_a_bad_scope(signed_in, users):
    response = signed_in.post("/settings/tokens/", {"name": "x", "scope": "everything"})

    assert response.status_code == 422
    assert ApiToken.objects.count() == 0
