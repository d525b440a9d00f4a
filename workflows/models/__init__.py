from .promotion import Promotion
from .reminders import ModerationReminder
from .standard import StandardWorkflow, StandardWorkflowKey
from .tasks import (
    ParentBoardApprovalTask,
    RejectionForm,
    UnitApprovalTask,
    UnitResolvedTask,
    UnitReviewTask,
    UnitTaskState,
    subject_unit,
)

__all__ = [
    "ModerationReminder",
    "ParentBoardApprovalTask",
    "Promotion",
    "RejectionForm",
    "StandardWorkflow",
    "StandardWorkflowKey",
    "UnitApprovalTask",
    "UnitResolvedTask",
    "UnitReviewTask",
    "UnitTaskState",
    "subject_unit",
]
