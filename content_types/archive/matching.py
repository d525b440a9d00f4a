"""Checks between lines and against the database, and what a re-run changes.

A re-run updates instead of duplicating. Documents are matched on the key of
the admin's duplicate check (number, type and issuer within the issue year,
``symbols.symbol_key``): the document of the same unit with that key is
updated, and one of another unit is a duplicate, as in the admin. News items
are matched within the unit's news list by source address, or else by title
and date. Every lookup is one query per chunk of lines, never one per line.
"""

import json
import unicodedata
from collections import defaultdict

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _
from modelcluster.models import get_serializable_data_for_fields
from wagtail.documents import get_document_model
from wagtail.models import COMMENTS_RELATION_NAME, Revision

from editorial.batching import LOOKUP_CHUNK, chunks
from editorial.imports.reading import RowError

from ..models import NewsArticle, PartyDocument
from ..models.documents import DUPLICATE_MESSAGE
from .items import SOURCES
from .reading import Kind


def check_matches(items):
    """Find the existing page each item updates; return the errors (duplicates,
    ambiguous matches). Items with an error are left out of ``items``' matches."""
    errors = []
    documents = [item for item in items if item.kind == Kind.DOCUMENT]
    news = [item for item in items if item.kind == Kind.NEWS]
    errors += _match_documents(documents)
    errors += _match_news(news)
    claimed = {}
    for item in items:
        if item.match is None:
            continue
        first = claimed.setdefault(item.match, item)
        if first is not item:
            message = _("updates the same page as line %(first)d") % {"first": first.line}
            errors.append(RowError(item.line, None, message))
    return errors


def _parent_path(path):
    return path[:-4]


def _issuer_key(issuer):
    return unicodedata.normalize("NFC", issuer or "").upper()


def _match_documents(items):
    errors = []
    first = {}
    unique = []
    for item in items:
        if item.key in first:
            message = _("document %(symbol)s issued in %(year)s is also on line %(first)d") % {
                "symbol": item.page.number,
                "year": item.key[0],
                "first": first[item.key].line,
            }
            errors.append(RowError(item.line, "number", message))
        else:
            first[item.key] = item
            unique.append(item)

    existing = defaultdict(list)
    numbers = sorted({item.key[1] for item in unique})
    issuers = sorted({item.key[3] for item in unique})
    for chunk in chunks(numbers, LOOKUP_CHUNK):
        # An alias shows a document elsewhere; it is neither a match nor a duplicate.
        rows = PartyDocument.objects.filter(
            number_value__in=chunk, issuer_code__in=issuers, alias_of__isnull=True
        ).values(
            "pk", "path", "title", "issued_on", "number_value", "document_type", "issuer_code"
        )
        for row in rows:
            key = (
                row["issued_on"].year,
                row["number_value"],
                row["document_type"],
                _issuer_key(row["issuer_code"]),
            )
            existing[key].append(row)
    for item in unique:
        rows = existing.get(item.key, [])
        mine = [row for row in rows if _parent_path(row["path"]) == item.listing.path][:1]
        others = [row for row in rows if row not in mine]
        if others:
            message = DUPLICATE_MESSAGE % {
                "symbol": item.page.number,
                "year": item.key[0],
                "title": others[0]["title"],
            }
            errors.append(RowError(item.line, "number", message))
        elif mine:
            item.match = mine[0]["pk"]
    return errors


def _match_news(items):
    errors = []
    first = {}
    unique = []
    for item in items:
        if item.key in first:
            message = _("the same news item is also on line %(first)d") % {
                "first": first[item.key].line
            }
            field = "source_url" if item.key[1] == "url" else "title"
            errors.append(RowError(item.line, field, message))
        else:
            first[item.key] = item
            unique.append(item)

    by_url = defaultdict(list)
    urls = sorted({item.page.source_url for item in unique if item.page.source_url})
    for chunk in chunks(urls, LOOKUP_CHUNK):
        rows = NewsArticle.objects.filter(source_url__in=chunk, alias_of__isnull=True)
        for pk, path, url in rows.values_list("pk", "path", "source_url"):
            by_url[(_parent_path(path), url)].append(pk)
    by_title = defaultdict(list)
    titles = sorted({item.page.title for item in unique})
    for chunk in chunks(titles, LOOKUP_CHUNK):
        rows = NewsArticle.objects.filter(title__in=chunk, alias_of__isnull=True).values_list(
            "pk", "path", "title", "date", "source_url"
        )
        for pk, path, title, date, url in rows:
            by_title[(_parent_path(path), title, date)].append((pk, url))

    for item in unique:
        page = item.page
        titled = by_title.get((item.listing.path, page.title, page.date), [])
        if page.source_url:
            candidates = by_url.get((item.listing.path, page.source_url)) or [
                pk for pk, url in titled if not url
            ]
        else:
            candidates = [pk for pk, _url in titled]
        if len(candidates) > 1:
            message = _(
                "matches %(count)d existing news items (ids %(ids)s); remove the duplicates first"
            ) % {"count": len(candidates), "ids": ", ".join(map(str, sorted(candidates)))}
            errors.append(RowError(item.line, None, message))
        elif candidates:
            item.match = candidates[0]
    return errors


# What a re-run changes


def load_matched_pages(items):
    """Replace each item's matched page id by the page, with what a revision
    needs prefetched; one query per model and relation per chunk."""
    by_model = defaultdict(list)
    for item in items:
        if item.match is not None:
            by_model[item.model].append(item.match)
    pages = {}
    for model, pks in by_model.items():
        related = ["audience_units", COMMENTS_RELATION_NAME]
        if model is PartyDocument:
            related += ["attachments__document", "relations"]
        for chunk in chunks(pks, LOOKUP_CHUNK):
            pages.update(
                (page.pk, page)
                for page in model.objects.filter(pk__in=chunk).prefetch_related(*related)
            )
    for item in items:
        if item.match is not None:
            item.match = pages[item.match]


def latest_contents(pages):
    """page id -> the content of its latest revision (what editors see)."""
    revision_ids = {page.latest_revision_id: page.pk for page in pages if page.latest_revision_id}
    contents = {}
    for chunk in chunks(list(revision_ids), LOOKUP_CHUNK):
        for pk, content in Revision.objects.filter(pk__in=chunk).values_list("pk", "content"):
            contents[revision_ids[pk]] = content
    return contents


def find_changes(items, *, publish):
    """Set ``item.changes`` on every matched item: the line fields whose values
    differ from the page's latest revision, and "published" when ``publish``
    makes a draft or an unpublished change live. No change: nothing is written."""
    matched = [item for item in items if item.match is not None]
    contents = latest_contents([item.match for item in matched])
    document_ids = set()
    for content in contents.values():
        document_ids.update(entry.get("document") for entry in content.get("attachments") or [])
    hashes = {}
    for chunk in chunks([pk for pk in document_ids if pk], LOOKUP_CHUNK):
        hashes.update(
            get_document_model().objects.filter(pk__in=chunk).values_list("pk", "file_hash")
        )
    for item in matched:
        page = item.match
        content = contents.get(page.pk)
        if content is None:
            content = page.serializable_data()
            rows = page.attachments.all() if item.kind == Kind.DOCUMENT else []
            attached = [row.document.file_hash for row in rows]
        else:
            attached = [
                hashes.get(entry.get("document")) for entry in content.get("attachments", [])
            ]
        item.changes = _changed_fields(item, content, attached)
        if publish and (not page.live or page.has_unpublished_changes):
            item.changes.append("published")


def _changed_fields(item, content, attached):
    new = normalised(get_serializable_data_for_fields(item.page))
    changed = []
    for name in sorted(item.given):
        before, after = normalised(content.get(name)), new.get(name)
        if name == "body":
            before, after = _blocks(before), _blocks(after)
        if before != after:
            source = SOURCES[item.kind][name]
            if source not in changed:
                changed.append(source)
    if item.attachments is not None and attached != [a.file_hash for a in item.attachments]:
        changed.append("attachments")
    return changed


def normalised(value):
    """A value as a revision's JSON stores it."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _blocks(value):
    """A StreamField's blocks without their ids, to compare content."""
    if isinstance(value, str):
        value = json.loads(value or "[]")
    return [(block.get("type"), block.get("value")) for block in value or []]
