"""One archive line checked and turned into an unsaved page: ``Item``.

Every check that needs only the line and what was loaded once for the whole
file (units, their list pages, locales) is made here, so that checking costs
no query per line: the unit and its list page (pending for a unit with no home
page yet, see ``context.provide_listings``), dates, choices, the number and
symbol against the document type and the unit's abbreviation (as the admin
form does), attachments by content (``context``), and the model fields' own
validators (max lengths, URLs). Matching against the database and between
lines is in ``matching``.
"""

import datetime
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from wagtail.models import Page

from editorial.imports.reading import RowError
from editorial.models import Unit, UnitStatus

from ..models import (
    Audience,
    DocumentStatus,
    NewsArticle,
    NewsCategory,
    PartyDocument,
)
from ..symbols import DocumentType, symbol_key, validate_symbol
from .bodies import body_html, html_text, lead_from_text
from .context import Attachment, Listing
from .reading import Kind

# The model fields an import writes, and the line field each one comes from
# (for error messages). ``lead`` comes from the summary or, failing that, the body.
NEWS_SOURCES = {
    "title": "title",
    "lead": "summary",
    "body": "body",
    "category": "category",
    "date": "published_at",
    "source_url": "source_url",
    "source_name": "source_name",
    "audience": "audience",
}
DOCUMENT_SOURCES = {
    "title": "title",
    "number": "number",
    "number_value": "number",
    "issuer_code": "number",
    "document_type": "document_type",
    "issued_on": "issued_on",
    "external_issuer": "external_issuer",
    "issuing_body": "issuing_body",
    "signer": "signer",
    "effective_on": "effective_on",
    "status": "status",
    "summary": "summary",
    "body": "body",
    "audience": "audience",
}
SOURCES = {Kind.NEWS: NEWS_SOURCES, Kind.DOCUMENT: DOCUMENT_SOURCES}
MODELS = {Kind.NEWS: NewsArticle, Kind.DOCUMENT: PartyDocument}
REQUIRED = {
    Kind.NEWS: ("unit", "title", "body", "published_at"),
    Kind.DOCUMENT: ("unit", "title", "number", "document_type", "issued_on"),
}

_TYPE_BY_UPPER = {code.upper(): code for code in DocumentType.values}


@dataclass
class Item:
    """A checked line: the page it describes and where it goes.

    ``page`` is an unsaved page holding every imported value; ``given`` lists
    the model fields the line itself sets, the only ones a re-run changes on
    an existing page (defaults fill the rest of a new one).
    """

    line: int
    kind: str
    unit: Unit
    listing: Listing
    page: Page
    given: frozenset
    published_at: datetime.datetime | None
    attachments: list[Attachment] | None
    key: tuple
    label: str
    match: Page | None = None  # the existing page a re-run updates
    changes: list[str] = field(default_factory=list)
    collection_id: int | None = None  # where its attachments are stored

    @property
    def model(self):
        return type(self.page)


def build_item(line, context):
    """Check one line; return ``(item, errors)``, the item None when there are errors."""
    return _ItemBuilder(line, context).build()


class _ItemBuilder:
    def __init__(self, line, context):
        self.line = line
        self.values = line.values
        self.kind = line.values["kind"]
        self.context = context
        self.errors = []
        self.symbol = None

    def error(self, name, message):
        self.errors.append(RowError(self.line.number, name, message))

    def build(self):
        for name in REQUIRED[self.kind]:
            if name not in self.values:
                self.error(name, _("this field is required"))
        unit, listing = self.unit()
        fields, published_at = self.common_fields()
        if self.kind == Kind.NEWS:
            fields.update(self.news_fields(published_at))
        else:
            fields.update(self.document_fields(unit))
        attachments = self.attachments() if self.kind == Kind.DOCUMENT else None
        locale_id = self.locale(listing)
        page = self.page(fields, locale_id)
        if self.errors or unit is None or listing is None:
            return None, self.errors
        key, label = self.key(unit, listing, page)
        item = Item(
            line=self.line.number,
            kind=self.kind,
            unit=unit,
            listing=listing,
            page=page,
            given=self.given(fields),
            published_at=published_at,
            attachments=attachments,
            key=key,
            label=label,
        )
        return item, []

    # The parts of a line

    def unit(self):
        code = self.values.get("unit")
        if code is None:
            return None, None
        unit = self.context.units.get(code)
        if unit is None:
            self.error("unit", _('unknown unit "%(code)s"') % {"code": code})
            return None, None
        if unit.status != UnitStatus.ACTIVE:
            self.error("unit", _('unit "%(code)s" has been merged or dissolved') % {"code": code})
            return None, None
        if not unit.home_page_id:
            # No board yet: the unit's home page and lists are made on writing.
            return unit, self.context.pending_listing()
        listing = self.context.listings.get((code, self.kind))
        if listing is None:
            message = (
                _('unit "%(code)s" has no news list under its home page')
                if self.kind == Kind.NEWS
                else _('unit "%(code)s" has no document list under its home page')
            )
            self.error("unit", message % {"code": code})
            return unit, None
        return unit, listing

    def common_fields(self):
        fields = {}
        if "title" in self.values:
            fields["title"] = self.values["title"]
        fields["audience"] = self.choice("audience", Audience, Audience.PUBLIC)
        published_at = self.datetime("published_at")
        if "body" in self.values:
            fields["body"] = body_html(self.values["body"])
            if not fields["body"] and self.kind == Kind.NEWS:
                self.error("body", _("has no text once its markup is removed"))
        if "summary" in self.values:
            fields["lead" if self.kind == Kind.NEWS else "summary"] = self.values["summary"]
        return fields, published_at

    def news_fields(self, published_at):
        fields = {"category": self.choice("category", NewsCategory, NewsCategory.PROVINCE)}
        if "summary" not in self.values and "body" in self.values:
            fields["lead"] = lead_from_text(html_text(body_html(self.values["body"])))
        if published_at is not None:
            fields["date"] = timezone.localtime(published_at).date()
        url = self.values.get("source_url", "")
        fields["source_url"] = url
        name = self.values.get("source_name") or _source_name(url)
        fields["source_name"] = name
        return fields

    def document_fields(self, unit):
        fields = {
            "status": self.choice("status", DocumentStatus, DocumentStatus.IN_FORCE),
            "external_issuer": self.values.get("external_issuer", False),
            "signer": self.values.get("signer", ""),
            "issuing_body": self.values.get("issuing_body") or (unit.name if unit else ""),
        }
        for name in ("issued_on", "effective_on"):
            if (value := self.date(name)) is not None:
                fields[name] = value
        document_type = None
        if "document_type" in self.values:
            given = self.values["document_type"]
            document_type = _TYPE_BY_UPPER.get(given.upper())
            if document_type is None:
                self.error("document_type", _not_valid(given, DocumentType.values))
            else:
                fields["document_type"] = document_type
        number = self.values.get("number")
        if number and document_type and unit is not None:
            try:
                symbol = validate_symbol(
                    number,
                    document_type=document_type,
                    issuer_short_name=unit.short_name,
                    external_issuer=fields["external_issuer"],
                )
            except ValidationError as error:
                for message in error.messages:
                    self.error("number", message)
            else:
                fields["number"] = symbol.canonical
                fields["number_value"] = symbol.number
                fields["issuer_code"] = symbol.issuer
                self.symbol = symbol
        return fields

    def attachments(self):
        names = self.values.get("attachments")
        if names is None:
            return None
        found = []
        for name in names:
            result = self.context.attachment(name)
            if isinstance(result, Attachment):
                if result not in found:
                    found.append(result)
            else:
                self.error("attachments", result)
        return found

    def locale(self, listing):
        code = self.values.get("locale")
        if code is None:
            return listing.locale_id if listing else None
        if code not in self.context.locales:
            message = _('unknown locale "%(code)s"; known: %(known)s') % {
                "code": code,
                "known": ", ".join(sorted(self.context.locales)),
            }
            self.error("locale", message)
            return None
        return self.context.locales[code]

    def page(self, fields, locale_id):
        """The unsaved page, checked by its model fields' own validators."""
        model = MODELS[self.kind]
        values = dict(fields)
        if "body" in values:
            html = values["body"]
            values["body"] = (
                [{"type": "paragraph", "value": html, "id": str(uuid.uuid4())}] if html else []
            )
        page = model(**values, draft_title=values.get("title", ""), locale_id=locale_id)
        sources = SOURCES[self.kind]
        reported = {error.field for error in self.errors}
        checked = [
            name for name in sources if name in fields and self.source(name) not in reported
        ]
        exclude = [f.name for f in model._meta.get_fields() if f.name not in checked]
        try:
            page.clean_fields(exclude=exclude)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.error(self.source(name), message)
        for name in checked:
            model_field = model._meta.get_field(name)
            value = fields[name]
            if (
                isinstance(value, str)
                and model_field.max_length
                and len(value) > model_field.max_length
                and model_field.get_internal_type() == "TextField"
            ):
                # The admin's form enforces a TextField's max_length; the model does not.
                message = _("at most %(limit)d characters (it has %(length)d)") % {
                    "limit": model_field.max_length,
                    "length": len(value),
                }
                self.error(self.source(name), message)
        if "body" in checked:
            try:
                model._meta.get_field("body").stream_block.clean(page.body)
            except ValidationError as error:
                self.error("body", " ".join(error.messages))
        return page

    def source(self, name):
        """The line field a model field comes from, for error messages."""
        if name == "lead" and "summary" not in self.values:
            return "body"
        if name == "source_name" and "source_name" not in self.values:
            return "source_url"
        return SOURCES[self.kind].get(name, name)

    def given(self, fields):
        """The model fields this line sets (rather than leaving to defaults)."""
        return frozenset(name for name in fields if self.source(name) in self.values)

    def key(self, unit, listing, page):
        if self.kind == Kind.DOCUMENT:
            year = page.issued_on.year
            key = symbol_key(self.symbol, year)
            return key, f"{unit.code}: {page.number} ({year})"
        date = page.date.isoformat()
        place = unit.code if listing.pending else listing.pk
        if page.source_url:
            key = (place, "url", page.source_url)
        else:
            key = (place, "title", page.title, page.date)
        return key, f"{unit.code}: {page.title} ({date})"

    # Values

    def choice(self, name, choices, default):
        value = self.values.get(name)
        if value is None:
            return default
        if value not in choices.values:
            self.error(name, _not_valid(value, choices.values))
            return default
        return value

    def date(self, name):
        value = self.values.get(name)
        if value is None:
            return None
        try:
            parsed = parse_date(value)
        except ValueError:
            parsed = None
        if parsed is None:
            self.error(
                name, _('"%(value)s" is not a valid date: write YYYY-MM-DD') % {"value": value}
            )
        return parsed

    def datetime(self, name):
        """A date and time with its offset; a date alone means midnight, local time."""
        value = self.values.get(name)
        if value is None:
            return None
        try:
            parsed = parse_datetime(value)
            if parsed is None and (day := parse_date(value)) is not None:
                parsed = datetime.datetime.combine(day, datetime.time())
        except ValueError:
            parsed = None
        if parsed is None:
            message = _(
                '"%(value)s" is not a valid date and time: write for example '
                "2024-09-27T08:00:00+07:00"
            )
            self.error(name, message % {"value": value})
            return None
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return parsed


def _source_name(url):
    """The host of a source address, without "www.", as a default source name."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # the URL validator reports it
        host = ""
    return host.removeprefix("www.")


def _not_valid(value, choices):
    return _('"%(value)s" is not valid; expected one of: %(choices)s') % {
        "value": value,
        "choices": ", ".join(choices),
    }
