"""``GET /api/search/`` and ``GET /api/search/suggest/``.

Authentication is the API's default (session or Bearer token); anonymous
callers search public content. Which back end answered is in the
``X-Search-Backend`` header, for operators.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .params import SearchParams, SearchQuerySerializer, SuggestQuerySerializer
from .service import run_search, run_suggest


class SearchView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[SearchQuerySerializer],
        responses=OpenApiTypes.OBJECT,
        description="Archive search: hits the caller may read, counts and facets.",
    )
    def get(self, request):
        serializer = SearchQuerySerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        body, backend = run_search(SearchParams.from_data(serializer.validated_data), request.user)
        return Response(
            body, headers={"X-Search-Backend": backend, "Cache-Control": "private, no-cache"}
        )


class SuggestView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[SuggestQuerySerializer],
        responses=OpenApiTypes.OBJECT,
        description="Titles completing what the reader is typing.",
    )
    def get(self, request):
        serializer = SuggestQuerySerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        results, backend = run_suggest(data["q"], request.user, data["locale"])
        return Response(
            {"results": results},
            headers={"X-Search-Backend": backend, "Cache-Control": "private, no-cache"},
        )
