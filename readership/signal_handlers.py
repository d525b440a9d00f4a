"""Sign-ins are recorded from Django's ``user_logged_in``: the API's
``POST /api/auth/token/`` sends it, and so does the admin's sign-in.
Connected by ``register_signal_handlers()`` from ``ready()``."""

from django.contrib.auth.signals import user_logged_in

from .recording import record_sign_in


def sign_in_recorded(sender, request=None, user=None, **kwargs):
    record_sign_in(user)


def register_signal_handlers():
    user_logged_in.connect(sign_in_recorded, dispatch_uid="readership_sign_in")
