"""What checking every line of an archive needs, loaded in a few queries for
the whole file: the units it names, their news and document list pages
(``Listing``), the locales, and the files its lines attach (``Attachment``),
each found inside the import file's folder and checked by content once."""

from dataclasses import dataclass
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page
from wagtail.utils.file import hash_filelike

from editorial.models import Unit
from editorial.provisioning import ensure_collection, ensure_home_page

from ..extraction import check_attachment_file
from ..models import DocumentIndexPage, NewsIndexPage
from .reading import Kind

LISTING_MODELS = {Kind.NEWS: NewsIndexPage, Kind.DOCUMENT: DocumentIndexPage}


@dataclass(frozen=True)
class Listing:
    """A unit's news or document list page: where its imported items go.

    A unit with no home page yet (no editorial board) has a *pending* listing
    (``pk`` None): the import makes its home page and lists when it writes
    (``provide_listings``), and nothing already stored can match its items.
    """

    pk: int | None
    path: str | None
    depth: int | None
    url_path: str
    locale_id: int

    @property
    def pending(self):
        return self.pk is None


@dataclass(frozen=True)
class Attachment:
    """A file named by a line, found and checked by content."""

    name: str  # as written in the line
    path: Path
    size: int
    file_hash: str  # SHA-1, as Wagtail's Document.file_hash

    @property
    def title(self):
        return self.path.stem


class Context:
    """What checking every line needs, loaded in a few queries for the whole file."""

    def __init__(self, lines, base_dir):
        self.base_dir = Path(base_dir)
        codes = {line.values["unit"] for line in lines if "unit" in line.values}
        self.units = {
            unit.code: unit
            for unit in Unit.objects.filter(code__in=codes).select_related("home_page")
        }
        self.listings = self._listings()
        self.locales = dict(Locale.objects.values_list("language_code", "pk"))
        self._attachments = {}

    def pending_listing(self):
        """The list a unit without a home page will have: made in the default
        language's tree, as ``ensure_home_page`` makes it."""
        return Listing(None, None, None, "", Locale.get_default().pk)

    def _listings(self):
        """(unit code, kind) -> Listing, for the units named in the file."""
        return find_listings(self.units.values())

    def attachment(self, name):
        """The checked ``Attachment`` for a path written in a line, or an error message."""
        if name not in self._attachments:
            self._attachments[name] = self._check_attachment(name)
        return self._attachments[name]

    def _check_attachment(self, name):
        path = self._inside_base_dir(name)
        if path is None:
            return _(
                "“%(name)s”: give the path relative to the import file's folder, "
                "without “..”, and not through a link that leads outside it"
            ) % {"name": name}
        if not path.is_file():
            return _("file not found: %(name)s") % {"name": name}
        try:
            with path.open("rb") as fileobj:
                size = path.stat().st_size
                check_attachment_file(fileobj, path.name, size=size)
                file_hash = hash_filelike(fileobj)
        except OSError as error:
            return _("cannot read %(name)s: %(error)s") % {"name": name, "error": error.strerror}
        except ValidationError as error:
            return " ".join(error.messages)
        return Attachment(name=name, path=path, size=size, file_hash=file_hash)

    def _inside_base_dir(self, name):
        """The real path of ``name`` when it stays inside the import file's
        folder, else None.

        An archive comes from another system: a path such as ``../../etc/x``,
        an absolute one, or a symbolic link pointing out of the folder would
        make the import read (and publish) any file the server can read.
        The resolved path is returned, so the file written is the one checked.
        """
        relative = Path(name)
        if relative.is_absolute() or ".." in relative.parts or "\\" in name:
            return None
        base = self.base_dir.resolve()
        path = (base / relative).resolve()
        return path if path.is_relative_to(base) else None


def find_listings(units):
    """(unit code, kind) -> Listing: the news and document lists under the
    home pages of ``units``, in a query."""
    homes = {unit.home_page.path: unit.code for unit in units if unit.home_page_id}
    if not homes:
        return {}
    depths = {len(path) // Page.steplen + 1 for path in homes}
    content_types = {
        ContentType.objects.get_for_model(model).pk: kind for kind, model in LISTING_MODELS.items()
    }
    rows = (
        Page.objects.filter(content_type_id__in=content_types, depth__in=depths)
        .order_by("path")
        .values_list("pk", "path", "depth", "url_path", "locale_id", "content_type_id")
    )
    listings = {}
    for pk, path, depth, url_path, locale_id, content_type_id in rows:
        code = homes.get(path[: -Page.steplen])
        key = (code, content_types[content_type_id])
        if code is not None and key not in listings:
            listings[key] = Listing(pk, path, depth, url_path or "", locale_id)
    return listings


def provide_listings(items):
    """Give the units of items with a pending listing their home page, media
    collection and lists (``editorial.provisioning``), parents first, and
    point the items at the lists made. Call inside the import's transaction."""
    units = {item.unit.pk: item.unit for item in items if item.listing.pending}
    for unit in sorted(units.values(), key=lambda unit: unit.depth):
        ensure_home_page(unit)
        ensure_collection(unit)
    listings = find_listings(units.values())
    for item in items:
        if item.listing.pending:
            item.listing = listings[(item.unit.code, item.kind)]
