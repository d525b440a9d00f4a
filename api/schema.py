"""OpenAPI hooks: the DRF endpoints are described by drf-spectacular; the
Wagtail API v2 content endpoints (whose serialisers depend on ``?type`` and
``?fields``) are written out here, with every filter the reader apps use."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from search.params import MAX_QUERY_LENGTH

from .filters import MAX_ID, MAX_OFFSET
from .urls import IdConverter

WAGTAIL_PREFIX = "/api/v2/"


def _describable(callback):
    """A view drf-spectacular can describe: ours are annotated; another app's
    view joins the schema once it declares a serializer or ``extend_schema``
    (until then it would fail ``check --deploy`` with W002)."""
    view = getattr(callback, "cls", None)
    if view is None or view.__module__.startswith("api."):
        return True
    annotated = view.__dict__.get("schema") is not None or any(
        "schema" in getattr(getattr(view, method, None), "kwargs", {})
        for method in ("get", "post", "put", "patch", "delete")
    )
    return annotated or getattr(view, "serializer_class", None) is not None


def only_api_paths(endpoints):
    """Our DRF views under /api/; the Wagtail v2 views are added by ``content_paths``."""
    return [
        endpoint
        for endpoint in endpoints
        if endpoint[0].startswith("/api/")
        and not endpoint[0].startswith(WAGTAIL_PREFIX)
        and _describable(endpoint[3])
    ]


def _query(name, description, schema=None):
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


WINDOW = [
    _query(
        "limit",
        "Items per page (default 20, at most 100).",
        {"type": "integer", "minimum": 0, "maximum": 100},
    ),
    _query(
        "offset",
        f"Items to skip (at most {MAX_OFFSET}).",
        {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
    ),
    _query(
        "fields",
        "Wagtail fields syntax, e.g. `*` or `title,-html_url`; without it, compact items.",
    ),
    _query("order", "A field to order by, `-field` for descending, or `random`."),
]

PAGE_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}

SEARCH = [
    _query(
        "search",
        f"Full-text search (at most {MAX_QUERY_LENGTH} characters, no control characters).",
        {"type": "string", "maxLength": MAX_QUERY_LENGTH},
    ),
    _query(
        "search_operator",
        "With `search`: all words (`and`) or any word (`or`).",
        {"type": "string", "enum": ["and", "or"]},
    ),
]

PAGE_FILTERS = [
    _query(
        "type",
        "Page type, e.g. `content_types.NewsArticle`, `content_types.PartyDocument`, "
        "`content_types.StudyModule`, `content_types.StudyLesson`, `content_types.Quiz`.",
    ),
    _query("child_of", "Pages directly below this page id.", PAGE_ID),
    _query("descendant_of", "Pages anywhere below this page id.", PAGE_ID),
    _query("ancestor_of", "Pages above this page id.", PAGE_ID),
    _query("translation_of", "Translations of this page id.", PAGE_ID),
    _query(
        "after",
        "Continue a newest-first listing after this cursor (`meta.next` of the window "
        "before); not with `order`, `offset` or `search`.",
    ),
    _query(
        "unit",
        "A unit's feed: its own pages and pages promoted into it.",
        PAGE_ID,
    ),
    _query(
        "subtree",
        "With `unit`: the feeds of the unit and every unit below it.",
        {"type": "boolean"},
    ),
    _query(
        "category",
        "News category.",
        {"type": "string", "enum": ["province", "country", "world", "unit_activities"]},
    ),
    _query("document_type", "Document type code (see the document types)."),
    _query(
        "status",
        "Document status.",
        {"type": "string", "enum": ["in_force", "amended", "replaced", "expired"]},
    ),
    _query(
        "date_from", "Reader date on or after (YYYY-MM-DD).", {"type": "string", "format": "date"}
    ),
    _query(
        "date_to", "Reader date on or before (YYYY-MM-DD).", {"type": "string", "format": "date"}
    ),
    _query("locale", "Language code of the page's locale, e.g. `vi`."),
]

ERROR = {"$ref": "#/components/schemas/Error"}
NULLABLE_STRING = {"type": "string", "nullable": True}

COMPONENTS = {
    "Error": {
        "type": "object",
        "required": ["code", "message"],
        "properties": {
            "code": {"type": "string", "description": "Stable, for apps to switch on."},
            "message": {
                "type": "string",
                "description": "For people; Vietnamese unless Accept-Language: en.",
            },
            "fields": {"type": "object", "additionalProperties": True},
        },
    },
    "PageItem": {
        "type": "object",
        "required": ["id", "type", "title"],
        "properties": {
            "id": {"type": "integer"},
            "type": {"type": "string"},
            "detail_url": {"type": "string"},
            "html_url": NULLABLE_STRING,
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "date": NULLABLE_STRING,
            "unit": {
                "type": "object",
                "nullable": True,
                "properties": {
                    "id": {"type": "integer"},
                    "code": {"type": "string"},
                    "name": {"type": "string"},
                },
            },
            "image": {"type": "object", "nullable": True, "additionalProperties": True},
        },
        "additionalProperties": True,
    },
    "Audio": {
        "type": "object",
        "nullable": True,
        "description": "The page read aloud; null while it is being made or if making it "
        "failed. The file passes the page's audience check and answers Range requests.",
        "required": ["url", "duration_seconds", "source", "bytes"],
        "properties": {
            "url": {"type": "string"},
            "duration_seconds": {"type": "number"},
            "source": {"type": "string", "enum": ["generated", "recorded"]},
            "bytes": {"type": "integer"},
        },
    },
    "PageDetail": {
        "allOf": [
            {"$ref": "#/components/schemas/PageItem"},
            {
                "type": "object",
                "properties": {
                    "audience": {"type": "string"},
                    "body": {
                        "type": "array",
                        "items": {"type": "object", "additionalProperties": True},
                    },
                    "audio": {"$ref": "#/components/schemas/Audio"},
                    "translations": {
                        "type": "array",
                        "items": {"type": "object", "additionalProperties": True},
                    },
                    "intro": {
                        "type": "string",
                        "description": "Study modules and quizzes: HTML with absolute links.",
                    },
                    "estimated_minutes": {
                        "type": "integer",
                        "description": "Lessons and study modules.",
                    },
                    "module": {
                        "type": "object",
                        "description": "Lessons: the study module they belong to.",
                        "required": ["id", "title"],
                        "properties": {"id": {"type": "integer"}, "title": {"type": "string"}},
                    },
                    "next_lesson": {
                        "type": "integer",
                        "nullable": True,
                        "description": "Lessons: the module's next published lesson; null "
                        "after the last.",
                    },
                    "relations": {
                        "type": "array",
                        "description": "Party documents: the documents it amends, replaces, "
                        "implements or guides and those that do so to it, readable by the caller.",
                        "items": {
                            "type": "object",
                            "required": ["id", "label", "kind", "number", "title"],
                            "properties": {
                                "id": {"type": "integer"},
                                "label": {"type": "string"},
                                "kind": {
                                    "type": "string",
                                    "enum": ["amends", "replaces", "implements", "guides"],
                                },
                                "number": {"type": "string"},
                                "title": {"type": "string"},
                            },
                        },
                    },
                },
            },
            {"$ref": "#/components/schemas/StudyModuleFacts"},
            {"$ref": "#/components/schemas/QuizFacts"},
        ]
    },
    "StudyModuleFacts": {
        "type": "object",
        "description": "Study modules (also with `?fields=`).",
        "properties": {
            "opens_on": {"type": "string", "format": "date", "nullable": True},
            "due_on": {"type": "string", "format": "date", "nullable": True},
            "final_quiz": {
                "type": "integer",
                "nullable": True,
                "description": "The final quiz's page id; null if none or not readable by "
                "the caller.",
            },
            "lessons_count": {"type": "integer", "description": "Published lessons."},
        },
    },
    "QuizFacts": {
        "type": "object",
        "description": "Quizzes (also with `?fields=`): the same for every reader. The "
        "caller's own standing (status, attempts used) is "
        "`GET /api/quizzes/{quiz_id}/attempts/`.",
        "properties": {
            "time_limit_minutes": {"type": "integer"},
            "opens_at": {"type": "string", "format": "date-time", "nullable": True},
            "closes_at": {"type": "string", "format": "date-time", "nullable": True},
            "attempts_allowed": {"type": "integer"},
            "pass_mark": {"type": "integer", "description": "Percent of correct answers."},
            "is_contest": {"type": "boolean"},
            "required_role": {
                "type": "string",
                "nullable": True,
                "description": "Only members holding this office may take it.",
            },
            "question_count": {"type": "integer", "description": "Questions drawn."},
            "corrections": {
                "type": "string",
                "enum": ["after_submit", "after_close"],
                "description": "When a member sees the answers of their attempt.",
            },
        },
    },
    "Listing": {
        "type": "object",
        "required": ["meta", "items"],
        "properties": {
            "meta": {
                "type": "object",
                "properties": {
                    "total_count": {
                        "type": "integer",
                        "description": "Exact up to 10,000, then 10,000 (see total_count_capped).",
                    },
                    "total_count_capped": {"type": "boolean"},
                    "next": {
                        "type": "string",
                        "nullable": True,
                        "description": "Newest-first listings: the `after` cursor of the next "
                        "window, null at the end.",
                    },
                },
            },
            "items": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
        },
    },
}


def _error(description):
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


# Every refusal under /api/ has the same JSON shape (``api.exceptions``).
ERRORS = {
    "400": _error("A bad parameter or field, named in `fields`."),
    "401": _error("Sign-in needed, or the token is no longer valid."),
    "403": _error("Not allowed to the caller."),
    "404": _error("Not found, or not readable by the caller."),
    "409": _error("Refused in the object's current state (e.g. a submitted attempt)."),
    "429": _error("Too many requests; see Retry-After."),
}


def _responses(ok_schema):
    return {
        "200": {
            "description": "OK (with ETag and Last-Modified)",
            "content": {"application/json": {"schema": ok_schema}},
        },
        "304": {"description": "Not modified: the copy the app holds (If-None-Match) is current."},
        "400": ERRORS["400"],
        "404": ERRORS["404"],
    }


def _operation(operation_id, summary, parameters, ok_schema, tag):
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "tags": [tag],
            "parameters": parameters,
            "responses": _responses(ok_schema),
            "security": [{"bearerAuth": []}, {}],
        }
    }


ID = {"name": "id", "in": "path", "required": True, "schema": PAGE_ID}

FIND = [
    _query("html_path", "The page's path on the site, e.g. `/tin-tuc/hoi-nghi/`."),
    _query("id", "The page's id.", PAGE_ID),
]


def content_paths(result, generator, request, public):
    """Add the Wagtail v2 endpoints and the bearer security scheme."""
    listing = {"$ref": "#/components/schemas/Listing"}
    paths = {
        f"{WAGTAIL_PREFIX}pages/": _operation(
            "pages_list",
            "Pages the caller may read (compact items newest first unless `fields`/`order`).",
            WINDOW + PAGE_FILTERS + SEARCH,
            listing,
            "content",
        ),
        f"{WAGTAIL_PREFIX}pages/find/": _find_operation(),
        f"{WAGTAIL_PREFIX}pages/{{id}}/": _operation(
            "pages_detail",
            "A page with its body as structured JSON (rich text with absolute links), "
            "for news, documents and lessons its audio, for modules and quizzes their "
            "schedule and rules.",
            [ID, WINDOW[2]],
            {"$ref": "#/components/schemas/PageDetail"},
            "content",
        ),
        f"{WAGTAIL_PREFIX}images/": _operation(
            "images_list",
            "Images not only used on pages the caller may not read.",
            WINDOW + SEARCH,
            listing,
            "content",
        ),
        f"{WAGTAIL_PREFIX}images/{{id}}/": _operation(
            "images_detail", "An image.", [ID, WINDOW[2]], {"type": "object"}, "content"
        ),
        f"{WAGTAIL_PREFIX}documents/": _operation(
            "documents_list",
            "Documents (files) not only attached to pages the caller may not read.",
            WINDOW + SEARCH,
            listing,
            "content",
        ),
        f"{WAGTAIL_PREFIX}documents/{{id}}/": _operation(
            "documents_detail",
            "A document (file).",
            [ID, WINDOW[2]],
            {"type": "object"},
            "content",
        ),
    }
    result.setdefault("paths", {}).update(paths)
    _describe_ids_and_errors(result["paths"])
    components = result.setdefault("components", {})
    components.setdefault("schemas", {}).update(COMPONENTS)
    components.setdefault("securitySchemes", {})["bearerAuth"] = {
        "type": "http",
        "scheme": "bearer",
        "description": "A token from POST /api/auth/token/.",
    }
    return result


def _find_operation():
    """``find/``: a redirect to the page's detail address."""
    responses = {
        "302": {"description": "Found: `Location` is the page's detail address."},
        "400": ERRORS["400"],
        "404": ERRORS["404"],
    }
    return {
        "get": {
            "operationId": "pages_find",
            "summary": "Find a page by its site path or id (redirects to its detail).",
            "tags": ["content"],
            "parameters": FIND,
            "responses": responses,
            "security": [{"bearerAuth": []}, {}],
        }
    }


def _describe_ids_and_errors(paths):
    """drf-spectacular describes our ``<id:>`` path converter as a string with
    a pattern; it is an integer from 1 to MAX_ID. And every DRF operation may
    answer the JSON errors of ``ERRORS`` besides what it declares."""
    pattern = f"^{IdConverter.regex}$"
    for operations in paths.values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter["schema"].get("pattern") == pattern:
                    parameter["schema"] = dict(PAGE_ID)
            responses = operation.setdefault("responses", {})
            for status, response in ERRORS.items():
                responses.setdefault(status, response)


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from POST /api/auth/token/.",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
