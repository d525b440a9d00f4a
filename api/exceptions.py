"""Every API error is JSON: ``{"code": ..., "message": ..., "fields"?: {...}}``.

The code is stable (apps switch on it), the message is for people, in the
request's language (Vietnamese unless ``Accept-Language: en``). Nothing under
``/api/`` answers with an HTML page or a traceback.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response

from content_types.errors import ErrorCode, ServiceError

logger = logging.getLogger(__name__)


class ApiError(exceptions.APIException):
    """An error with our own stable code, e.g. ``ApiError("bad_cursor", msg, 400)``."""

    def __init__(self, code, message, status_code=status.HTTP_400_BAD_REQUEST, fields=None):
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.error_code = code
        self.fields = fields


class BadParameter(ApiError):
    """400 naming the query parameter that was wrong."""

    def __init__(self, name, message):
        super().__init__("bad_parameter", message, fields={name: [str(message)]})
        self.parameter = name


def field_errors(detail, prefix=""):
    """REST framework's error detail, of any depth, as ``{"field": [messages]}``.

    Nested serialisers and list or dict fields report errors as dicts and lists
    inside each other (``{"answers": {"12": {0: [...]}}}``); apps get one flat
    map whose keys are dotted paths (``answers.12.0``) so every message names
    the exact field it is about. Errors not tied to a field have the key "".
    """
    if isinstance(detail, dict):
        children = detail.items()
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        children = enumerate(detail)
    else:
        messages = detail if isinstance(detail, list) else [detail]
        return {prefix: [str(message) for message in messages]} if messages else {}
    errors = {}
    for key, value in children:
        path = f"{prefix}.{key}" if prefix else str(key)
        for name, messages in field_errors(value, path).items():
            errors.setdefault(name, []).extend(messages)
    return errors


#: The HTTP status each service refusal answers with: the one place the API
#: maps ``content_types.errors.ErrorCode`` (a code missing here answers 400).
SERVICE_ERROR_STATUS = {
    ErrorCode.NOT_MEMBER: status.HTTP_403_FORBIDDEN,
    ErrorCode.ROLE_REQUIRED: status.HTTP_403_FORBIDDEN,
    ErrorCode.NOT_FOUND: status.HTTP_404_NOT_FOUND,
    ErrorCode.NOT_OPEN: status.HTTP_409_CONFLICT,
    ErrorCode.CLOSED: status.HTTP_409_CONFLICT,
    ErrorCode.NO_ATTEMPTS_LEFT: status.HTTP_409_CONFLICT,
    ErrorCode.BANK_TOO_SMALL: status.HTTP_409_CONFLICT,
    ErrorCode.DEADLINE_PASSED: status.HTTP_409_CONFLICT,
    ErrorCode.ALREADY_SUBMITTED: status.HTTP_409_CONFLICT,
    ErrorCode.EXPIRED: status.HTTP_409_CONFLICT,
    ErrorCode.NOT_SUBMITTED: status.HTTP_409_CONFLICT,
    ErrorCode.CONTEST_NOT_CLOSED: status.HTTP_409_CONFLICT,
    ErrorCode.INVALID_ANSWER: status.HTTP_400_BAD_REQUEST,
    ErrorCode.INVALID_KEY: status.HTTP_400_BAD_REQUEST,
}


def service_refusal(error):
    """A ``ServiceError`` as the API error with its code and status."""
    status_code = SERVICE_ERROR_STATUS.get(error.code, status.HTTP_400_BAD_REQUEST)
    return ApiError(str(error.code), error.messages[0], status_code)


def validation_error_body(detail):
    """``{"code": "invalid", "message": <the first message>, "fields": ...}``;
    ``fields`` is left out when no message is about a field."""
    errors = field_errors(detail)
    first = next((messages[0] for messages in errors.values() if messages), _("Invalid input."))
    general = errors.pop("", [])
    if not errors:
        return error_body("invalid", general[0] if general else first)
    if general:
        errors["non_field_errors"] = general
    return error_body("invalid", first, errors)


def error_body(code, message, fields=None):
    body = {"code": code, "message": str(message)}
    if fields:
        body["fields"] = fields
    return body


def exception_handler(exc, context):
    """REST framework's exception handler, answering in our JSON shape."""
    if isinstance(exc, ServiceError):
        exc = service_refusal(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, ValidationError) and not isinstance(exc, exceptions.APIException):
        code = getattr(exc, "code", None) or "invalid"
        return Response(error_body(code, " ".join(exc.messages)), status=400)

    if not isinstance(exc, exceptions.APIException):
        logger.exception("Unhandled API error", exc_info=exc)
        return Response(
            error_body("server_error", _("Something went wrong on the server.")), status=500
        )

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    if isinstance(exc, ApiError):
        body = error_body(exc.error_code, exc.detail, exc.fields)
    elif isinstance(exc, exceptions.ValidationError):
        body = validation_error_body(exc.detail)
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        body = error_body(code, exc.detail if isinstance(exc.detail, str) else str(exc.detail))
    response = Response(body, status=exc.status_code, headers=headers)
    return response


def json_error(code, message, status_code):
    """A plain Django JSON error, for the few non-DRF views under /api/."""
    return JsonResponse(error_body(code, message), status=status_code)


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any other address under /api/, whatever the method (a POST carrying a
    session cookie must get this JSON 404, not the CSRF failure page)."""
    return json_error("not_found", _("Not found."), 404)
