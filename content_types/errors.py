"""The one error the content services raise, and the codes it carries.

Quizzes, study and members' questions refuse with ``ServiceError(code,
message)``: the code is stable (reader apps switch on it, the API maps it
to an HTTP status in ``api.exceptions``), the message is for people, in the
request's language. As ``saleor/checkout/error_codes.py`` does, the codes
live in one enum so a new refusal is named once.
"""

import enum

from django.core.exceptions import ValidationError


class ErrorCode(enum.StrEnum):
    NOT_MEMBER = "not_member"
    NOT_FOUND = "not_found"
    ROLE_REQUIRED = "role_required"
    NOT_OPEN = "not_open"
    CLOSED = "closed"
    NO_ATTEMPTS_LEFT = "no_attempts_left"
    BANK_TOO_SMALL = "bank_too_small"
    DEADLINE_PASSED = "deadline_passed"
    ALREADY_SUBMITTED = "already_submitted"
    EXPIRED = "expired"
    INVALID_ANSWER = "invalid_answer"
    INVALID_KEY = "invalid_key"
    NOT_SUBMITTED = "not_submitted"
    CONTEST_NOT_CLOSED = "contest_not_closed"


class ServiceError(ValidationError):
    """A refusal of a content service's rules, e.g.
    ``ServiceError(ErrorCode.NOT_OPEN, gettext("This module opens on ..."))``.

    It is a ``ValidationError``, so admin forms show its message as they
    would any other.
    """

    def __init__(self, code, message):
        super().__init__(message, code=ErrorCode(code))
