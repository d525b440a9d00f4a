"""Rankings: members by their best attempt, and the units below a unit.

Rankings only read. Attempts whose time ran out are counted once they are
closed, which the scheduled task ``content_types.tasks.close_expired_quiz_attempts``
does every few minutes (see docs/operations.md).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber, Substr
from django.utils import timezone
from wagtail.models import Page

from editorial.models import Unit, UnitStatus

from ..models.quiz_attempts import QuizAttempt
from .eligibility import eligible_members


def _best_attempts(quiz):
    """Each member's best closed attempt: highest score, then shortest time,
    then earliest submission."""
    return (
        QuizAttempt.objects.filter(quiz=quiz, submitted_at__isnull=False)
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("member_id")],
                order_by=[
                    F("score").desc(),
                    F("time_taken").asc(),
                    F("submitted_at").asc(),
                    F("pk").asc(),
                ],
            )
        )
        .filter(position=1)
    )


@dataclass(frozen=True)
class RankingEntry:
    rank: int
    attempt: QuizAttempt

    @property
    def member(self):
        return self.attempt.member


def quiz_ranking(quiz, limit=None):
    """Members ranked by their best attempt: score, then time taken (equal
    score and time share a rank). One query, and no write: an attempt whose
    time ran out counts once ``close_expired_attempts`` has closed it."""
    best = _best_attempts(quiz).select_related("member__branch")
    best = best.order_by("-score", "time_taken", "submitted_at", "pk")
    if limit:
        best = best[:limit]
    entries, previous, rank = [], None, 0
    for position, attempt in enumerate(best, start=1):
        if (attempt.score, attempt.time_taken) != previous:
            rank, previous = position, (attempt.score, attempt.time_taken)
        entries.append(RankingEntry(rank, attempt))
    return entries


@dataclass
class UnitRankingRow:
    unit: Unit
    members: int = 0  # active members who may take the quiz
    participants: int = 0
    average_score: float | None = None
    best_score: int | None = None
    average_time: datetime.timedelta | None = None
    rank: int | None = None
    # Members attached to the ranked unit itself rather than to a unit below.
    direct: bool = False
    _scores: list = field(default_factory=list, repr=False)
    _times: list = field(default_factory=list, repr=False)

    @property
    def participation_rate(self):
        """Participants over members who may take part, 0..1; None if nobody may."""
        return self.participants / self.members if self.members else None

    def _finish(self):
        if self._scores:
            self.participants = len(self._scores)
            self.average_score = sum(self._scores) / len(self._scores)
            self.best_score = max(self._scores)
            self.average_time = sum(self._times, datetime.timedelta()) / len(self._times)


@dataclass
class UnitRanking:
    quiz: Page  # the Quiz
    unit: Unit
    rows: list[UnitRankingRow]
    total: UnitRankingRow


def unit_ranking(quiz, unit, *, now=None):
    """Per child unit of ``unit`` (e.g. the branches of a grassroots unit, the
    districts of the province): members who may take the quiz, participants,
    participation rate, average and best of the participants' best scores, and
    their average time; ranked by average score, then average time.

    A constant number of queries however large the tree: the child units of a
    unit share a path length, so members and attempts are grouped by that
    prefix of their branch's path.
    """
    now = now or timezone.now()
    prefix_length = len(unit.path) + unit.steplen
    eligible = eligible_members(quiz, unit, now)
    members = dict(
        eligible.annotate(prefix=Substr("branch__path", 1, prefix_length))
        .values("prefix")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("prefix", "count")
    )
    best = (
        _best_attempts(quiz)
        .filter(member__in=eligible)
        .annotate(prefix=Substr("member__branch__path", 1, prefix_length))
        .values_list("prefix", "score", "time_taken")
    )
    by_prefix = defaultdict(list)
    for prefix, score, time_taken in best:
        by_prefix[prefix].append((score, time_taken))
    children = Unit.objects.filter(
        Q(path__in=[*members.keys(), *by_prefix.keys()])
        | Q(path__startswith=unit.path, depth=unit.depth + 1, status=UnitStatus.ACTIVE)
    ).order_by("path")
    rows, total = [], UnitRankingRow(unit=unit)
    for child in children:
        row = UnitRankingRow(
            unit=child, members=members.get(child.path, 0), direct=child.pk == unit.pk
        )
        for score, time_taken in by_prefix.get(child.path, []):
            row._scores.append(score)
            row._times.append(time_taken)
        row._finish()
        total.members += row.members
        total._scores += row._scores
        total._times += row._times
        rows.append(row)
    total._finish()
    rows.sort(
        key=lambda row: (
            row.average_score is None,
            -(row.average_score or 0),
            row.average_time or datetime.timedelta.max,
            row.unit.path,
        )
    )
    previous, rank = None, 0
    for position, row in enumerate(rows, start=1):
        if row.average_score is None:
            break
        if (row.average_score, row.average_time) != previous:
            rank, previous = position, (row.average_score, row.average_time)
        row.rank = rank
    return UnitRanking(quiz=quiz, unit=unit, rows=rows, total=total)
