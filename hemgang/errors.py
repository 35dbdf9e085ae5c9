"""The one application error type, and the one place it is turned into an API response.

Services raise `DomainError` with a Swedish (translatable) message; views show it on the form
(`form.add_error(err.field, err.message)`), the API returns it as a problem response.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class DomainError(Exception):
    """A refused change: the rule that said no, in words a case officer understands."""

    status_code = status.HTTP_409_CONFLICT

    def __init__(self, message, *, code: str = "refused", field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field


class DomainValidationError(DomainError):
    """Input that breaks a rule of the domain (a date out of range, a too long decision)."""

    status_code = status.HTTP_400_BAD_REQUEST


def api_exception_handler(exc, context):
    if isinstance(exc, DomainError) and hasattr(exc, "as_problem"):
        # A change from an older version (hemgang.versions.StaleVersion): what changed, by whom and when.
        return Response(exc.as_problem(), status=exc.status_code)
    if isinstance(exc, DomainError):
        body = {"detail": str(exc.message), "code": exc.code}
        if exc.field:
            body = {exc.field: [str(exc.message)], "code": exc.code}
        return Response(body, status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        detail = _("The request is larger than %(size)s bytes.") % {"size": limit}
        return Response({"detail": detail, "code": "too_large"}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, PermissionDenied | Http404):
        # Missing and forbidden give the same answer: an outsider learns nothing of what exists.
        return Response({"detail": _("Not found."), "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)
    return exception_handler(exc, context)
