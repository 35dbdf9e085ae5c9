"""The API's one parser: JSON only (anything else is 415), at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes
(413), and JSON nested too deep for Python's parser is a 400, not a RecursionError and a 500."""

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise RequestTooLarge(_("The request is larger than %(size)s bytes.") % {"size": limit})
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return json.loads(body.decode(encoding), parse_constant=self._refuse_constant)
        except RecursionError as err:
            raise ParseError(_("The JSON is nested too deeply.")) from err
        except (ValueError, UnicodeDecodeError) as err:
            raise ParseError(_("The body is not valid JSON.")) from err

    @staticmethod
    def _refuse_constant(name):
        raise ValueError(f"{name} is not JSON")
