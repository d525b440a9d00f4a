"""Workflow task types whose reviewers are resolved from the unit tree.

One task row serves every unit of a level: when a step starts, the unit whose
board must act (the page's owning unit, or a board above it) is resolved and
stored on the step's ``UnitTaskState``; who may act is then the users holding
the step's role on that unit's board. Modelled on Wagtail's
``AbstractGroupApprovalTask``.
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from wagtail.forms import TaskStateCommentForm
from wagtail.locks import WorkflowLock
from wagtail.models import LockableMixin, Page, Task, TaskState
from wagtail.signals import task_submitted

from ..listing import loaded_step
from ..reviewers import StepRole, board_above, owning_unit, units_where_user_acts, user_acts_for


class RejectionForm(TaskStateCommentForm):
    """Requesting changes must say which: the editor reads it before resubmitting."""

    comment = forms.CharField(
        label=_("Comment"),
        required=True,
        widget=forms.Textarea({"rows": 3}),
        error_messages={"required": _("Say what needs to change before sending it back.")},
    )


class UnitTaskState(TaskState):
    """A step in progress, with the unit whose board was resolved to act on it."""

    unit = models.ForeignKey(
        "editorial.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=16, choices=StepRole.choices)

    class Meta:
        verbose_name = _("unit task state")
        verbose_name_plural = _("unit task states")
        indexes = [models.Index(fields=["unit", "role"])]


def subject_unit(obj):
    """The unit an object in moderation belongs to: a page's owning unit, or what
    the object says (a promotion: its page's unit)."""
    if isinstance(obj, Page):
        return owning_unit(obj)
    return obj.workflow_subject_unit()


class UnitResolvedTask(Task):
    """A step acted on by a role of a board found from the object's unit."""

    task_state_class = UnitTaskState
    lock_class = WorkflowLock
    levels = 0

    class Meta:
        abstract = True

    # -- who reviews ------------------------------------------------------
    def step_role(self):
        raise NotImplementedError

    def levels_above(self):
        return self.levels

    def resolve_unit(self, obj):
        return board_above(subject_unit(obj), self.levels_above())

    def _state_for(self, obj):
        """This task's step in progress on ``obj`` (cached on the object for the request)."""
        cache = obj.__dict__.setdefault("_workflows_task_states", {})
        loaded, step = loaded_step(obj, self)  # the explorer loads every row's step at once
        if loaded and (step is None or isinstance(step, UnitTaskState)):
            cache.setdefault(self.pk, step)
        if self.pk not in cache:
            cache[self.pk] = (
                UnitTaskState.objects.for_instance(obj)
                .filter(task=self, status=TaskState.STATUS_IN_PROGRESS)
                .select_related("workflow_state")
                .first()
            )
        return cache[self.pk]

    def can_act(self, obj, user):
        """The resolved role holders (and superusers), never on their own submission."""
        state = self._state_for(obj)
        if state is None or not user.is_authenticated:
            return False
        if state.workflow_state.requested_by_id == user.pk:
            return False
        return user.is_superuser or user_acts_for(user, self.step_role(), state.unit_id)

    # -- lifecycle ----------------------------------------------------------
    def start(self, workflow_state, user=None):
        first = self._restart_from_first(workflow_state)
        if first is not None and first.pk != self.pk:
            return first.start(workflow_state, user=user)
        obj = workflow_state.content_object
        unit = self.resolve_unit(obj)
        # Like Wagtail's group task: a lock held by someone who cannot act goes.
        if (
            isinstance(obj, LockableMixin)
            and obj.locked_by_id
            and not user_acts_for(obj.locked_by, self.step_role(), unit.pk if unit else None)
        ):
            obj.locked, obj.locked_by, obj.locked_at = False, None, None
            obj.save(update_fields=["locked", "locked_by", "locked_at"])
        task_state = UnitTaskState(
            workflow_state=workflow_state,
            status=TaskState.STATUS_IN_PROGRESS,
            revision=obj.get_latest_revision(),
            task=self,
            unit=unit,
            role=self.step_role(),
        )
        task_state.save()
        task_submitted.send(sender=UnitTaskState, instance=task_state, user=user)
        return task_state

    @staticmethod
    def _restart_from_first(workflow_state):
        """A resubmission after changes were requested starts again at the first step.

        Wagtail resumes at the step that asked for changes; here the approvals
        given before it no longer count (they stay in the audit log) and the
        first step of the workflow starts instead.
        """
        if workflow_state.current_task_state_id is not None:
            return None
        states = workflow_state.task_states
        if not states.filter(status=TaskState.STATUS_REJECTED).exists():
            return None
        states.filter(status=TaskState.STATUS_APPROVED).update(status=TaskState.STATUS_CANCELLED)
        first = workflow_state.workflow.tasks.filter(active=True).first()
        return first.specific if first is not None else None

    # -- what the admin asks --------------------------------------------------
    def user_can_access_editor(self, obj, user):
        return self.can_act(obj, user)

    def locked_for_user(self, obj, user):
        return not self.can_act(obj, user)

    def user_can_lock(self, obj, user):
        return self.can_act(obj, user)

    def user_can_unlock(self, obj, user):
        return False

    def get_actions(self, obj, user):
        if not self.can_act(obj, user):
            return []
        return [
            ("reject", _("Request changes"), True),
            ("approve", _("Approve"), False),
            ("approve", _("Approve with comment"), True),
        ]

    def get_form_for_action(self, action):
        return RejectionForm if action == "reject" else TaskStateCommentForm

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        # The admin checks get_actions first; services and scripts get the same rule.
        obj = task_state.workflow_state.content_object
        if action_name not in {name for name, _label, _modal in self.get_actions(obj, user)}:
            raise PermissionDenied
        if action_name == "reject" and not (kwargs.get("comment") or "").strip():
            message = RejectionForm.base_fields["comment"].error_messages["required"]
            raise ValidationError({"comment": message})
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = TaskState.objects.filter(task=self, status=TaskState.STATUS_IN_PROGRESS)
        if not user.is_superuser:
            units = units_where_user_acts(user, self.step_role())
            if not units:
                return TaskState.objects.none()
            states = states.filter(unittaskstate__unit_id__in=units)
        return states.exclude(workflow_state__requested_by=user)


class UnitReviewTask(UnitResolvedTask):
    """Review by the owning unit's reviewers."""

    class Meta:
        verbose_name = _("review by the owning unit's reviewers")
        verbose_name_plural = _("reviews by the owning unit's reviewers")

    def step_role(self):
        return StepRole.REVIEWER

    @classmethod
    def get_description(cls):
        return _("The reviewers of the board of the unit that owns the page act on this step.")


class UnitApprovalTask(UnitResolvedTask):
    """Approval by the owning unit's head (or deputy head)."""

    role = models.CharField(
        _("who approves"),
        max_length=16,
        choices=[
            (StepRole.HEAD, StepRole.HEAD.label),
            (StepRole.DEPUTY_HEAD, StepRole.DEPUTY_HEAD.label),
        ],
        default=StepRole.HEAD,
    )

    admin_form_fields = [*Task.admin_form_fields, "role"]

    class Meta:
        verbose_name = _("approval by the owning unit's approver")
        verbose_name_plural = _("approvals by the owning unit's approver")

    def step_role(self):
        return StepRole(self.role)

    @classmethod
    def get_description(cls):
        return _(
            "The head (approver) of the board of the unit that owns the page, or its deputy "
            "head (a reviewer who is the committee's deputy secretary), acts on this step."
        )


class ParentBoardApprovalTask(UnitResolvedTask):
    """Approval by the board one or more levels above the owning unit."""

    levels_up = models.PositiveSmallIntegerField(
        _("levels up"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_(
            "1: the parent unit's board; 2: the board above it; units without a board are skipped."
        ),
    )
    role = models.CharField(
        _("who approves"),
        max_length=16,
        choices=[(StepRole.BOARD, StepRole.BOARD.label), (StepRole.HEAD, StepRole.HEAD.label)],
        default=StepRole.BOARD,
    )

    admin_form_fields = [*Task.admin_form_fields, "levels_up", "role"]

    class Meta:
        verbose_name = _("approval by the parent unit's board")
        verbose_name_plural = _("approvals by the parent unit's board")

    def step_role(self):
        return StepRole(self.role)

    def levels_above(self):
        return self.levels_up

    @classmethod
    def get_description(cls):
        return _("The board of a unit above the owning unit acts on this step.")
