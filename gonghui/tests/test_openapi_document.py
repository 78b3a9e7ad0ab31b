"""The OpenAPI document names each schema once and documents what every endpoint answers.

django-ninja files a schema under its class name and silently keeps one of two classes
with the same name, so /api/docs documented one app's body for another's endpoint.
"""

import pydantic
import pytest

from gonghui.api import api
from gonghui.core.schemas import MAX_ID, MAX_LIMIT, MAX_OFFSET


def _schema_classes() -> dict[str, set[type]]:
    """Every pydantic model reachable from an operation (bodies, answers, nested fields),
    by the name it gets in the document."""
    seen: dict[str, set[type]] = {}

    def walk(annotation) -> None:
        if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
            if annotation.__name__ == "NinjaResponseSchema":  # ninja's unnamed wrapper
                walk(annotation.model_fields["response"].annotation)
                return
            if annotation in seen.get(annotation.__name__, set()):
                return
            seen.setdefault(annotation.__name__, set()).add(annotation)
            for field in annotation.model_fields.values():
                walk(field.annotation)
            return
        for arg in getattr(annotation, "__args__", ()):
            walk(arg)

    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    for field in model.model_fields.values():
                        walk(field.annotation)
                for response in operation.response_models.values():
                    walk(response)
    return seen


def test_no_two_schemas_share_a_name():
    by_name = _schema_classes()
    clashes = {
        name: sorted(f"{c.__module__}.{c.__qualname__}" for c in classes)
        for name, classes in by_name.items()
        if len(classes) > 1
    }
    assert clashes == {}
    components = api.get_openapi_schema()["components"]["schemas"]
    for name, (model,) in ((n, tuple(c)) for n, c in by_name.items() if n in components):
        documented = set(components[name].get("properties", {}))
        declared = [
            set(model.model_json_schema(by_alias=alias).get("properties", {}))
            for alias in (True, False)
        ]
        assert documented in declared, name


def test_enrolment_bodies_are_documented_as_each_app_reads_them():
    document = api.get_openapi_schema()
    components = document["components"]["schemas"]

    def body(path: str) -> dict:
        ref = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        return components[ref["schema"]["$ref"].rsplit("/", 1)[1]]

    assert set(body("/api/mutualaid/enrolments")["properties"]) == {"plan", "worker", "paid_on"}
    assert set(body("/api/training/classes/{class_id}/enrolments")["properties"]) == {"worker_id"}


def test_every_404_documents_the_not_found_shape():
    """Every 404 answers core.views.NOT_FOUND: an operation documenting 404 must say so."""
    document = api.get_openapi_schema()
    wrong = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            answer = operation["responses"].get(404)
            if answer is None:
                continue
            ref = answer["content"]["application/json"]["schema"]["$ref"]
            if ref.rsplit("/", 1)[1] != "NotFoundOut":
                wrong.append(f"{method} {path}")
    assert wrong == []


def _parameter(path: str, name: str) -> dict:
    document = api.get_openapi_schema()
    (parameter,) = (p for p in document["paths"][path]["get"]["parameters"] if p["name"] == name)
    return parameter["schema"]


@pytest.mark.parametrize(
    ("path", "name", "low", "high"),
    [
        ("/api/workers", "offset", 0, MAX_OFFSET),
        ("/api/workers", "limit", 1, MAX_LIMIT),
        ("/api/workers/{worker_id}", "worker_id", 1, MAX_ID),
        ("/api/rights/figures", "year", 1949, 2100),
        ("/api/culture/bookhouses", "year", 1949, 2100),
        ("/api/stations/nearest", "lat", -90, 90),
        ("/api/stations/nearest", "lng", -180, 180),
    ],
)
def test_the_document_states_each_parameters_range(path, name, low, high):
    schema = _parameter(path, name)
    if "anyOf" in schema:
        (schema,) = (s for s in schema["anyOf"] if s.get("type") != "null")
    assert (schema["minimum"], schema["maximum"]) == (low, high)
