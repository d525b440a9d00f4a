"""Writing checked items into the page tree in bulk.

Stock Wagtail adds a page with ``add_child`` and publishes it with
``save_revision().publish()``: dozens of queries per page, slower as a list
grows. Here a batch of items costs a fixed number of queries whatever its
size. The writer computes treebeard's materialized paths itself (after the
list page's last child, with the list rows locked), inserts the
``wagtailcore_page`` rows with ``bulk_create`` and the specific rows with
their ``page_ptr_id`` set, creates revisions, log entries, attachments and
``PageAudience`` rows in bulk, and sets each list's ``numchild``. The result
is what Wagtail itself would have stored: ``Page.find_problems()`` finds
nothing, and editors open, edit and publish the pages as any other.

Nothing is indexed or read while writing (``importer.deferred_indexing``):
the importer queues that work for after the commit. The bulk SQL itself is in
``bulk``.
"""

import datetime
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.files import File
from django.db import DEFAULT_DB_ALIAS
from django.db.models import CharField, F, OuterRef, Subquery
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from modelcluster.models import get_serializable_data_for_fields
from wagtail.documents import get_document_model
from wagtail.models import (
    COMMENTS_RELATION_NAME,
    Collection,
    Page,
    PageViewRestriction,
    Revision,
)
from wagtail.models.pages import get_default_page_content_type

from editorial.batching import LOOKUP_CHUNK, chunks
from editorial.models import UnitStatus

from ..models import AttachmentText, Audience, DocumentAttachment, PageAudience
from ..models.audience import PageReaderScope, reader_index_fields
from ..models.feeds import touch_feeds
from .bulk import create_rows, insert_revisions, insert_rows, log_actions, update_rows
from .matching import latest_contents, normalised
from .reading import Kind

#: Items written per round of bulk queries.
BATCH_SIZE = 500
#: Slugs are cut to this length (at a hyphen) before a "-2" suffix is added.
SLUG_LENGTH = 80
# treebeard's steplen of 4 in its 36-character alphabet.
MAX_STEP = len(Page.alphabet) ** Page.steplen - 1

PAGE_FIELDS = [f for f in Page._meta.concrete_fields if not f.primary_key]


class TreeFullError(Exception):
    """A list page has no room left for children (treebeard's path overflow)."""


def ascii_slug(text):
    """A URL slug without diacritics, as Vietnamese sites write them: "đảng" -> "dang"."""
    text = (text or "").replace("đ", "d").replace("Đ", "D").replace("/", " ")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = slugify(text)
    if len(slug) > SLUG_LENGTH:
        slug = slug[:SLUG_LENGTH].rsplit("-", 1)[0]
    return slug


@dataclass
class ParentPage:
    """A locked list page and the children it will have."""

    pk: int
    path: str
    depth: int
    numchild: int
    url_path: str
    last_step: int = 0
    added: int = 0
    slugs: set = field(default_factory=set)
    suffixes: dict = field(default_factory=dict)

    def next_path(self):
        self.last_step += 1
        if self.last_step > MAX_STEP:
            raise TreeFullError(self.path)
        self.added += 1
        return Page._get_path(self.path, self.depth + 1, self.last_step)

    def unique_slug(self, base):
        slug, suffix = base, self.suffixes.get(base, 1)
        while slug in self.slugs:
            suffix += 1
            slug = f"{base}-{suffix}"
        self.suffixes[base] = suffix
        self.slugs.add(slug)
        return slug


def lock_parents(pks):
    """Lock the pages ``pks`` that get children in bulk; return each one's
    ``ParentPage`` by id, knowing its last child's path and its children's slugs."""
    parents = {}
    for chunk in chunks(sorted(pks), LOOKUP_CHUNK):
        rows = (
            Page.objects.select_for_update()
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", "path", "depth", "numchild", "url_path")
        )
        for pk, path, depth, numchild, url_path in rows:
            parents[pk] = ParentPage(pk, path, depth, numchild, url_path or "")
    by_depth = defaultdict(dict)
    for parent in parents.values():
        by_depth[parent.depth][parent.path] = parent
    for depth, by_path in by_depth.items():
        for chunk in chunks(list(by_path), LOOKUP_CHUNK):
            children = (
                Page.objects.filter(depth=depth + 1)
                .annotate(parent_path=Substr("path", 1, depth * Page.steplen))
                .filter(parent_path__in=chunk)
                .values_list("parent_path", "path", "slug")
            )
            for parent_path, path, slug in children:
                parent = by_path[parent_path]
                parent.last_step = max(parent.last_step, Page._str2int(path[-Page.steplen :]))
                parent.slugs.add(slug)
    return parents


def add_children_counts(parents):
    """Each parent's ``numchild`` grows by the children added: parents that got
    the same number share one UPDATE (their rows are locked)."""
    by_count = defaultdict(list)
    for parent in parents:
        if parent.added:
            by_count[parent.added].append(parent.pk)
    for added, pks in by_count.items():
        for chunk in chunks(pks, LOOKUP_CHUNK):
            Page.objects.filter(pk__in=chunk).update(numchild=F("numchild") + added)


class ArchiveWriter:
    """Write checked items: new pages for items without a match, a new revision
    (and for ``publish``, new live values) for matched items with changes.

    Call ``write()`` inside a transaction. ``stored_files`` lists the files
    saved to storage, for the caller to remove if the transaction fails.
    """

    def __init__(self, items, *, publish, progress=None, now=None):
        self.created = [item for item in items if item.match is None]
        self.updated = [item for item in items if item.match is not None and item.changes]
        self.publish = publish
        self.progress = progress or (lambda batches, desc: batches)
        self.now = now or timezone.now()
        self.page_content_type_id = get_default_page_content_type().pk
        self.documents = {}  # (collection id, file hash) -> document id
        self.stored_files = []
        self.new_document_ids = []
        self.page_ids = []

    def write(self):
        self._lock_parents()
        self._place_new_pages()
        self._store_attachments()
        for batch in self.progress(list(chunks(self.created, BATCH_SIZE)), _("Creating pages")):
            self._create(batch)
        for batch in self.progress(list(chunks(self.updated, BATCH_SIZE)), _("Updating pages")):
            self._update(batch)
        add_children_counts(self.parents.values())
        return self.page_ids

    # The tree

    def _lock_parents(self):
        """Lock the list pages that get children and read their current children."""
        self.parents = lock_parents({item.listing.pk for item in self.created})

    def _place_new_pages(self):
        for item in self.created:
            parent = self.parents[item.listing.pk]
            page = item.page
            page.path = parent.next_path()
            page.depth = parent.depth + 1
            page.numchild = 0
            text = f"{page.number} {page.title}" if item.kind == Kind.DOCUMENT else page.title
            page.slug = parent.unique_slug(ascii_slug(text) or item.kind)
            page.url_path = f"{parent.url_path}{page.slug}/"

    # Files

    def _store_attachments(self):
        """Save each new file once per collection; reuse a file already there
        (same content) so that re-runs do not pile up copies."""
        wanted = {}
        root_id = None
        for item in self.created + self.updated:
            if not item.attachments or (
                item.match is not None and "attachments" not in item.changes
            ):
                continue
            if item.unit.collection_id is None and root_id is None:
                root_id = Collection.get_first_root_node().pk
            item.collection_id = item.unit.collection_id or root_id
            for attachment in item.attachments:
                wanted.setdefault((item.collection_id, attachment.file_hash), attachment)
        if not wanted:
            return
        document_model = get_document_model()
        collections = sorted({collection_id for collection_id, _hash in wanted})
        hashes = sorted({file_hash for _collection, file_hash in wanted})
        for chunk in chunks(hashes, LOOKUP_CHUNK):
            rows = document_model.objects.filter(
                collection_id__in=collections, file_hash__in=chunk
            ).order_by("pk")
            for pk, collection_id, file_hash in rows.values_list(
                "pk", "collection_id", "file_hash"
            ):
                self.documents.setdefault((collection_id, file_hash), pk)
        new = []
        for key, attachment in wanted.items():
            if key in self.documents:
                continue
            document = document_model(
                title=attachment.title[:255],
                collection_id=key[0],
                file_size=attachment.size,
                file_hash=attachment.file_hash,
            )
            with attachment.path.open("rb") as fileobj:
                document.file.save(attachment.path.name, File(fileobj), save=False)
            self.stored_files.append((document.file.storage, document.file.name))
            new.append((key, document))
        document_model.objects.bulk_create([document for _key, document in new])
        for key, document in new:
            self.documents[key] = document.pk
        self.new_document_ids = [document.pk for _key, document in new]
        # Marked as waiting to be read, as request_extraction would.
        AttachmentText.objects.bulk_create(
            AttachmentText(document_id=pk) for pk in self.new_document_ids
        )

    def remove_stored_files(self):
        for storage, name in self.stored_files:
            storage.delete(name)
        self.stored_files = []

    def _attachment_rows(self, item, page_id):
        return [
            DocumentAttachment(
                page_id=page_id,
                document_id=self.documents[(item.collection_id, attachment.file_hash)],
                sort_order=position,
            )
            for position, attachment in enumerate(item.attachments)
        ]

    # New pages

    def _published_at(self, item):
        if item.published_at is not None:
            return item.published_at
        # A document without a publication time went out on its issue date.
        return timezone.make_aware(datetime.datetime.combine(item.page.issued_on, datetime.time()))

    def _create(self, batch):
        pages = [item.page for item in batch]
        for item, page in zip(batch, pages, strict=True):
            page.live = self.publish
            page.has_unpublished_changes = not self.publish
            page.draft_title = page.title
            page.latest_revision_created_at = self.now
            if self.publish:
                page.first_published_at = page.last_published_at = self._published_at(item)
        ids = insert_rows(Page, pages, PAGE_FIELDS, returning_fields=[Page._meta.pk])
        for page, (pk,) in zip(pages, ids, strict=True):
            page.id = page.page_ptr_id = pk
            page._state.adding = False
            page._state.db = DEFAULT_DB_ALIAS
        by_model = defaultdict(list)
        for page in pages:
            by_model[type(page)].append(page)
        for model, objs in by_model.items():
            # The specific rows: bulk_create refuses multi-table inheritance.
            insert_rows(model, objs, model._meta.local_concrete_fields)

        attachments = []
        for item, page in zip(batch, pages, strict=True):
            setattr(page, COMMENTS_RELATION_NAME, [])
            page.audience_units = []
            if item.kind == Kind.DOCUMENT:
                page.relations = []
                rows_of_page = self._attachment_rows(item, page.pk) if item.attachments else []
                page.attachments = rows_of_page
                attachments.extend(rows_of_page)
        DocumentAttachment.objects.bulk_create(attachments)

        if not self.publish:
            # Kept in the draft's revision only: publishing it later in the
            # admin keeps the archive's date rather than the day of publishing.
            for item, page in zip(batch, pages, strict=True):
                page.first_published_at = self._published_at(item)
        revisions = insert_revisions(pages, [page.serializable_data() for page in pages], self.now)
        for page, revision in zip(pages, revisions, strict=True):
            page.latest_revision_id = revision.pk
            if self.publish:
                page.live_revision_id = revision.pk
        # Each page's one revision, found by the revision table's index: one
        # UPDATE, where bulk_update would build a CASE of 500 branches.
        revision = Subquery(
            Revision.objects.filter(
                base_content_type_id=self.page_content_type_id,
                object_id=Cast(OuterRef("pk"), output_field=CharField()),
            )
            .order_by("-pk")
            .values("pk")[:1]
        )
        links = {"latest_revision_id": revision}
        if self.publish:
            links["live_revision_id"] = revision
        Page.objects.filter(pk__in=[page.pk for page in pages]).update(**links)
        log_actions(pages, revisions, "wagtail.create", self.now, published=self.publish)
        if self.publish:
            self._write_audiences(batch)
        self.page_ids.extend(page.pk for page in pages)

    # Existing pages

    def _update(self, batch):
        """A new revision for each page; with ``publish`` the live values too,
        as publishing it in the admin would. A draft leaves the live page alone."""
        contents = self._publish_values(batch) if self.publish else self._draft_values(batch)
        pages = [item.match for item in batch]
        revisions = insert_revisions(pages, contents, self.now)
        by_fields = defaultdict(list)
        for item, revision in zip(batch, revisions, strict=True):
            page = item.match
            page.latest_revision_id = revision.pk
            page.latest_revision_created_at = self.now
            page.draft_title = item.page.title if "title" in item.given else page.draft_title
            fields = ["latest_revision", "latest_revision_created_at", "draft_title"]
            if self.publish:
                page.live_revision_id = revision.pk
                fields += ["live", "live_revision", "has_unpublished_changes", "expired"]
                fields += ["first_published_at", "last_published_at", *item.given]
            else:
                page.has_unpublished_changes = True
                fields.append("has_unpublished_changes")
            by_fields[(type(page), tuple(sorted(set(fields))))].append(page)
        for (_model, fields), objs in by_fields.items():
            update_rows(objs, fields)
        log_actions(pages, revisions, "wagtail.edit", self.now, published=self.publish)
        if self.publish:
            self._write_audiences(batch)
        self.page_ids.extend(page.pk for page in pages)

    def _publish_values(self, batch):
        """Set the line's values on the live pages; return the revision contents."""
        replaced = [
            item for item in batch if item.kind == Kind.DOCUMENT and "attachments" in item.changes
        ]
        DocumentAttachment.objects.filter(
            page_id__in=[item.match.pk for item in replaced]
        ).delete()
        attachments = []
        for item in replaced:
            rows_of_page = self._attachment_rows(item, item.match.pk)
            item.match.attachments = rows_of_page
            attachments.extend(rows_of_page)
        DocumentAttachment.objects.bulk_create(attachments)
        contents = []
        for item in batch:
            page = item.match
            for name in item.given:
                setattr(page, name, getattr(item.page, name))
            page.live = True
            page.has_unpublished_changes = False
            page.expired = False
            page.first_published_at = page.first_published_at or self._published_at(item)
            page.last_published_at = self.now
            contents.append(page.serializable_data())
        return contents

    def _draft_values(self, batch):
        """The latest revision's content with the line's values over it."""
        latest = latest_contents([item.match for item in batch])
        contents = []
        for item in batch:
            page = item.match
            content = latest.get(page.pk) or page.serializable_data()
            new = normalised(get_serializable_data_for_fields(item.page))
            for name in item.given:
                content[name] = new[name]
            if item.attachments is not None and "attachments" in item.changes:
                # Unsaved rows, as a draft keeps them until it is published.
                content["attachments"] = [
                    dict(get_serializable_data_for_fields(row), pk=None)
                    for row in self._attachment_rows(item, page.pk)
                ]
            contents.append(content)
        return contents

    # Shared

    def _write_audiences(self, batch):
        """``PageAudience`` rows as ``UnitContentPage.sync_audience`` makes them,
        for a batch of pages just made live, in a few queries."""
        rows, scopes = [], []
        restricted = list(PageViewRestriction.objects.values_list("page__path", flat=True))
        for item in batch:
            page = item.match if item.match is not None else item.page
            unit = item.unit
            private = any(page.path.startswith(path) for path in restricted)
            rows.append(
                PageAudience(
                    page_id=page.pk,
                    unit=unit,
                    unit_path=unit.path,
                    audience=page.audience,
                    **reader_index_fields(page, private=private),
                )
            )
            if page.audience == Audience.UNIT:
                chosen = (
                    [u for u in page.audience_units.all() if u.status == UnitStatus.ACTIVE]
                    if item.match is not None
                    else []
                )
                paths = {u.path for u in chosen} or {unit.path}
                scopes.extend(PageReaderScope(page_audience_id=page.pk, path=p) for p in paths)
        updated = [item.match.pk for item in batch if item.match is not None]
        owners_before = set()
        if updated:
            before = PageAudience.objects.filter(page_id__in=updated)
            owners_before = set(before.values_list("unit_path", flat=True))
            before.delete()
        create_rows(PageAudience, rows)
        create_rows(PageReaderScope, scopes)
        touch_feeds(owners_before | {row.unit_path for row in rows})
