"""Online votes during a meeting, under the Charter's rules.

Who has voted (``VoteReceipt``) and what was chosen (``Ballot``) are kept
apart. For a secret vote nothing joins them: a ballot has no member, no
time, and a random UUID for its key, so neither its key nor a column orders
ballots as the receipts were written; when the vote closes, its ballots are
written again in a shuffled order (``branches.voting.close_vote``). For an
open vote the choice is on the receipt too, as it is said aloud.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

#: The Charter's default: more than half of the official members present.
MORE_THAN_HALF = 50


class VoteState(models.TextChoices):
    OPEN = "open", pgettext_lazy("vote", "Open")
    CLOSED = "closed", pgettext_lazy("vote", "Closed")


class Choice(models.TextChoices):
    APPROVE = "approve", pgettext_lazy("vote", "Approve")
    REJECT = "reject", pgettext_lazy("vote", "Reject")
    ABSTAIN = "abstain", pgettext_lazy("vote", "Abstain")


class Vote(models.Model):
    """A question put to the vote on an agenda item.

    ``quorum_percent``: the vote counts when the ballots cast are more than
    this share of the eligible voters (official members of the branch
    recorded present). ``threshold_percent``: it passes when the approvals
    are more than this share of the eligible voters. Both default to the
    Charter's "more than half"."""

    meeting = models.ForeignKey("branches.Meeting", on_delete=models.CASCADE, related_name="votes")
    agenda_item = models.ForeignKey(
        "branches.AgendaItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="votes",
    )
    question = models.CharField(_("question"), max_length=500)
    secret = models.BooleanField(_("secret ballot"), default=False)
    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum (percent of eligible voters)"),
        default=MORE_THAN_HALF,
        validators=[MaxValueValidator(99)],
    )
    threshold_percent = models.PositiveSmallIntegerField(
        _("passing threshold (percent of eligible voters)"),
        default=MORE_THAN_HALF,
        validators=[MaxValueValidator(99)],
    )
    state = models.CharField(max_length=8, choices=VoteState.choices, default=VoteState.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # Counted when the vote closes.
    eligible_count = models.PositiveIntegerField(null=True, blank=True)
    approve_count = models.PositiveIntegerField(null=True, blank=True)
    reject_count = models.PositiveIntegerField(null=True, blank=True)
    abstain_count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["opened_at", "id"]

    def __str__(self):
        return self.question

    @property
    def is_open(self):
        return self.state == VoteState.OPEN

    @property
    def cast_count(self):
        return (self.approve_count or 0) + (self.reject_count or 0) + (self.abstain_count or 0)

    @property
    def quorum_met(self):
        return self.cast_count * 100 > self.quorum_percent * (self.eligible_count or 0)

    @property
    def passed(self):
        needed = self.threshold_percent * (self.eligible_count or 0)
        return self.quorum_met and (self.approve_count or 0) * 100 > needed


class VoteReceipt(models.Model):
    """That a member has voted: one per member and vote (the database refuses
    a second). The choice is here for open votes only."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="receipts")
    member = models.ForeignKey("editorial.Member", on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(max_length=8, choices=Choice.choices, blank=True)

    class Meta:
        verbose_name = _("vote receipt")
        verbose_name_plural = _("vote receipts")
        constraints = [
            models.UniqueConstraint(fields=["vote", "member"], name="branches_one_receipt")
        ]

    def __str__(self):
        return f"{self.vote_id}: {self.member_id}"


class Ballot(models.Model):
    """One choice cast in a vote, with nothing that says whose it is."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    choice = models.CharField(max_length=8, choices=Choice.choices)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self):
        return str(self.pk)
