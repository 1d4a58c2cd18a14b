"""``dmtool serve``'s OpenAPI document, checked by schemathesis against the application: every request the document
allows gets an answer it documents (status, media type, JSON shape, headers), never a server error, and a request it
does not allow is refused.

A request the document allows may still hold a message that is not a Dialogmelding, or a spec that describes none:
that is 422 Unprocessable Content (well-formed, but its content cannot be used), which positive_data_acceptance
takes besides 2xx. Nothing else is relaxed."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from dmtool.serve import create_app

CONFIG = SchemathesisConfig.from_dict({"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "422"]}}})
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(), config=CONFIG)


@schema.parametrize()
@settings(max_examples=40, suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_its_openapi_document_says(case: schemathesis.Case) -> None:  # type: ignore[type-arg]
    case.call_and_validate()
