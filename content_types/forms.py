"""The document upload form: files are checked by content, not by name.

Named by ``WAGTAILDOCS_DOCUMENT_FORM_BASE``, so Wagtail imports it once the
models are loaded (``wagtail.documents.forms`` queries permissions at import
time, so model modules must not import this one). The party document page
form lives beside its model in ``models/documents.py``.
"""

from django.core.exceptions import ValidationError
from wagtail.documents.forms import BaseDocumentForm

from .extraction import check_attachment_file
from .tasks import request_extraction


class CheckedDocumentForm(BaseDocumentForm):
    """Wagtail's document upload form, refusing files that are not what the
    platform accepts (see ``WAGTAILDOCS_DOCUMENT_FORM_BASE``)."""

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded and "file" in self.changed_data:
            try:
                check_attachment_file(uploaded, uploaded.name)
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
