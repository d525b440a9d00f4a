"""Proposing a published item to the parent unit's feed, and withdrawing it.

The parent board reviews the proposal through the standard "promotion"
workflow; its approval publishes the ``Promotion`` and so writes the
``PageListing`` (see signal_handlers). Errors carry a stable ``code``.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.actions.unpublish import UnpublishAction
from wagtail.models import WorkflowState

from content_types.models import NewsArticle, PartyDocument
from editorial.models import BoardRole
from editorial.permissions import board_roles, is_platform_admin

from .models import Promotion
from .reviewers import board_above, owning_unit
from .standard import ensure_standard_workflows

PROMOTABLE_TYPES = (NewsArticle, PartyDocument)


class PromotionError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def _on_board_of(user, unit, roles=None):
    return unit is not None and any(
        unit_id == unit.pk and (roles is None or role in roles)
        for role, _path, unit_id in board_roles(user)
    )


def may_propose(user, page):
    """Members of the owning unit's board (and platform administrators)."""
    return is_platform_admin(user) or _on_board_of(user, owning_unit(page))


def check_promotable(page):
    """The owning unit and the unit above it, or a PromotionError."""
    specific = page.specific
    if not isinstance(specific, PROMOTABLE_TYPES):
        raise PromotionError("not_promotable", _("Only news items and documents can be proposed."))
    if not page.live:
        raise PromotionError("not_live", _("Only a published item can be proposed."))
    source = owning_unit(page)
    target = board_above(source, 1)
    if target is None:
        raise PromotionError("no_parent", _("This unit has no board above it."))
    return source, target


@transaction.atomic
def propose(page, user, note=""):
    """Propose ``page`` to the feed of its unit's parent board; returns the Promotion.

    Proposing again an item that was sent back resubmits it (from the first
    step); one that was withdrawn starts a new review.
    """
    if not may_propose(user, page):
        raise PromotionError("forbidden", _("You cannot propose this item."))
    source, target = check_promotable(page)
    ensure_standard_workflows()
    promotion = Promotion.objects.filter(page=page, unit=target).first()
    if promotion is not None and promotion.live:
        raise PromotionError("already_listed", _("This item is already shown there."))
    if promotion is not None and promotion.workflow_in_progress:
        state = promotion.current_workflow_state
        if state.status == WorkflowState.STATUS_IN_PROGRESS:
            raise PromotionError("in_review", _("This item is already waiting for review."))
    if promotion is None:
        promotion = Promotion(page=page, unit=target, source_unit=source, live=False)
    promotion.note = note
    promotion.proposed_by = user
    promotion.save()
    promotion.save_revision(user=user, log_action=True)
    state = promotion.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
    else:
        promotion.get_workflow().start(promotion, user)
    return promotion


@transaction.atomic
def withdraw(promotion, user):
    """Take the item out of the parent's feed (or stop its review)."""
    allowed = (
        is_platform_admin(user)
        or _on_board_of(user, promotion.source_unit)
        or _on_board_of(user, promotion.unit, roles={BoardRole.APPROVER})
    )
    if not allowed:
        raise PromotionError("forbidden", _("You cannot withdraw this proposal."))
    state = promotion.current_workflow_state
    if state is not None:
        state.cancel(user=user)
    if promotion.live:
        # Checked above: the proposing board may withdraw without a publish right.
        UnpublishAction(promotion, user=user).execute(skip_permission_checks=True)
    return promotion
