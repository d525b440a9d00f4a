"""A quiz's ranking by unit for reader apps (contests between units).

``GET /api/quizzes/<id>/unit-ranking/?unit=<unit id>``: per unit directly
below a unit, what ``content_types.quizzes.unit_ranking`` counts (members who
may take the quiz, participants, participation rate, average and best of the
participants' best scores, average time) and the rank. The same readers as
the member ranking (``api.interactive.RankingView``): whoever may read the
quiz; a quiz they may not read is a 404.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from content_types import quizzes
from content_types.models import PageAudience, Quiz
from editorial.models import Unit, UnitStatus

from .exceptions import ApiError
from .filters import integer_parameter
from .interactive import readable


def ranked_unit(quiz, request):
    """The unit whose child units are ranked: ``?unit=`` (the quiz's own unit
    or an active unit below it), by default the unit that owns the quiz.
    Another unit is a 404, as if it did not exist for this quiz."""
    owner_path = (
        PageAudience.objects.filter(page_id=quiz.pk).values_list("unit_path", flat=True).first()
    )
    units = Unit.objects.filter(path__startswith=owner_path) if owner_path else Unit.objects.none()
    pk = integer_parameter(request, "unit", minimum=1)
    unit = (
        units.filter(pk=pk, status=UnitStatus.ACTIVE).first()
        if pk is not None
        else units.filter(path=owner_path).first()
    )
    if unit is None:
        raise ApiError("not_found", _("This quiz ranks no such unit."), 404)
    return unit


def unit_json(unit):
    return {"id": unit.pk, "name": unit.name}


def row_json(row):
    return {
        "rank": row.rank,
        "unit": unit_json(row.unit),
        "direct": row.direct,
        "members": row.members,
        "participants": row.participants,
        "participation_rate": row.participation_rate,
        "average_score": row.average_score,
        "best_score": row.best_score,
        "average_time_seconds": (
            round(row.average_time.total_seconds()) if row.average_time is not None else None
        ),
    }


UNIT_FIELDS = {"id": serializers.IntegerField(), "name": serializers.CharField()}
ROW_FIELDS = {
    "rank": serializers.IntegerField(allow_null=True),
    "unit": inline_serializer("RankedUnit", UNIT_FIELDS),
    "direct": serializers.BooleanField(),
    "members": serializers.IntegerField(),
    "participants": serializers.IntegerField(),
    "participation_rate": serializers.FloatField(allow_null=True),
    "average_score": serializers.FloatField(allow_null=True),
    "best_score": serializers.IntegerField(allow_null=True),
    "average_time_seconds": serializers.IntegerField(allow_null=True),
}
UNIT_RANKING_RESPONSE = inline_serializer(
    "UnitRanking",
    {
        "quiz": serializers.IntegerField(),
        "unit": inline_serializer("UnitRankingUnit", UNIT_FIELDS),
        "max_score": serializers.IntegerField(),
        "items": inline_serializer("UnitRankingRow", ROW_FIELDS, many=True),
        "total": inline_serializer("UnitRankingTotal", ROW_FIELDS),
    },
)


class UnitRankingView(APIView):
    """The units directly below a unit, ranked by their participants'
    average best score, then average time (units nobody from took part in
    come last, without a rank). Their member counts are for signed-in
    readers only, even of a public quiz."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "unit",
                int,
                description="The unit whose child units are ranked: the quiz's own unit "
                "(the default) or a unit below it.",
            )
        ],
        responses=UNIT_RANKING_RESPONSE,
    )
    def get(self, request, quiz_id):
        quiz = readable(Quiz, request.user, quiz_id)
        unit = ranked_unit(quiz, request)
        ranking = quizzes.unit_ranking(quiz, unit)
        return Response(
            {
                "quiz": quiz.pk,
                "unit": unit_json(unit),
                "max_score": quiz.question_count,
                "items": [row_json(row) for row in ranking.rows],
                "total": row_json(ranking.total),
            }
        )
