"""The one refusal branch life's services raise.

``BranchError(code, message, field=None)``: the code is stable (apps switch
on it; ``api.branches`` maps it to an HTTP status), the message is for
people, in the request's language, and ``field`` names the input it is
about, if any.
"""

import enum

from django.core.exceptions import ValidationError


class BranchErrorCode(enum.StrEnum):
    NOT_FOUND = "not_found"
    ROLE_REQUIRED = "role_required"
    NOT_ELIGIBLE = "not_eligible"
    ALREADY_VOTED = "already_voted"
    NOT_OPEN = "not_open"
    CLOSED = "closed"
    INVALID = "invalid"


class BranchError(ValidationError):
    def __init__(self, code, message, field=None):
        super().__init__(message, code=BranchErrorCode(code))
        self.field = field

    @property
    def error_code(self):
        return self.code
