"""``GET /api/answers/<id>/``: a ready answer ("hỏi đáp") for reader apps.

Search lists answers among its hits (``kind: "answer"``) with this address as
their ``url``; an answer has no page of its own. The audience is the one
rule of every reader channel (``ReaderRule``), over the answer's audience
with its owning unit as the reader scope of a unit-only answer, as the
search index records it (``search.records``): a member reads such an answer
when it belongs to their branch or a unit above it. Only the published
version is shown. An answer the caller may not read answers exactly as an id
that does not exist.

The body is rich text as in page details: absolute links, and no link to a
page the caller may not read. The ETag covers the caller's audience, the
answer's published version and its translations, and the content version
(the linked pages); a match answers 304 after three small queries.
"""

from django.db.models import OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from content_types.blocks import rich_text_page_ids
from content_types.models import AnswerEntry
from content_types.models.audience import Audience, ReaderRule
from editorial.models import Unit

from .conditional import (
    apply_validators,
    content_version,
    make_etag,
    not_modified,
    not_modified_response,
)
from .exceptions import ApiError
from .representation import reader_rich_text
from .summaries import unit_summary
from .visibility import audience_key, readable_pages


def readable_answers(user):
    """Published answers ``user`` may read."""
    owning_unit = Unit.objects.filter(pk=OuterRef("unit_id"))
    allowed = ReaderRule.for_user(user).q(audience_field="audience", scopes=owning_unit)
    return AnswerEntry.objects.filter(live=True).filter(allowed)


def answer_url(request, pk):
    return request.build_absolute_uri(reverse("api_answer", args=[pk]))


def _translations(answer, user):
    return list(
        readable_answers(user)
        .filter(translation_key=answer.translation_key)
        .exclude(pk=answer.pk)
        .order_by("locale__language_code")
        .values_list("pk", "locale__language_code", "live_revision_id")
    )


def answer_json(answer, translations, request):
    linked = rich_text_page_ids(answer.answer)
    readable = set(
        readable_pages(request.user).filter(pk__in=linked).values_list("pk", flat=True)
        if linked
        else ()
    )
    return {
        "id": answer.pk,
        "url": answer_url(request, answer.pk),
        "question": answer.question,
        "answer": reader_rich_text(answer.answer, request, readable),
        "category": answer.category,
        "category_label": answer.get_category_display(),
        "unit": unit_summary(answer.unit),
        "audience": answer.audience,
        "locale": answer.locale.language_code,
        "updated_at": answer.updated_at.isoformat(),
        "last_published_at": answer.last_published_at.isoformat()
        if answer.last_published_at
        else None,
        "translations": [
            {"id": pk, "locale": locale, "url": answer_url(request, pk)}
            for pk, locale, _revision in translations
        ],
    }


UNIT_FIELDS = {
    "id": serializers.IntegerField(),
    "code": serializers.CharField(),
    "name": serializers.CharField(),
}

ANSWER_RESPONSE = inline_serializer(
    "Answer",
    {
        "id": serializers.IntegerField(),
        "url": serializers.URLField(),
        "question": serializers.CharField(),
        "answer": serializers.CharField(help_text="HTML with absolute links."),
        "category": serializers.CharField(),
        "category_label": serializers.CharField(),
        "unit": inline_serializer("AnswerUnit", UNIT_FIELDS),
        "audience": serializers.CharField(),
        "locale": serializers.CharField(),
        "updated_at": serializers.DateTimeField(),
        "last_published_at": serializers.DateTimeField(allow_null=True),
        "translations": inline_serializer(
            "AnswerTranslation",
            {
                "id": serializers.IntegerField(),
                "locale": serializers.CharField(),
                "url": serializers.URLField(),
            },
            many=True,
        ),
    },
)


class AnswerView(APIView):
    """A published answer the caller may read, with ETag and 304."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses={
            200: ANSWER_RESPONSE,
            304: OpenApiResponse(description="Not modified: the copy the app holds is current."),
        }
    )
    def get(self, request, answer_id):
        answer = (
            readable_answers(request.user)
            .select_related("unit", "locale")
            .filter(pk=answer_id)
            .first()
        )
        if answer is None:
            raise ApiError("not_found", _("Not found."), 404)
        translations = _translations(answer, request.user)
        version, modified = content_version()
        viewer = audience_key(request.user)
        etag = make_etag(
            "answer",
            viewer,
            request.get_full_path(),
            version,
            answer.live_revision_id,
            answer.updated_at.isoformat(),
            answer.unit.code,
            answer.unit.name,
            translations,
        )
        last_modified = max(filter(None, (answer.last_published_at, modified)), default=None)
        public = viewer == Audience.PUBLIC
        if not_modified(request, etag, last_modified):
            return not_modified_response(etag, last_modified, public=public)
        response = Response(answer_json(answer, translations, request))
        return apply_validators(response, etag, last_modified, public=public)
