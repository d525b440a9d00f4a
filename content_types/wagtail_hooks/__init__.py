"""Admin registrations, one module per concept; Wagtail loads this package."""

from . import answers, member_questions, quizzes, study  # noqa: F401
