"""Who may read a page, stored where the API and search can filter on it cheaply.

Audience is edited on each content page (``UnitContentPage``) but what readers
see is the published version, so on publish and on move it is copied into one
narrow table keyed by page id: ``PageAudience`` (owning unit and audience) and
``PageReaderScope`` (the unit paths whose members may read a unit-only page).
A reader's filter is then one indexed lookup over every page type at once.
"""

from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Substr
from django.db.models.lookups import Exact, StartsWith
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Page, PageViewRestriction

from cms.prepared import prepared_cursor
from editorial.models.units import path_prefixes


class Audience(models.TextChoices):
    PUBLIC = "public", _("Everyone (public)")
    MEMBERS = "members", _("All party members")
    UNIT = "unit", _("Members of the owning unit (or of the chosen units)")


# The reader filters a listing reads from its index (with the audience: all it reads
# besides its order).
FILTERED = ["news_category", "document_type", "document_status", "reader_date"]
LISTED = ["audience", *FILTERED]
# The owning unit's ancestors at the top two levels of the tree (treebeard's
# steplen of 4): the province or city, and its districts and blocs. Their
# subtrees hold thousands of rows; a subtree deeper down, a few hundred.
TOP_LEVEL_PATHS = {length: Substr("unit_path", 1, length) for length in (4, 8)}


def _top_level_indexes(name, length):
    """A top-level unit's subtree by its path's prefix, newest first whatever
    the unit below: its window stops after a page of rows (``in_indexed_feed``).
    With the path itself: PostgreSQL reads an expression's index alone only
    when it holds the expression's columns."""
    prefix, readable = TOP_LEVEL_PATHS[length], Q(live=True, private=False)
    newest = F("first_published_at").desc()
    return [
        models.Index(
            F("locale"),
            F("content_type"),
            prefix,
            newest,
            name=name,
            condition=readable,
            include=["page", "unit_path", *LISTED],
        ),
        models.Index(
            F("locale"),
            prefix,
            newest,
            name=f"{name}_any_type",
            condition=readable,
            include=["page", "content_type", "unit_path", *LISTED],
        ),
    ]


class PageAudience(models.Model):
    page = models.OneToOneField(
        "wagtailcore.Page", primary_key=True, on_delete=models.CASCADE, related_name="audience_row"
    )
    unit = models.ForeignKey(
        "editorial.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The owning unit's tree path, copied so that "content of a unit's subtree"
    # is a prefix filter on this table alone.
    unit_path = models.CharField(max_length=255, blank=True, db_index=True)
    audience = models.CharField(max_length=16, choices=Audience.choices, db_index=True)
    # The reader index: what a listing filters and orders on, copied from the
    # page, so that a listing reads this table alone (``reader_index``).
    live = models.BooleanField(default=True)
    private = models.BooleanField(default=False)  # under a view restriction
    locale = models.ForeignKey(
        "wagtailcore.Locale", null=True, db_index=False, on_delete=models.CASCADE, related_name="+"
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        null=True,
        db_index=False,
        on_delete=models.CASCADE,
        related_name="+",
    )
    first_published_at = models.DateTimeField(null=True)
    # The reader filters (``UnitContentPage.reader_facets``): a news item's
    # category, a document's type and status, the date readers see.
    news_category = models.CharField(max_length=32, blank=True)
    document_type = models.CharField(max_length=8, blank=True)
    document_status = models.CharField(max_length=16, blank=True)
    reader_date = models.DateField(null=True)
    # Delta sync's order: the page's last publishing, or its listing in
    # another unit's feed when that came later (news there, too).
    last_published_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("page audience")
        verbose_name_plural = _("page audiences")
        # Shaped like the listings, newest first, over the readable rows only;
        # on PostgreSQL they carry what the audience rule and the reader filters
        # read, so that a listing and its count never visit the table.
        indexes = [
            models.Index(
                fields=["locale", "content_type", "unit", "-first_published_at", "-page"],
                name="reader_unit_feed",
                condition=Q(live=True, private=False),
                include=LISTED,
            ),
            # A subtree is read whole (its rows are not in date order across
            # units): the audience before the path reads only the caller's
            # audiences' rows of it (``ReaderRule.disjoint_q``).
            models.Index(
                fields=["locale", "content_type", "audience", "unit_path", "-first_published_at"],
                name="reader_subtree",
                condition=Q(live=True, private=False),
                include=["page", *FILTERED],
            ),
            models.Index(
                fields=["locale", "audience", "unit_path", "-first_published_at"],
                name="reader_subtree_any_type",
                condition=Q(live=True, private=False),
                include=["page", "content_type", *FILTERED],
            ),
            models.Index(
                fields=["locale", "content_type", "-first_published_at", "-page"],
                name="reader_type",
                condition=Q(live=True, private=False),
                include=LISTED,
            ),
            models.Index(
                fields=["locale", "last_published_at", "page"],
                name="reader_changes",
                condition=Q(live=True, private=False),
            ),
            *_top_level_indexes("reader_province", 4),
            *_top_level_indexes("reader_district", 8),
        ]

    def __str__(self):
        return f"{self.page_id}: {self.audience}"


class PageReaderScope(models.Model):
    """One unit subtree whose members may read a unit-only page."""

    page_audience = models.ForeignKey(
        PageAudience, on_delete=models.CASCADE, related_name="reader_scopes"
    )
    path = models.CharField(max_length=255, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page_audience", "path"], name="unique_reader_scope")
        ]

    def __str__(self):
        return self.path


class ReaderRule:
    """Who may read what, by audience: the one rule, with three faces.

    A caller is anonymous (``branch_path`` None: not signed in, or not an
    active party member) or a member of the branch at ``branch_path``. Anyone
    may read what is ``Audience.PUBLIC``; a member may also read what is for
    ``Audience.MEMBERS`` and what is for a unit (``Audience.UNIT``) whose
    reader scopes hold their branch or a unit above it.

    - ``q()``: an ORM filter, over pages or any rows that carry an audience and
      reader scopes (search records);
    - ``opensearch_filter()``: the same as an OpenSearch query clause;
    - ``allows()``: the same for one object in Python (delta sync's change log).

    Page privacy (Wagtail view restrictions) is a second, separate rule:
    ``under_view_restriction``. ``tests/content_types/test_reader_rule.py``
    runs all three faces over the same callers and pages.
    """

    def __init__(self, branch_path=None):
        self.branch_path = branch_path
        self.audiences = [Audience.PUBLIC]
        self.scope_paths = []
        if branch_path is not None:
            self.audiences.append(Audience.MEMBERS)
            self.scope_paths = path_prefixes(branch_path)

    @classmethod
    def for_user(cls, user):
        return cls(reader_branch_path(user))

    @property
    def is_public(self):
        """Whether this caller sees only what everybody sees."""
        return self.branch_path is None

    def allows(self, audience, reader_paths=()):
        """The in-Python face: one object with ``audience`` ("" or None counts
        as public) and the unit paths whose members may read it."""
        if (audience or Audience.PUBLIC) in self.audiences:
            return True
        scopes = set(self.scope_paths)
        return any(path in scopes for path in reader_paths)

    def q(self, *, audience_field, scopes):
        """The ORM face. ``scopes`` are the reader-scope rows of the outer row
        (a queryset correlated with ``OuterRef``) with a ``path`` field."""
        allowed = Q(**{f"{audience_field}__in": self.audiences})
        if self.scope_paths:
            allowed |= Exists(scopes.filter(path__in=self.scope_paths))
        return allowed

    def disjoint_q(self, *, audience_field, scopes):
        """``q()`` as Q objects no row passes twice, each an index can read
        alone: what the caller's audiences open, then (members only) the
        unit-only rows their scopes open (``scopes``: reader-scope rows,
        uncorrelated, with ``path`` and ``page_audience_id``). Read as a UNION
        ALL, a member's subtree listing scans the listing index as an
        anonymous caller's does, instead of testing every row of the subtree
        against the scopes."""
        opened = Q(**{f"{audience_field}__in": self.audiences})
        if not self.scope_paths:
            return [opened]
        # The other audiences by name (an index reads an equality, not a NOT IN).
        closed = [audience for audience in Audience.values if audience not in self.audiences]
        scoped = scopes.filter(path__in=self.scope_paths).values("page_audience_id")
        return [opened, Q(**{f"{audience_field}__in": closed}, pk__in=scoped)]

    def opensearch_filter(self, *, audience_field="audience", paths_field="reader_paths"):
        """The OpenSearch face: a ``bool`` clause as a dict (``Q(...)`` takes it)."""
        allowed = [{"terms": {audience_field: [str(audience) for audience in self.audiences]}}]
        if self.scope_paths:
            allowed.append({"terms": {paths_field: self.scope_paths}})
        return {"bool": {"should": allowed, "minimum_should_match": 1}}


def readable_by(branch_path=None, *, page_field="pk"):
    """A Q object over pages: what a reader whose branch has ``branch_path`` may read.

    ``None`` is an anonymous caller (public pages only). Pages that carry no
    audience row (unit home pages, indexes) count as public.
    """
    scopes = PageReaderScope.objects.filter(page_audience_id=OuterRef(page_field))
    return Q(audience_row__isnull=True) | ReaderRule(branch_path).q(
        audience_field="audience_row__audience", scopes=scopes
    )


def reader_branch_path(user):
    """The branch path that decides what ``user`` may read; None for anonymous
    callers and for users who are not active party members."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    member = getattr(user, "member", None)
    if member is None or not member.is_active_member:
        return None
    return member.branch.path


def readable_for(user):
    """``readable_by`` for a user: the one filter every reader-facing listing applies."""
    return readable_by(reader_branch_path(user))


def under_view_restriction():
    """An Exists() over pages: the page sits under a Wagtail view restriction.

    Under means at or below a page that carries a ``PageViewRestriction``
    (password, login or groups) or, for an alias (wagtail-localize mirrors
    the Vietnamese tree into other languages as aliases), at or below one
    that restricts the page it mirrors: the alias carries the original's
    text, so it carries the original's privacy too. One alias level is
    followed, as Wagtail and wagtail-localize only make aliases of originals.

    Readers' channels (the API, search, delta sync) exclude these pages for
    every caller, signed in or not. A password cannot be passed through the
    API, and honouring login or group restrictions would make Django groups a
    second axis of what a caller sees, which the ETags, the body cache and
    the search index (all keyed by audience alone, see ``readable_by``) do
    not carry. The reader site keeps Wagtail's own check (password form,
    sign-in) for pages served as HTML.
    """
    restricted_path = F("page__path")
    return Exists(
        PageViewRestriction.objects.filter(
            Q(StartsWith(OuterRef("path"), restricted_path))
            | Q(StartsWith(OuterRef("alias_of__path"), restricted_path))
        )
    )


class PageListing(models.Model):
    """A page shown in another unit's feed as well as its own owner's.

    Written when a promotion to a higher unit is approved (``workflows``); the
    page is not copied and keeps its owning unit and audience.
    """

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="extra_listings"
    )
    unit = models.ForeignKey("editorial.Unit", on_delete=models.CASCADE, related_name="+")
    listed_at = models.DateTimeField(_("listed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("listing in another unit")
        verbose_name_plural = _("listings in other units")
        constraints = [
            models.UniqueConstraint(fields=["page", "unit"], name="unique_page_listing")
        ]

    def __str__(self):
        return f"{self.page_id} → {self.unit_id}"


NO_FACETS = {"news_category": "", "document_type": "", "document_status": "", "reader_date": None}


def reader_index_fields(page, *, private=None):
    """What the reader index copies from ``page``, a specific page
    (``private``: whether it is under a view restriction, when the caller
    knows already)."""
    facets = page.reader_facets() if hasattr(page, "reader_facets") else {}
    return {
        **NO_FACETS,
        **facets,
        "live": page.live,
        "private": is_private(page) if private is None else private,
        "locale_id": page.locale_id,
        "content_type_id": page.content_type_id,
        "first_published_at": page.first_published_at,
        "last_published_at": page.last_published_at,
    }


def refresh_privacy(page_ids):
    """Recompute the reader index's ``private`` for pages whose view
    restrictions (their own, an ancestor's, their original's) changed."""
    rows = PageAudience.objects.filter(page_id__in=page_ids)
    hidden = Page.objects.filter(pk__in=page_ids).filter(under_view_restriction()).values("pk")
    rows.filter(page_id__in=hidden).update(private=True)
    rows.exclude(page_id__in=hidden).update(private=False)


def subtree_of(path, field="unit_path"):
    """A Q: ``field`` holds ``path`` or a path below it, as a range an index
    can scan (treebeard paths are digits and capital letters) and a prefix."""
    return Q(**{f"{field}__gte": path, f"{field}__lte": path + "Z" * (255 - len(path))}) & Q(
        **{f"{field}__startswith": path}
    )


def reader_index(user, language_code):
    """The reader index: ``PageAudience`` rows of the live content pages in one
    language that ``user`` may read (the rule of ``readable_pages``, over
    this table alone). Its pk is the page's id."""
    scopes = PageReaderScope.objects.filter(page_audience_id=OuterRef("pk"))
    return _reader_index_rows(language_code).filter(
        ReaderRule.for_user(user).q(audience_field="audience", scopes=scopes)
    )


def reader_index_parts(user, language_code):
    """``reader_index`` as disjoint querysets (``ReaderRule.disjoint_q``),
    to be filtered alike and read as one UNION ALL."""
    return [
        _reader_index_rows(language_code).filter(allowed)
        for allowed in ReaderRule.for_user(user).disjoint_q(
            audience_field="audience", scopes=PageReaderScope.objects.all()
        )
    ]


def _reader_index_rows(language_code):
    # The locale's id as a scalar subquery, not a join: the planner can then
    # read the indexes that start with it. Raw: a Subquery of a queryset is
    # cloned and relabelled on every use (a quarter of a listing's Python).
    locale = RawSQL(
        f"SELECT id FROM {Locale._meta.db_table} WHERE language_code = %s LIMIT 1",
        [language_code],
    )
    return PageAudience.objects.filter(live=True, private=False, locale_id=locale)


def in_indexed_feed(unit, *, subtree=False):
    """``in_unit_feed`` over the reader index: a unit's own rows read through
    its index, and the few pages promoted into it by id. The same rows as two
    Q objects: as a count reads them best, and as a window reads them newest
    first (they differ for a top-level unit's subtree: ``_owned_in_subtree``)."""
    if subtree:
        owned = _owned_in_subtree(unit.path)
        listed = PageListing.objects.filter(subtree_of(unit.path, "unit__path"))
        promoted = list(listed.values_list("page_id", flat=True))
    else:
        owned = (Q(unit=unit),) * 2
        promoted = _promoted_into(unit.pk)
    if not promoted:
        return owned
    return tuple(rows | Q(pk__in=promoted) for rows in owned)


def _owned_in_subtree(path):
    """Rows owned in the subtree at ``path``, to count and to read newest
    first. A count reads the audience-first subtree indexes by range, only the
    caller's audiences. The window of a top-level unit's subtree (the
    province's, a district's) reads its prefix index (``TOP_LEVEL_PATHS``)
    newest first and stops after a page of rows, where the range would read
    and sort every row of it. A deeper subtree holds a few hundred rows and is
    read by range both ways."""
    whole = subtree_of(path)
    if len(path) in TOP_LEVEL_PATHS:
        return whole, Q(Exact(TOP_LEVEL_PATHS[len(path)], path))
    return whole, whole


def _promoted_into(unit_id):
    """Ids of the pages promoted into one unit's own feed: prepared, as every
    unit listing asks (a subtree's, a range of paths, is planned each time)."""
    with prepared_cursor() as cursor:
        cursor.execute(
            f"SELECT page_id FROM {PageListing._meta.db_table} WHERE unit_id = %s", [unit_id]
        )
        return [page_id for (page_id,) in cursor.fetchall()]


def in_unit_feed(unit, *, subtree=False):
    """A Q object over pages: a unit's feed, its own pages and those promoted into it.

    With ``subtree`` the feed covers the unit and every unit below it.
    """
    if subtree:
        owned = PageAudience.objects.filter(unit_path__startswith=unit.path)
        listed = PageListing.objects.filter(unit__path__startswith=unit.path)
    else:
        owned = PageAudience.objects.filter(unit=unit)
        listed = PageListing.objects.filter(unit=unit)
    # One id set, read through the unit's indexes: an OR of the two would
    # make the database test every readable page against both.
    return Q(pk__in=owned.values("page_id").union(listed.values("page_id")))


def is_private(page):
    """In Python, for one page: ``under_view_restriction`` (the page, an
    ancestor, or for an alias the page it mirrors carries a view restriction)."""
    restricted = PageViewRestriction.objects.filter(page__path__in=path_prefixes(page.path))
    if page.alias_of_id is not None:
        original = Page.objects.filter(pk=page.alias_of_id).values_list("path", flat=True).first()
        restricted |= PageViewRestriction.objects.filter(
            page__path__in=path_prefixes(original or "")
        )
    return restricted.exists()


def readable_page(user, page, *, privacy=True):
    """The in-Python face for one page: what ``readable_pages(user)`` decides
    over a queryset. ``privacy=False`` leaves view restrictions to Wagtail's
    own check (the reader site's password form and sign-in)."""
    if not page.live or page.depth <= 1 or (privacy and is_private(page)):
        return False
    row = PageAudience.objects.filter(page_id=page.pk).prefetch_related("reader_scopes").first()
    if row is None:  # unit home pages, indexes
        return True
    paths = [scope.path for scope in row.reader_scopes.all()]
    return ReaderRule.for_user(user).allows(row.audience, paths)


def readable_pages(user, pages=None):
    """Live pages ``user`` may read (the tree root excluded): what readers'
    channels (the API, search, the admin's choosers) may name to them.
    ``pages``: a queryset of one page type to narrow instead of every page
    (filtered directly, not through an ``IN`` over every readable page).

    Pages under a Wagtail view restriction, and aliases of such pages, are
    left out for every caller: see ``under_view_restriction`` for why readers'
    channels do not let anyone pass one.
    """
    pages = Page.objects.all() if pages is None else pages
    return (
        pages.live()
        .filter(depth__gt=1)
        .filter(readable_for(user))
        .exclude(under_view_restriction())
    )
