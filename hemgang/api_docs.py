"""The API's errors as the OpenAPI document shows them: one error shape, named once, for every endpoint.

Every error body has `detail` (Swedish words for a person) and, where the app chose one, `code` (for a
machine): `scope_missing`, `not_found`, `version_required`, `idempotency_key_required`… A 400 for bad
input names each field with its messages instead (DRF's validation errors; unknown fields too).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words.")
    code = serializers.CharField(required=False, help_text="What went wrong, for a machine.")


WHY = {
    400: "Bad input: each field named with its messages (unknown fields too), or `detail` and `code`.",
    401: "No token or session, or a token that is unknown, expired or revoked.",
    403: "`scope_missing`: the token's scopes do not include this endpoint; or the role may not call it.",
    404: "Not found, or not yours to see (the same answer).",
    409: "Conflict: the record changed since it was read (`stale_version`), or the state refuses the change.",
    413: "`too_large`: the body is over the size limit.",
    415: "The body is not JSON.",
    422: "`idempotency_key_reused`: the Idempotency-Key was used for another request.",
    428: "`version_required`: send the version read (`version` or If-Match).",
    429: "Too many bad tokens from this address: wait and try again.",
}

ALWAYS = (401, 403, 429)


def errors(*codes: int, **overrides) -> dict:
    """The error responses of an endpoint for `extend_schema(responses={200: …, **errors(400, 404)})`: the
    ones named and those every endpoint has (401, 403, 429). `overrides` (e.g. `e409=StaleVersionSerializer`)
    give a status a shape of its own."""
    out = {}
    for code in sorted({*codes, *ALWAYS}):
        shape = overrides.get(f"e{code}")
        if shape is None:
            shape = OpenApiTypes.OBJECT if code == 400 else ErrorSerializer
        out[code] = OpenApiResponse(response=shape, description=WHY[code])
    return out


def paged(item: type[serializers.Serializer], *, name: str) -> type[serializers.Serializer]:
    """The page of a LimitOffsetPagination list of `item`s (APIViews are not recognised as lists)."""
    fields = {
        "count": serializers.IntegerField(help_text="All the items, over every page."),
        "next": serializers.URLField(allow_null=True, help_text="The next page, or null."),
        "previous": serializers.URLField(allow_null=True, help_text="The page before, or null."),
        "results": item(many=True),
    }
    return type(name, (serializers.Serializer,), fields)


PAGE_PARAMETERS = [
    OpenApiParameter("limit", int, description="Items per page (default 50)."),
    OpenApiParameter("offset", int, description="Items to skip."),
]


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description=(
        "Required. A key of your own for this request (1–200 characters, e.g. a UUID). Send the same key when "
        "you retry: the first answer comes back (same status and body) and nothing is made twice. The same "
        "key with another body is 422 `idempotency_key_reused`. Kept for a day."
    ),
    examples=[OpenApiExample("uuid", value="6f1f2c3e-8a4b-4d1e-9a55-0b7c1d2e3f40")],
)
