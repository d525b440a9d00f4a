"""Authentication that knows about party membership status, and the lockout
after repeated failed sign-ins (django-axes, with a growing wait)."""

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import Max, Sum
from django.utils import timezone

from .models import Member


class MemberStatusBackend(ModelBackend):
    """Refuse sign-in to members who have left, died, or been struck off or expelled.

    Their user and member records stay; only signing in stops. Users with no
    member record (e.g. technical staff) fall back to Django's is_active rule.
    """

    def user_can_authenticate(self, user):
        if not super().user_can_authenticate(user):
            return False
        try:
            return user.member.is_active_member
        except Member.DoesNotExist:
            return True


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first in AUTHENTICATION_BACKENDS: refuses a
    locked-out username and address before any password is checked.

    A sign-in with no request (a script, the test client's ``login()``) has no
    address to lock out; axes would raise, here it passes to the next back end.
    Every sign-in page and the API pass their request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_ends(failures, last_failure, limit):
    """When a (username, address) pair with ``failures`` failed sign-ins, the last
    at ``last_failure``, may try again; None when it is not locked out.

    The wait starts at SIGN_IN_LOCKOUT and doubles with each failure past the
    limit, up to SIGN_IN_LOCKOUT_MAX: guessing slows to a crawl, while a member
    who mistyped a few times waits a minute.
    """
    if last_failure is None or failures < limit:
        return None
    wait = min(settings.SIGN_IN_LOCKOUT * 2 ** (failures - limit), settings.SIGN_IN_LOCKOUT_MAX)
    return last_failure + wait


class BackoffLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler (attempts shared by every worker, rolled back in
    tests), locking a (username, address) pair out for a growing wait instead of
    a fixed cool-off. AXES_COOLOFF_TIME is how long failures are remembered.

    Lockout is per username *and* address (AXES_LOCKOUT_PARAMETERS), so a
    stranger guessing from elsewhere cannot lock a member out.
    """

    def is_locked(self, request, credentials=None):
        ends = self.lockout_ends(request, credentials)
        return ends is not None and ends > timezone.now()

    def lockout_ends(self, request, credentials=None):
        failures, last_failure = 0, None
        for attempts in self.get_user_attempts(request, credentials):
            found = attempts.aggregate(
                failures=Sum("failures_since_start"), last=Max("attempt_time")
            )
            if found["failures"] and found["failures"] > failures:
                failures, last_failure = found["failures"], found["last"]
        return lockout_ends(failures, last_failure, get_failure_limit(request, credentials))
