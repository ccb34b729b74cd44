"""Property-based tests of the live API from its own OpenAPI schema (schemathesis): for valid and invalid requests
to every operation, no server error, and responses match the documented status codes, content types and schemas."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from rag import create_http_app

from .conftest import seeded_engine, serve

TOKEN = "schemathesis-token"
# (path, method): operations without inputs have no invalid requests to generate
OPERATIONS = [
    ("/v1/models", "GET"),
    ("/v1/chat/completions", "POST"),
    ("/api/ask", "POST"),
    ("/api/documents", "POST"),
    ("/api/documents", "GET"),
    ("/api/documents/{doc_id}", "GET"),
    ("/api/documents/{doc_id}", "DELETE"),
    ("/healthz", "GET"),
    ("/readyz", "GET"),
]


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    engine = seeded_engine(tmp_path_factory.mktemp("schemathesis-index"))  # its own index: the fuzzer writes
    # the fuzzer sends wrong keys on purpose: the bound on refused logins (tested in test_auth.py) is lifted
    app_settings = engine.settings.model_copy(update={"api_key": TOKEN, "max_upload_bytes": 200_000,
                                                      "max_failed_logins": 100_000})
    with serve(create_http_app(engine, app_settings)) as server:
        yield server


@pytest.fixture(scope="module")
def api_schema(live):
    return schemathesis.openapi.from_url(f"{live.url}/openapi.json")


def test_every_operation_is_covered(api_schema):
    found = {(op.ok().path, op.ok().method.upper()) for op in api_schema.get_all_operations()}
    assert found == set(OPERATIONS)


WITH_INPUT = {("/v1/chat/completions", "POST"), ("/api/ask", "POST"), ("/api/documents", "POST"),
              ("/api/documents/{doc_id}", "GET"), ("/api/documents/{doc_id}", "DELETE")}
CASES = [(p, m, GenerationMode.POSITIVE) for p, m in OPERATIONS] + [
    (p, m, GenerationMode.NEGATIVE) for p, m in OPERATIONS if (p, m) in WITH_INPUT]


@pytest.mark.parametrize(("path", "method", "mode"), CASES,
                         ids=[f"{m} {p} {'valid' if g == GenerationMode.POSITIVE else 'invalid'}" for p, m, g in CASES])
def test_operation_conforms_to_schema(api_schema, live, path, method, mode):
    """All of schemathesis' checks (no 5xx, documented status codes, content types and response schemas, valid
    requests accepted, invalid ones rejected) on a few derandomized examples per operation. Uploads are checked on
    their content (UTF-8 text that holds an article), which a schema cannot express, so a schema-valid upload may
    be refused with 4xx: there the "valid data accepted" check is left out."""
    strategy = api_schema[path][method].as_strategy(generation_mode=mode)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    excluded = [positive_data_acceptance] if (path, method) == ("/api/documents", "POST") else []
    heavy = path in ("/v1/chat/completions", "/api/ask")

    @given(case=strategy)
    @settings(max_examples=6 if heavy else 10, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        response = case.call_and_validate(base_url=live.url, headers=auth, timeout=60, excluded_checks=excluded)
        assert response.status_code < 500, response.text

    check()
