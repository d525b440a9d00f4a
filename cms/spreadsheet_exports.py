"""Wagtail's own spreadsheet downloads follow the platform's rule too.

The admin's listings and reports (site history, locked pages, workflow
reports, snippet listings) export CSV and XLSX through Wagtail's
``SpreadsheetExportMixin``. Its XLSX cells are kept as text, but its CSV
writes titles as typed, so a page titled ``=HYPERLINK(...)`` became a live
formula on the reader's computer. Every value goes through
``editorial.spreadsheets.text_cell`` instead, one rule for every export.
"""

from wagtail.admin.views.mixins import SpreadsheetExportMixin

from editorial.spreadsheets import text_cell

_wagtail_preprocess = SpreadsheetExportMixin.preprocess_field_value


def _preprocess_as_text(self, field, value, export_format):
    return text_cell(_wagtail_preprocess(self, field, value, export_format))


def escape_wagtail_exports():
    """Called once from ``CmsConfig.ready()``: Wagtail offers no hook for its
    export cells, so the mixin's preprocessing step is wrapped."""
    SpreadsheetExportMixin.preprocess_field_value = _preprocess_as_text
