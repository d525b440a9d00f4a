"""The rules of a quiz attempt: drawing, timing, submitting, scoring, rankings."""

from django.dispatch import Signal

# Sent with ``attempt=`` once a submitted attempt is stored (study modules
# listen to count a passed final quiz).
attempt_submitted = Signal()
