"""The admin API's OpenAPI document tells the truth (issue 18, finding 8): the errors it lists are
the ones sent, with their body schema; a 405 names every method of the path; a whole number sent
as 319.0 is an integer, as JSON Schema says. schemathesis drives the live API from the document
with a bounded number of examples per operation: no 5xx, no answer the document does not allow."""

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from admin_support import JSON
from conftest import SEEDS, start_server

TOKEN = "schemathesis-admin-token"
AUTH = {**JSON, "Authorization": "Bearer " + TOKEN}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(SEEDS / "core.yaml", tmp_path_factory.mktemp("openapi"), admin_token=TOKEN)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def document(server) -> dict:
    return httpx.get(server.base_url + "/_admin/openapi.json", headers=AUTH).json()


# A body the schema allows may still be refused for what no schema can say (a user that does not
# exist, a vendor call this tenant's persona lacks): a documented 400, not a broken promise.
CONFIG = schemathesis.Config.from_dict({"checks": {"positive_data_acceptance": {
    "expected-statuses": ["2xx", "400", "404", "409"]}}})


@pytest.fixture(scope="module")
def api_schema(server):
    return schemathesis.openapi.from_url(server.base_url + "/_admin/openapi.json", headers=AUTH, config=CONFIG)


def test_the_document_lists_the_errors_sent_and_never_422(document):
    statuses = {(method.upper(), path): set(operation["responses"]) for path, operations in document["paths"].items()
                for method, operation in operations.items()}
    assert not [key for key, codes in statuses.items() if "422" in codes]
    assert {"400", "401", "403", "404", "409", "413", "415", "421"} <= statuses["POST", "/tenants/{tenant}/users"]
    assert {"401", "403", "404", "421"} <= statuses["GET", "/tenants/{tenant}/users/{name}"]
    assert "415" not in statuses["GET", "/tenants"] and "404" not in statuses["GET", "/tenants"]
    error = document["paths"]["/tenants/{tenant}/users"]["post"]["responses"]["409"]["content"]["application/json"]
    assert error["schema"] == {"$ref": "#/components/schemas/AdminError"}
    assert document["components"]["schemas"]["AdminError"]["required"] == ["error", "error_description"]
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert document["security"] == [{"adminToken": []}]
    # The clock takes exactly one of its two members: the schema says so, as the handler does.
    clock = document["components"]["schemas"]["ClockChange"]
    assert clock["oneOf"] == [{"required": ["offset_seconds"]}, {"required": ["advance_seconds"]}]


@pytest.mark.parametrize("method, path, allowed", [
    ("PUT", "/tenants", "GET"),
    ("DELETE", "/reset", "POST"),
    ("POST", "/tenants/default/users/alice", "GET, PUT, PATCH, DELETE"),
    ("OPTIONS", "/tenants/default/users", "GET, POST"),
    ("PUT", "/scenarios", "GET, DELETE"),
])
def test_a_405_allows_every_method_of_the_path(server, method, path, allowed):
    response = httpx.request(method, server.base_url + "/_admin" + path, headers=AUTH)
    assert response.status_code == 405 and response.headers["allow"] == allowed
    assert response.json()["error"] == "invalid_request"


def test_a_whole_number_written_as_a_float_is_an_integer(server):
    with httpx.Client(base_url=server.base_url + "/_admin", headers=AUTH) as admin:
        assert admin.post("/tenants/default/clock", json={"offset_seconds": 319.0}).json()["offset_seconds"] == 319
        assert admin.post("/tenants/default/clock", json={"offset_seconds": 0}).status_code == 200
        both = admin.post("/tenants/default/clock", json={"offset_seconds": 1, "advance_seconds": 1})
        neither = admin.post("/tenants/default/clock", json={})
        null = admin.post("/tenants/default/clock", json={"offset_seconds": 1, "advance_seconds": None})
        assert (both.status_code, neither.status_code, null.status_code) == (400, 400, 400)
        for wrong in (319.5, "319", True):
            refused = admin.post("/tenants/default/clock", json={"offset_seconds": wrong})
            assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "offset_seconds"
        armed = admin.post("/tenants/default/scenarios", json={"endpoint": "token", "status": 503.0, "times": 2.0})
        assert armed.status_code == 201 and (armed.json()["status"], armed.json()["remaining"]) == (503, 2)
        assert admin.post("/reset").status_code == 200


@pytest.mark.parametrize("mode, examples", [(GenerationMode.POSITIVE, 10), (GenerationMode.NEGATIVE, 6)])
def test_the_live_admin_api_answers_as_its_document_says(api_schema, server, mode, examples):
    # Every check schemathesis has: no 5xx; status codes, content types, headers and bodies as
    # documented; data the schema allows accepted, data it forbids refused. (Its pytest loader for
    # a fixture's schema does not run on pytest 9, hence a Hypothesis test per operation here.)
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def answers_as_documented(case):
            if mode is GenerationMode.POSITIVE and "tenant" in (case.path_parameters or {}):
                case.path_parameters["tenant"] = "default"  # past the 404, into the handlers
            case.call_and_validate(headers=AUTH)

        try:
            answers_as_documented()
        except Unsatisfiable:  # negative mode, an operation with nothing to get wrong (GET /tenants)
            assert mode is GenerationMode.NEGATIVE, operation.path
        except (Exception, BaseExceptionGroup) as failure:  # every operation's, not only the first
            failures.append(f"{operation.method.upper()} {operation.path}: {failure}")
    with httpx.Client(base_url=server.base_url + "/_admin", headers=AUTH) as admin:
        assert admin.post("/reset").status_code == 200
    assert not failures, "\n\n".join(failures)
