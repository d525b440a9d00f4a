"""Sign-in throttles: per client address and per username, against password guessing."""

import hashlib

from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle


class SignInRateThrottle(AnonRateThrottle):
    """Every sign-in attempt from one address counts, signed in or not."""

    scope = "sign_in"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SignInUsernameThrottle(SimpleRateThrottle):
    """Attempts on one username from anywhere: guessing from many addresses is slowed too."""

    scope = "sign_in_user"

    def get_cache_key(self, request, view):
        data = request.data
        username = str(data.get("username", "")).strip().lower() if isinstance(data, dict) else ""
        if not username:
            return None
        ident = hashlib.sha256(username.encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}
