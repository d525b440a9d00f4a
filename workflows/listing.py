"""The page explorer without a query per page in moderation.

Wagtail prefetches each listed page's current workflow state, but every row's
buttons ask the page for its lock (``can_unpublish`` and others), which loads
the step's specific task state, its task and the task's specific class: four
queries per page waiting in moderation, fifty rows to a page. Here the same
prefetch also loads those, once for the whole listing.
"""

from django.db.models import Prefetch
from wagtail.models import Task, TaskState, WorkflowState
from wagtail.models.workflows import WorkflowStateQuerySet

CURRENT_STATES = "_current_workflow_states"
# Set on the workflow states whose current step this module loaded.
STEPS_LOADED = "_workflows_steps_loaded"


def attach_specific_steps(states):
    """Give each workflow state's current step its specific task state and
    specific task (Wagtail's cached ``specific``), in one query per type."""
    for state in states:
        setattr(state, STEPS_LOADED, True)
    steps = [state.current_task_state for state in states if state.current_task_state_id]
    if not steps:
        return
    specific_steps = {
        step.pk: step for step in TaskState.objects.filter(pk__in=[s.pk for s in steps]).specific()
    }
    tasks = {
        task.pk: task for task in Task.objects.filter(pk__in={s.task_id for s in steps}).specific()
    }
    for task in tasks.values():
        task.__dict__["specific"] = task
    by_step = {state.current_task_state_id: state for state in states}
    for step in steps:
        specific = specific_steps.get(step.pk, step)
        specific.workflow_state = by_step[step.pk]
        task = tasks.get(step.task_id)
        if task is not None:
            step.task.__dict__["specific"] = task
            specific.task = task
        step.__dict__["specific"] = specific
        specific.__dict__["specific"] = specific


def loaded_step(obj, task):
    """``(True, step)`` when the listing loaded ``obj``'s workflow states: its
    step of ``task`` in progress, or None; ``(False, None)`` otherwise (ask the
    database)."""
    states = obj.__dict__.get(CURRENT_STATES)
    if states is None or not all(getattr(state, STEPS_LOADED, False) for state in states):
        return False, None
    for state in states:
        step = state.current_task_state.specific if state.current_task_state_id else None
        if step is not None and step.task_id == task.pk and step.status == step.STATUS_IN_PROGRESS:
            return True, step
    return True, None


class StatesWithSpecificSteps(WorkflowStateQuerySet):
    """Workflow states that load their current steps' specific objects together."""

    def _fetch_all(self):
        fetched = self._result_cache is not None
        super()._fetch_all()
        if not fetched:
            attach_specific_steps(self._result_cache)


def with_specific_steps(pages):
    """``pages`` with Wagtail's prefetch of the current workflow states
    replaced by one that also loads their steps' specific objects."""
    lookups = list(pages._prefetch_related_lookups)
    for position, lookup in enumerate(lookups):
        if isinstance(lookup, Prefetch) and lookup.to_attr == CURRENT_STATES:
            states = (
                StatesWithSpecificSteps(model=WorkflowState)
                .active()
                .select_related("current_task_state__task")
            )
            lookups[position] = Prefetch(
                lookup.prefetch_through, queryset=states, to_attr=CURRENT_STATES
            )
            return pages.prefetch_related(None).prefetch_related(*lookups)
    return pages
