"""Who may take a quiz, and when.

``check_can_take`` raises the refusal a reader gets (not an active member,
quiz not published or not readable to them, committee office missing, not
open yet, closed, no attempt left); ``can_take`` answers yes or no. The
pieces are public because ``attempts.start_attempt`` checks them one by one
around its lock. ``eligible_members`` is the same rule seen from a unit: the
members expected to take part, which the unit ranking counts.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from wagtail.models import Page

from editorial.models import CommitteeRole, Member

from ..errors import ErrorCode, ServiceError
from ..models.audience import Audience, PageAudience, readable_by, reader_branch_path
from ..models.quiz_attempts import QuizAttempt
from .deadlines import format_time, is_late


def _active_role_exists(member_ref, role, today):
    return CommitteeRole.objects.current(on=today).filter(member=member_ref, role=role)


def check_reader(quiz, user, now):
    """The user's Member, after the refusals that do not depend on the clock:
    not an active member, quiz not published or not readable, role missing."""
    branch_path = reader_branch_path(user)
    if branch_path is None:
        raise ServiceError(
            ErrorCode.NOT_MEMBER, gettext("Only active party members can take quizzes.")
        )
    readable = (
        Page.objects.live().filter(pk=quiz.pk).filter(readable_by(branch_path)).exists()
        if quiz.pk
        else False
    )
    if not readable:
        raise ServiceError(ErrorCode.NOT_FOUND, gettext("No such quiz."))
    member = user.member
    if (
        quiz.required_role
        and not _active_role_exists(member, quiz.required_role, timezone.localdate(now)).exists()
    ):
        raise ServiceError(
            ErrorCode.ROLE_REQUIRED,
            gettext("This quiz is only for members holding the office of %(role)s.")
            % {"role": quiz.get_required_role_display().lower()},
        )
    return member


def check_window(quiz, now):
    """Refuse (not_open, closed) outside the quiz's opening hours."""
    if quiz.opens_at and now < quiz.opens_at:
        raise ServiceError(
            ErrorCode.NOT_OPEN,
            gettext("This quiz opens at %(time)s.") % {"time": format_time(quiz.opens_at)},
        )
    if quiz.closes_at and now >= quiz.closes_at:
        raise ServiceError(
            ErrorCode.CLOSED,
            gettext("This quiz closed at %(time)s.") % {"time": format_time(quiz.closes_at)},
        )


def check_attempts_left(quiz, used):
    """Refuse (no_attempts_left) once a member has made ``used`` attempts of
    the ones allowed."""
    if used >= quiz.attempts_allowed:
        raise ServiceError(
            ErrorCode.NO_ATTEMPTS_LEFT,
            ngettext(
                "You have used your %(count)d attempt at this quiz.",
                "You have used all %(count)d attempts at this quiz.",
                quiz.attempts_allowed,
            )
            % {"count": quiz.attempts_allowed},
        )


def check_can_take(quiz, user, *, now=None):
    """Raise ServiceError unless ``user`` may start (or go on with) an attempt now.

    Codes: not_member, not_found, role_required, not_open, closed,
    no_attempts_left. The bank is checked only by ``start_attempt``.
    """
    now = now or timezone.now()
    member = check_reader(quiz, user, now)
    attempts = QuizAttempt.objects.filter(quiz=quiz, member=member)
    open_attempt = attempts.filter(submitted_at__isnull=True).first()
    if open_attempt is not None and not is_late(open_attempt, quiz, now):
        return
    check_window(quiz, now)
    check_attempts_left(quiz, attempts.count())


def can_take(quiz, user, *, now=None):
    """Whether ``user`` may start (or go on with) an attempt of ``quiz`` now."""
    try:
        check_can_take(quiz, user, now=now)
    except ServiceError:
        return False
    return True


def eligible_members(quiz, unit, now):
    """Active members of ``unit``'s subtree who may take the quiz: readers of
    its published audience, holding the required role if there is one."""
    members = Member.objects.active().in_subtree_of(unit)
    row = PageAudience.objects.filter(page_id=quiz.pk).first()
    if row is not None and row.audience == Audience.UNIT:
        condition = Q()
        for path in row.reader_scopes.values_list("path", flat=True):
            condition |= Q(branch__path__startswith=path)
        members = members.filter(condition) if condition else members.none()
    if quiz.required_role:
        members = members.filter(
            Exists(
                _active_role_exists(OuterRef("pk"), quiz.required_role, timezone.localdate(now))
            )
        )
    return members
