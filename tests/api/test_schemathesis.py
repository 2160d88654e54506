"""Schemathesis against the live schema of a live server, with a write token of an admin:
every operation with generated valid and invalid input, then sequences that follow the
schema's OpenAPI links (create -> get/update/move/...). Checked: no 5xx, every response
conforms to its documented schema and content type, and every status code is documented.

(schemathesis' pytest loader `from_fixture` does not run on pytest 9, so each operation is
driven through its Hypothesis strategy directly.)"""

from __future__ import annotations

import re

import pytest
import schemathesis
from django.core.cache import cache
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from clientela.api.main import api
from clientela.api.services import token_create
from tests.factories import UserFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
STATELESS = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
STATEFUL = settings(
    max_examples=100,
    stateful_step_count=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
_PATHS = api.get_openapi_schema(path_prefix="/api/v1/")["paths"]
OPERATIONS = [(method.upper(), path) for path, methods in _PATHS.items() for method in methods]
# Negative data needs something to make invalid: operations without parameters or body
# (GET /me, GET /journeys) only run with valid data.
CASES = [
    (method, path, mode)
    for method, path in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode == GenerationMode.POSITIVE
    or _PATHS[path][method.lower()].get("parameters")
    or _PATHS[path][method.lower()].get("requestBody")
]


@pytest.fixture
def api_schema(live_server, users):
    _token, secret = token_create(actor=None, user=users["admin"], name="fuzz", scope="write")
    headers = {"Authorization": f"Bearer {secret}"}
    loaded = schemathesis.openapi.from_url(
        f"{live_server.url}/api/v1/openapi.json", headers=headers
    )
    loaded.config.update(headers=headers, base_url=live_server.url)
    return loaded, headers


def test_the_schema_lists_every_operation():
    assert len(OPERATIONS) >= 36
    assert ("POST", "/api/v1/parties") in OPERATIONS


@pytest.mark.parametrize(
    ("method", "path", "mode"), CASES, ids=[f"{m} {p} {mode.value}" for m, p, mode in CASES]
)
def test_every_operation(api_schema, method, path, mode):
    schema, headers = api_schema
    operation = schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @STATELESS
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def _reset_to_one_admin(headers: dict) -> None:
    """Empty every table and sign in a fresh admin: each stateful scenario starts from the
    same state, so the server answers the same sequence the same way (Hypothesis requires
    it when it replays and shrinks a scenario)."""
    call_command("flush", interactive=False, verbosity=0)
    cache.clear()
    _token, secret = token_create(
        actor=None,
        user=UserFactory(username="admin", role="admin", first_name="Ada", last_name="Admin"),
        name="fuzz",
        scope="write",
    )
    headers["Authorization"] = f"Bearer {secret}"


# The client desk's resources hang off the foundation's: one walk over the foundation (the
# parties, relationships, activities, catalogue and orders it links), one over the desk
# with the parties and relationships it starts from. One walk over everything would spread
# its steps too thin to reach the deeper links.
DESK_APPS = "contracts|onboarding|checkins|reviews|booking|desk|notifications"
CUSTOMER_DESK_APPS = "loyalty|rewards|coupons|referrals|support|customer-desk"
DESK = rf"^/api/v1/({DESK_APPS})(/|$)"
CUSTOMER_DESK = rf"^/api/v1/({CUSTOMER_DESK_APPS})(/|$)"
WALKS = {
    "foundation": lambda schema: schema.exclude(path_regex=DESK).exclude(path_regex=CUSTOMER_DESK),
    "client desk": lambda schema: schema.include(
        path_regex=rf"^/api/v1/(parties|relationships|{DESK_APPS})(/|$)"
    ),
    "customer desk": lambda schema: schema.include(
        path_regex=rf"^/api/v1/(parties|relationships|{CUSTOMER_DESK_APPS})(/|$)"
    ),
}


@pytest.mark.parametrize("walk", list(WALKS))
def test_stateful_links(api_schema, walk):
    schema, headers = api_schema
    schema = WALKS[walk](schema)
    calls: list[tuple[str, int]] = []

    class Workflow(schema.as_state_machine()):
        def setup(self):
            _reset_to_one_admin(headers)

        def get_call_kwargs(self, case):
            return {"headers": headers}

        def after_call(self, response, case):
            calls.append((case.operation.label, response.status_code))

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, headers=headers)

    Workflow.run(settings=STATEFUL)

    # the sequences really followed links: resources were created, then reached by their id
    # (a generated id never exists, so only a link can make a call on an id path succeed)
    succeeded = {label for label, status in calls if status < 300}
    assert any("{public_id}" in label for label in succeeded), succeeded
    if walk == "foundation":
        assert "POST /api/v1/parties" in succeeded
    else:
        desk = DESK if walk == "client desk" else CUSTOMER_DESK
        assert any(
            re.match(desk, label.split(" ", 1)[1]) and "{" in label for label in succeeded
        ), succeeded


def test_creating_operations_declare_links():
    links = {
        (method.upper(), path): sorted(
            link["operationId"]
            for response in operation["responses"].values()
            for link in response.get("links", {}).values()
        )
        for path, methods in _PATHS.items()
        for method, operation in methods.items()
    }

    assert links[("POST", "/api/v1/parties")] == [
        "getParty",
        "getPartyClassification",
        "getPartyScore",
        "listActivities",
        "logActivity",
        "setPartyConsent",
        "setPartyTags",
        "updateParty",
    ]
    assert "moveRelationship" in links[("POST", "/api/v1/relationships")]
    assert links[("POST", "/api/v1/orders")] == ["getOrder", "updateOrder"]
