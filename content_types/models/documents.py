"""Party documents: numbered, typed texts issued by a committee, with attachments.

A document's number and symbol (``619-BC/ĐUK``) is checked against its type,
the owning unit's abbreviation and the other documents of the same year; the
parsed parts are stored so that lists and search can filter on them. Attached
files are read by a background task (``content_types.tasks``) into
``AttachmentText`` so that search finds the words inside them.
"""

import contextlib

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.documents import get_document_model_string
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from editorial.models import Unit

from ..blocks import ArticleBodyBlock
from ..extraction import check_attachment_file
from ..symbols import DocumentType, SymbolError, parse_symbol, symbol_key, validate_symbol
from .base import AUDIENCE_PANEL, UnitContentPage, UnitListingPage


class DocumentStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    AMENDED = "amended", _("Amended")
    REPLACED = "replaced", _("Replaced")
    EXPIRED = "expired", _("Expired")


class RelationKind(models.TextChoices):
    AMENDS = "amends", _("Amends")
    REPLACES = "replaces", _("Replaces")
    IMPLEMENTS = "implements", _("Implements")
    GUIDES = "guides", _("Guides")


# How a relation reads from each end: "Amends 05-NQ/TU" on the source,
# "Amended by 619-BC/ĐUK" on the target.
OUTGOING_LABELS = {
    RelationKind.AMENDS: _("Amends %(symbol)s"),
    RelationKind.REPLACES: _("Replaces %(symbol)s"),
    RelationKind.IMPLEMENTS: _("Implements %(symbol)s"),
    RelationKind.GUIDES: _("Guides %(symbol)s"),
}
INCOMING_LABELS = {
    RelationKind.AMENDS: _("Amended by %(symbol)s"),
    RelationKind.REPLACES: _("Replaced by %(symbol)s"),
    RelationKind.IMPLEMENTS: _("Implemented by %(symbol)s"),
    RelationKind.GUIDES: _("Guided by %(symbol)s"),
}

DUPLICATE_MESSAGE = _(
    "Document %(symbol)s issued in %(year)s already exists: “%(title)s”. "
    "Check the number, or the issue date."
)
NO_UNIT_MESSAGE = _(
    "This page is not under a unit's home page, so the issuing body cannot be checked. "
    "Mark the document as issued elsewhere."
)


def check_document_symbol(
    number,
    *,
    document_type,
    issued_on,
    unit,
    external_issuer=False,
    exclude_pk=None,
    check_issuer=True,
):
    """Validate a symbol for a document owned by ``unit`` and return it parsed.

    Shared by ``PartyDocument.clean`` and the admin form, which knows the owning
    unit of a page not yet in the tree. Raises a ``ValidationError`` keyed by
    ``number``. ``exclude_pk`` is the document itself (all its versions share
    its pk); ``check_issuer=False`` skips the issuer for a symbol accepted
    before (the unit may since have been renamed or merged).
    """
    if not check_issuer:
        external_issuer = True
    if not external_issuer and unit is None:
        raise ValidationError({"number": ValidationError(NO_UNIT_MESSAGE, code="no_unit")})
    symbol = validate_symbol(
        number,
        document_type=document_type,
        issuer_short_name=unit.short_name if unit is not None else "",
        external_issuer=external_issuer,
    )
    if issued_on is not None:
        year, number_value, type_code, issuer = symbol_key(symbol, issued_on.year)
        clash = (
            # An alias repeats its original's number: only originals can clash.
            PartyDocument.objects.filter(
                alias_of__isnull=True,
                issued_on__year=year,
                number_value=number_value,
                document_type=type_code,
                issuer_code=issuer,
            )
            .exclude(pk=exclude_pk)
            .only("title")
            .first()
        )
        if clash is not None:
            raise ValidationError(
                {
                    "number": ValidationError(
                        DUPLICATE_MESSAGE,
                        code="duplicate",
                        params={"symbol": symbol.canonical, "year": year, "title": clash.title},
                    )
                }
            )
    return symbol


class PartyDocumentForm(WagtailAdminPageForm):
    """Checks the number and symbol against the owning unit.

    A new page is not in the tree yet, so its owning unit is found from the
    parent page the create view passes in; an existing page knows its own.
    """

    def owning_unit(self):
        if self.instance.pk and self.instance.path:
            return self.instance.owning_unit
        if self.parent_page is None:
            return None
        return Unit.objects.containing_page(self.parent_page).first()

    def symbol_unchanged(self):
        return self.instance.pk and not {"number", "external_issuer"} & set(self.changed_data)

    def clean(self):
        cleaned_data = super().clean()
        unit = self.owning_unit()
        number, document_type = cleaned_data.get("number"), cleaned_data.get("document_type")
        if number and document_type and not self.has_error("number"):
            try:
                symbol = check_document_symbol(
                    number,
                    document_type=document_type,
                    issued_on=cleaned_data.get("issued_on"),
                    unit=unit,
                    external_issuer=cleaned_data.get("external_issuer", False),
                    exclude_pk=self.instance.pk,
                    check_issuer=not self.symbol_unchanged(),
                )
            except ValidationError as error:
                self.add_error(None, error)
            else:
                cleaned_data["number"] = symbol.canonical
                self.instance.number_value = symbol.number
                self.instance.issuer_code = symbol.issuer
        # The model's clean() would repeat these checks without knowing the unit.
        self.instance._symbol_checked_by_form = True
        if not cleaned_data.get("issuing_body") and unit is not None:
            cleaned_data["issuing_body"] = unit.name
        return cleaned_data


class DocumentIndexPage(UnitListingPage):
    """A unit's list of documents (Văn bản)."""

    subpage_types = ["content_types.PartyDocument"]
    template = "content_types/document_index_page.html"

    class Meta:
        verbose_name = _("document list")
        verbose_name_plural = _("document lists")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        documents = self.readable_children(PartyDocument, request)
        chosen_type = request.GET.get("type")
        if chosen_type in DocumentType.values:
            documents = documents.filter(document_type=chosen_type)
        context["documents"] = documents.order_by("-issued_on", "-number_value", "-pk")[:50]
        context["document_types"] = DocumentType.choices
        context["chosen_type"] = chosen_type
        return context


class PartyDocument(UnitContentPage):
    """A party document with its number and symbol, attachments and relations."""

    number = models.CharField(
        _("number and symbol"),
        max_length=64,
        help_text=_("As printed on the document: number-TYPE/ISSUER, for example 619-BC/ĐUK."),
    )
    document_type = models.CharField(
        _("document type"),
        max_length=8,
        choices=DocumentType.choices,
        help_text=_("Must match the type abbreviation in the symbol (BC for a report)."),
    )
    issued_on = models.DateField(_("issue date"), help_text=_("The date printed on the document."))
    external_issuer = models.BooleanField(
        _("issued elsewhere"),
        default=False,
        help_text=_(
            "Tick if the document comes from another body (for example a higher committee); "
            "its symbol then need not carry this unit's abbreviation."
        ),
    )
    # Parsed from ``number`` on clean and save; not edited directly.
    number_value = models.PositiveIntegerField(_("number"), null=True, blank=True, editable=False)
    issuer_code = models.CharField(
        _("issuer abbreviation"), max_length=64, blank=True, editable=False
    )

    issuing_body = models.CharField(
        _("issuing body"),
        max_length=255,
        blank=True,
        help_text=_("Leave empty to use this unit's name."),
    )
    signer = models.CharField(
        _("signed by"),
        max_length=255,
        blank=True,
        help_text=_("Name and office, for example: Nguyễn Văn A, Secretary."),
    )
    effective_on = models.DateField(
        _("effective date"),
        null=True,
        blank=True,
        help_text=_("Leave empty if the document takes effect on its issue date."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DocumentStatus.choices,
        default=DocumentStatus.IN_FORCE,
    )
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("A few sentences on what the document decides.")
    )
    body = StreamField(
        ArticleBodyBlock(),
        verbose_name=_("body"),
        blank=True,
        help_text=_("The full text, if it is typed in rather than attached."),
    )

    base_form_class = PartyDocumentForm

    content_panels = [
        MultiFieldPanel(
            [
                FieldPanel("number"),
                FieldPanel("document_type"),
                FieldPanel("issued_on"),
                *Page.content_panels,
            ],
            heading=_("Required"),
        ),
        FieldPanel("external_issuer"),
        FieldPanel("issuing_body"),
        FieldPanel("signer"),
        FieldPanel("effective_on"),
        FieldPanel("status"),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel(
            "attachments",
            label=_("Attached files"),
            help_text=_("PDF, Word (DOCX) or photos of the pages (JPEG, PNG, WEBP)."),
        ),
        InlinePanel("relations", label=_("Related documents")),
        AUDIENCE_PANEL,
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("number", boost=5),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("attachment_text"),
        index.FilterField("document_type"),
        index.FilterField("issued_on"),
        index.FilterField("status"),
        index.FilterField("number_value"),
        index.FilterField("issuer_code"),
    ]
    parent_page_types = ["content_types.DocumentIndexPage"]
    subpage_types = []
    template = "content_types/party_document.html"

    class Meta:
        verbose_name = _("party document")
        verbose_name_plural = _("party documents")
        indexes = [
            models.Index(
                fields=["number_value", "document_type", "issuer_code"],
                name="party_document_symbol",
            )
        ]

    def reader_facets(self):
        return {
            "document_type": self.document_type,
            "document_status": self.status,
            "reader_date": self.issued_on,
        }

    def clean(self):
        super().clean()
        if (
            getattr(self, "_symbol_checked_by_form", False)
            or not (self.number and self.document_type)
            # An alias mirrors its original, which was checked in its own unit.
            or self.alias_of_id
        ):
            return
        in_tree = bool(self.path)
        symbol = check_document_symbol(
            self.number,
            document_type=self.document_type,
            issued_on=self.issued_on,
            unit=self.owning_unit if in_tree else None,
            # Outside the tree the owning unit is unknown: the admin form checks it.
            external_issuer=self.external_issuer or not in_tree,
            exclude_pk=self.pk,
            check_issuer=not self.symbol_accepted_before(),
        )
        self.set_symbol(symbol)

    def symbol_accepted_before(self):
        """Whether this symbol and issuer choice are what is already stored."""
        if self.pk is None:
            return False
        stored = PartyDocument.objects.filter(pk=self.pk).values("number", "external_issuer")
        stored = stored.first()
        return stored is not None and stored == {
            "number": self.number,
            "external_issuer": self.external_issuer,
        }

    def set_symbol(self, symbol):
        self.number = symbol.canonical
        self.number_value = symbol.number
        self.issuer_code = symbol.issuer

    def save(self, *args, **kwargs):
        # Imports that skip clean() still get the parsed parts when they can be read.
        with contextlib.suppress(SymbolError):
            self.set_symbol(parse_symbol(self.number))
        if not self.issuing_body and self.path:
            unit = self.owning_unit
            self.issuing_body = unit.name if unit else ""
        return super().save(*args, **kwargs)

    def attachment_text(self):
        """The text read from the attached files, for search."""
        return "\n".join(
            text
            for text in AttachmentText.objects.filter(
                document__party_document_attachments__page=self,
                status=AttachmentText.Status.EXTRACTED,
            ).values_list("text", flat=True)
        )

    def related_documents(self, live_only=True):
        """Relations in both directions as ``(label, document, kind)``, in two queries.

        Outgoing relations first, in the editor's order, then incoming ones by
        issue date. Labels read from this document: "Amends 05-NQ/TU",
        "Amended by 619-BC/ĐUK".
        """
        outgoing = DocumentRelation.objects.filter(source_id=self.pk).select_related("target")
        incoming = DocumentRelation.objects.filter(target_id=self.pk).select_related("source")
        if live_only:
            outgoing = outgoing.filter(target__live=True)
            incoming = incoming.filter(source__live=True)
        result = [
            (OUTGOING_LABELS[r.kind] % {"symbol": r.target.number}, r.target, r.kind)
            for r in outgoing.order_by("sort_order", "pk")
        ]
        result += [
            (INCOMING_LABELS[r.kind] % {"symbol": r.source.number}, r.source, r.kind)
            for r in incoming.order_by("-source__issued_on", "pk")
        ]
        return result


class DocumentRelation(Orderable):
    """``source`` amends, replaces, implements or guides ``target``."""

    source = ParentalKey(PartyDocument, on_delete=models.CASCADE, related_name="relations")
    kind = models.CharField(_("relation"), max_length=16, choices=RelationKind.choices)
    target = models.ForeignKey(
        PartyDocument,
        verbose_name=pgettext_lazy("party document", "document"),
        on_delete=models.CASCADE,
        related_name="incoming_relations",
    )

    panels = [FieldPanel("kind"), FieldPanel("target")]

    class Meta(Orderable.Meta):
        verbose_name = _("related document")
        verbose_name_plural = _("related documents")

    def __str__(self):
        return f"{self.source_id} {self.kind} {self.target_id}"

    def clean(self):
        super().clean()
        if self.target_id is not None and self.target_id == self.source_id:
            raise ValidationError({"target": _("A document cannot refer to itself.")})


class DocumentAttachment(Orderable):
    page = ParentalKey(PartyDocument, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        get_document_model_string(),
        verbose_name=_("file"),
        on_delete=models.CASCADE,
        related_name="party_document_attachments",
    )
    title = models.CharField(
        _("title"),
        max_length=255,
        blank=True,
        help_text=_("Leave empty to use the file's title, e.g. “Appendix 1”."),
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("attached file")
        verbose_name_plural = _("attached files")

    def __str__(self):
        return self.display_title

    @property
    def display_title(self):
        return self.title or (self.document.title if self.document_id else "")

    def clean(self):
        super().clean()
        if self.document_id is None:
            return
        document = self.document
        name = document.filename
        try:
            with document.open_file() as fileobj:
                check_attachment_file(fileobj, name, size=document.file.size)
        except OSError as error:
            raise ValidationError(
                {"document": _("The file “%(name)s” cannot be read.") % {"name": name}}
            ) from error
        except ValidationError as error:
            raise ValidationError({"document": error}) from error


class AttachmentText(models.Model):
    """The text read from one uploaded file, replaced each time it is read."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be read")
        EXTRACTED = "extracted", _("Text extracted")
        UNREADABLE = "unreadable", _("No readable text (scan, photo or damaged file)")

    document = models.OneToOneField(
        get_document_model_string(),
        on_delete=models.CASCADE,
        related_name="extracted_text",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    text = models.TextField(_("text"), blank=True)
    problem = models.CharField(_("problem"), max_length=255, blank=True)
    # The file_hash of the document when it was read, to skip unchanged files.
    source_hash = models.CharField(max_length=40, blank=True)
    extracted_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attachment text")
        verbose_name_plural = _("attachment texts")

    def __str__(self):
        return f"{self.document_id}: {self.get_status_display()}"

    @property
    def is_flagged(self):
        return self.status == self.Status.UNREADABLE
