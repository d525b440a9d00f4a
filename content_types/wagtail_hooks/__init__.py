"""Admin registrations, one module per concept; Wagtail loads this package."""

from . import answers, member_questions, quizzes, scoping, study  # noqa: F401
