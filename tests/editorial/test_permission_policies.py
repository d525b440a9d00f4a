"""The project's Wagtail permission policies: where they are registered and the
rule of their shared base.

Each app's ``permissions`` module registers its policies from the app's
``ready()``: the registry holds them as soon as the apps are loaded, before
any ``wagtail_hooks`` module is imported (which would otherwise let Wagtail
create its fallback policy, answering from Django model permissions that no
board member holds).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from wagtail.permissions import policy_registry

from content_types.models import AnswerEntry
from content_types.permissions import answer_entry_permission_policy
from editorial.models import BoardRole
from editorial.permissions import unit_permission_policy

ROOT = Path(__file__).resolve().parents[2]

# model label -> the policy class (module.name) registered for it.
POLICIES = {
    "editorial.Unit": "editorial.permissions.OrganisationPermissionPolicy",
    "editorial.Member": "editorial.permissions.OrganisationPermissionPolicy",
    "editorial.EditorialBoard": "editorial.permissions.OrganisationPermissionPolicy",
    "content_types.AnswerEntry": "content_types.permissions.UnitSnippetPermissionPolicy",
    "content_types.QuizQuestion": "content_types.permissions.UnitSnippetPermissionPolicy",
    "content_types.QuestionCategory": (
        "content_types.permissions.QuestionCategoryPermissionPolicy"
    ),
    "content_types.MemberQuestion": "content_types.permissions.MemberQuestionPermissionPolicy",
    "workflows.Promotion": "workflows.permissions.PromotionPermissionPolicy",
}

# Loads the apps with Wagtail's hook search switched off, so that no
# wagtail_hooks module is imported, and reports what the registry holds.
REGISTRY_AFTER_APP_LOADING = """
import json, sys
import django
from wagtail import hooks

hooks._searched_for_hooks = True
django.setup()

from django.apps import apps
from wagtail.permissions import policy_registry

labels = json.loads(sys.argv[1])
hooks_loaded = sorted(name for name in sys.modules if "wagtail_hooks" in name)
found = {}
for label in labels:
    policy = policy_registry.get_by_type(apps.get_model(label), fallback=False)
    found[label] = None if policy is None else f"{type(policy).__module__}.{type(policy).__name__}"
print(json.dumps({"hooks_loaded": hooks_loaded, "policies": found}))
"""


def test_each_policy_is_registered_when_the_apps_are_loaded():
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.test"}
    result = subprocess.run(
        [sys.executable, "-c", REGISTRY_AFTER_APP_LOADING, json.dumps(list(POLICIES))],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["hooks_loaded"] == []
    assert report["policies"] == POLICIES


@pytest.mark.parametrize("label", POLICIES)
def test_no_fallback_policy_was_ever_created(label):
    # With the hooks loaded too: Wagtail never fell back to model permissions.
    model = apps.get_model(label)
    assert policy_registry.get_fallback_policy(model) is None
    policy = policy_registry.get_by_type(model)
    assert f"{type(policy).__module__}.{type(policy).__name__}" == POLICIES[label]


def make_entry(unit, question):
    entry = AnswerEntry.objects.create(question=question, answer="<p>Trả lời</p>", unit=unit)
    # With its unit, as the edit views load it.
    return AnswerEntry.objects.select_related("unit").get(pk=entry.pk)


def test_a_board_member_acts_on_what_their_units_own_and_not_on_a_siblings(
    unit_tree, board_user, django_assert_num_queries
):
    """The base rule (``UnitOwnedPermissionPolicy``) through the answer bank's policy."""
    policy = answer_entry_permission_policy
    own = make_entry(unit_tree.grassroots, "Hỏi của xã")
    below = make_entry(unit_tree.branch, "Hỏi của chi bộ")
    sibling = make_entry(unit_tree.grassroots_2, "Hỏi của xã bên cạnh")
    above = make_entry(unit_tree.district, "Hỏi của huyện")
    editor = board_user(unit_tree.grassroots, BoardRole.EDITOR)
    head = board_user(unit_tree.grassroots, BoardRole.APPROVER)

    # One query loads the editor's boards; every later answer is path arithmetic.
    with django_assert_num_queries(1):
        assert policy.user_has_permission_for_instance(editor, "change", own)
        assert policy.user_has_permission_for_instance(editor, "change", below)
        assert not policy.user_has_permission_for_instance(editor, "change", sibling)
        assert not policy.user_has_permission_for_instance(editor, "change", above)
        assert not policy.user_has_permission_for_instance(editor, "delete", own)
        assert not policy.user_has_permission(editor, "publish")

    assert policy.user_has_permission_for_instance(head, "delete", own)
    assert not policy.user_has_permission_for_instance(head, "delete", sibling)
    assert set(policy.instances_user_has_permission_for(editor, "change")) == {own, below}
    assert set(policy.instances_user_has_permission_for(head, "delete")) == {own, below}


def test_the_organisation_policy_reaches_only_strictly_below_the_heads_unit(unit_tree, board_user):
    policy = unit_permission_policy
    head = board_user(unit_tree.grassroots, BoardRole.APPROVER)
    editor = board_user(unit_tree.grassroots_2, BoardRole.EDITOR)
    assert policy.user_has_permission_for_instance(head, "change", unit_tree.branch)
    assert not policy.user_has_permission_for_instance(head, "change", unit_tree.grassroots)
    assert not policy.user_has_permission_for_instance(head, "change", unit_tree.grassroots_2)
    assert not policy.user_has_permission_for_instance(head, "delete", unit_tree.branch)
    assert not policy.user_has_permission(editor, "view")
    managed = set(policy.instances_user_has_permission_for(head, "change"))
    assert managed == {unit_tree.branch, unit_tree.branch_2}
