"""Admin registration for the boards' inbox of members' questions.

The permission policy is registered first, before anything can ask the
registry for ``MemberQuestion`` and so create Wagtail's fallback policy (which
would answer from Django model permissions, which no board member has).
"""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from ..models import MemberQuestion
from ..views.member_questions import (
    MemberQuestionViewSet,
    WaitingQuestionsSummaryItem,
    member_question_permission_policy,
)

register_permission_policy(MemberQuestion, member_question_permission_policy, exact_class=True)


@hooks.register("register_admin_viewset")
def register_member_question_inbox():
    # URLs under /admin/member-questions/ and the "Members' questions" menu item,
    # shown only to board members and platform admins.
    return MemberQuestionViewSet()


@hooks.register("construct_homepage_summary_items")
def add_waiting_questions_summary(request, summary_items):
    summary_items.append(WaitingQuestionsSummaryItem(request))
