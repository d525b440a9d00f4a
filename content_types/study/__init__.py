"""The rules of resolution study, one module per concern:

- ``progress``: a member opens and finishes lessons (``open_lesson``,
  ``complete_lesson``) and sees their progress in a module
  (``module_progress``, ``reader_progress``);
- ``completion``: the completion rule, applied to one member
  (``update_completion``) or to every member of a module in bulk
  (``refresh_module_completions``);
- ``report``: the completion report per child unit (``completion_report``).

Refusals raise ``content_types.errors.ServiceError`` (``not_member``,
``not_found``, ``not_open``). What triggers the bulk recomputation
(publishing, moving or deleting lessons; submitting a final quiz) is wired in
``content_types.signal_handlers``, the queued work in ``content_types.tasks``.
"""

from .completion import (
    complete_with_final_quiz,
    first_pass,
    lesson_module_id,
    lock_member,
    move_lesson_progress,
    refresh_module_completions,
    update_completion,
)
from .progress import (
    LessonState,
    ModuleProgress,
    active_member,
    complete_lesson,
    module_progress,
    open_lesson,
    reader_progress,
)
from .report import (
    CompletionReport,
    ModuleFigures,
    ReportRow,
    completion_report,
    report_modules,
)

__all__ = [
    "CompletionReport",
    "LessonState",
    "ModuleFigures",
    "ModuleProgress",
    "ReportRow",
    "active_member",
    "complete_lesson",
    "complete_with_final_quiz",
    "completion_report",
    "first_pass",
    "lesson_module_id",
    "lock_member",
    "module_progress",
    "move_lesson_progress",
    "open_lesson",
    "reader_progress",
    "refresh_module_completions",
    "report_modules",
    "update_completion",
]
