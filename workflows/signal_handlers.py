"""Workflows follow the unit tree: assignment, notifications and promoted listings."""

from django.db.models.signals import post_delete, post_save
from wagtail.signals import published, task_submitted, unpublished

from content_types.models import PageListing
from editorial.models import Unit

from .models import Promotion, UnitTaskState
from .notifications import task_submission_notifier
from .standard import assign_standard_workflow


def assign_workflow_to_new_home(sender, instance, created, raw=False, update_fields=None, **kw):
    # Provisioning saves the unit with update_fields=["home_page"] once its home
    # exists: that is when a unit gets its level's workflow.
    if raw or not instance.home_page_id:
        return
    if created or (update_fields and "home_page" in update_fields):
        assign_standard_workflow(instance)


def notify_resolved_reviewers(sender, instance, user=None, **kwargs):
    task_submission_notifier(instance, user=user)


def list_promoted_page(sender, instance, **kwargs):
    PageListing.objects.get_or_create(page_id=instance.page_id, unit_id=instance.unit_id)


def unlist_promoted_page(sender, instance, **kwargs):
    PageListing.objects.filter(page_id=instance.page_id, unit_id=instance.unit_id).delete()


def register_signal_handlers():
    post_save.connect(assign_workflow_to_new_home, sender=Unit, dispatch_uid="workflows_assign")
    task_submitted.connect(
        notify_resolved_reviewers, sender=UnitTaskState, dispatch_uid="workflows_notify"
    )
    published.connect(list_promoted_page, sender=Promotion, dispatch_uid="workflows_list")
    unpublished.connect(unlist_promoted_page, sender=Promotion, dispatch_uid="workflows_unlist")
    post_delete.connect(unlist_promoted_page, sender=Promotion, dispatch_uid="workflows_unlist")
