"""Admin registration for the boards' inbox of members' questions.

Its permission policy (``content_types.permissions``) is registered by the
app's ``ready()``, before anything can ask the registry for ``MemberQuestion``.
"""

from wagtail import hooks

from ..views.member_questions import MemberQuestionViewSet, WaitingQuestionsSummaryItem


@hooks.register("register_admin_viewset")
def register_member_question_inbox():
    # URLs under /admin/member-questions/ and the "Members' questions" menu item,
    # shown only to board members and platform admins.
    return MemberQuestionViewSet()


@hooks.register("construct_homepage_summary_items")
def add_waiting_questions_summary(request, summary_items):
    summary_items.append(WaitingQuestionsSummaryItem(request))
