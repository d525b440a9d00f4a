"""Who may do what with the content app's snippets and questions in the admin.

Board members hold no Django model permissions on these models (provisioning
grants page and collection permissions only), so their permission policies
answer from board memberships (``editorial.permission_policies``):

- the bank of ready answers and the quiz question bank, owned by units: any
  board member lists, adds and edits the objects of the units in their boards'
  subtrees; board heads (approvers) also publish and delete;
- question categories, shared by every unit: board members use and add them,
  only platform administrators rename or delete them;
- members' questions: the board of the unit a question is assigned to (any
  role) sees and handles it, by the rule of ``MemberQuestion.can_be_handled_by``.

Platform administrators and superusers may do everything.
``ContentTypesConfig.ready()`` registers the policies with
``register_permission_policies()``.
"""

from django.db.models import Q
from wagtail.permissions import register_permission_policy

from editorial.models import BoardRole
from editorial.permission_policies import BoardPermissionPolicy, UnitOwnedPermissionPolicy
from editorial.permissions import board_roles

from .models import AnswerEntry, MemberQuestion, QuestionCategory, QuizQuestion

EDIT_ACTIONS = frozenset({"add", "change", "view"})
HEAD_ACTIONS = EDIT_ACTIONS | {"publish", "delete"}


class UnitSnippetPermissionPolicy(UnitOwnedPermissionPolicy):
    """A snippet owned by a unit (its ``unit`` foreign key): a ready answer, a
    bank question."""

    def __init__(self, model):
        super().__init__(model, unit_field="unit")

    def actions_for_role(self, role):
        return HEAD_ACTIONS if role == BoardRole.APPROVER else EDIT_ACTIONS


class QuestionCategoryPermissionPolicy(BoardPermissionPolicy):
    """Categories are shared: board members use and add them, whatever their unit."""

    SHARED_ACTIONS = frozenset({"add", "view"})

    def board_member_has_permission(self, user, action):
        return action in self.SHARED_ACTIONS and bool(board_roles(user))


class MemberQuestionPermissionPolicy(BoardPermissionPolicy):
    """A board sees the questions assigned to its own unit (not its subtree's)."""

    actions = frozenset({"view", "change"})

    def board_member_has_permission(self, user, action):
        return bool(board_roles(user))

    def board_member_has_permission_for_instance(self, user, action, instance):
        return instance.can_be_handled_by(user)

    def board_member_filter(self, user, actions):
        unit_ids = {unit_id for _role, _path, unit_id in board_roles(user)}
        return Q(assigned_unit_id__in=unit_ids) if unit_ids else None


answer_entry_permission_policy = UnitSnippetPermissionPolicy(AnswerEntry)
quiz_question_permission_policy = UnitSnippetPermissionPolicy(QuizQuestion)
question_category_permission_policy = QuestionCategoryPermissionPolicy(QuestionCategory)
member_question_permission_policy = MemberQuestionPermissionPolicy(MemberQuestion)


def register_permission_policies():
    """Called from ``ContentTypesConfig.ready()``."""
    register_permission_policy(AnswerEntry, answer_entry_permission_policy, exact_class=True)
    register_permission_policy(QuizQuestion, quiz_question_permission_policy, exact_class=True)
    register_permission_policy(
        QuestionCategory, question_category_permission_policy, exact_class=True
    )
    register_permission_policy(MemberQuestion, member_question_permission_policy, exact_class=True)
