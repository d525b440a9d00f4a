"""The document upload form: files are checked by content, not by name.

The library takes party documents' attachments and lessons' recordings, each
kind with its own size limit (``extraction.max_upload_size``): Wagtail's
single ``WAGTAILDOCS_MAX_UPLOAD_SIZE`` check on the file field is turned off
here, so that a recording may be larger than a document and every refusal
names the file and the limit that applies to it.

Named by ``WAGTAILDOCS_DOCUMENT_FORM_BASE``, so Wagtail imports it once the
models are loaded (``wagtail.documents.forms`` queries permissions at import
time, so model modules must not import this one). The party document page
form lives beside its model in ``models/documents.py``.
"""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm

from .extraction import FileKind, check_uploaded_file, max_upload_size
from .tasks import request_extraction


class CheckedDocumentForm(BaseDocumentForm):
    """Wagtail's document upload form, refusing files that are not what the
    platform accepts (see ``WAGTAILDOCS_DOCUMENT_FORM_BASE``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if field is not None:
            # Sizes are checked per kind in clean_file; the multiple uploader
            # reads this too, and leaves the check to the server.
            field.max_upload_size = None
            field.help_text = upload_limits_help()

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded and "file" in self.changed_data:
            try:
                check_uploaded_file(uploaded, uploaded.name)
            except ValidationError as error:
                self._refused_file = error
                raise
        return uploaded

    def _post_clean(self):
        super()._post_clean()
        refused = getattr(self, "_refused_file", None)
        if refused is not None:
            # Document.clean() then checks the extension of the now empty file
            # field and adds a confusing "extension “”" error: keep ours alone.
            self._errors["file"] = self.error_class(refused.error_list)

    def save(self, commit=True):
        file_changed = "file" in self.changed_data
        document = super().save(commit=commit)
        if commit and file_changed:
            request_extraction(document, force=True)
        return document


def upload_limits_help():
    """The file field's help: what may be uploaded, and how big."""
    documents = max_upload_size(FileKind.PDF)
    recordings = max_upload_size(FileKind.MP3)
    if documents is None or recordings is None:
        return ""
    return _(
        "PDF, Word (DOCX) or photos up to %(documents)s; sound recordings for lessons "
        "(MP3, M4A, AAC, Ogg, Opus or WAV) up to %(recordings)s."
    ) % {"documents": filesizeformat(documents), "recordings": filesizeformat(recordings)}
