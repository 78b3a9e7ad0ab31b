"""JSON answers a hot endpoint builds in its schema's shape itself.

Ninja validates a returned dict against the response schema before rendering it,
a second pass over every field; an endpoint whose answer is built from plain values
of known types (the check-in, the nearest stations) renders it here instead, and
keeps ``response=`` on its route for the OpenAPI document and the tests.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse


def json_answer(data: object, *, status: int = 200) -> HttpResponse:
    """``data`` as UTF-8 JSON; datetimes as ninja writes them (ISO 8601, milliseconds)."""
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder),
        status=status,
        content_type="application/json; charset=utf-8",
    )
