"""The explorer's status, date and children cells, written without templates,
are Wagtail's cells: the same HTML for every kind of page, person and language."""

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils import translation
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.ui.tables.pages import NavigateToChildrenColumn, PageStatusColumn
from wagtail.models import Page

from content_types import factories
from content_types.models import DocumentIndexPage, NewsIndexPage
from editorial.explorer import UnitExplorerView
from editorial.explorer_columns import direct_columns
from editorial.models import BoardRole

from .test_explorer_buttons import normalised

STOCK_COLUMNS = [
    PageStatusColumn("status", label="Trạng thái", sort_key="live", width="12%"),
    DateColumn(
        "latest_revision_created_at", label="Cập nhật", sort_key="latest_revision_created_at"
    ),
    NavigateToChildrenColumn("navigate", width="10%"),
]


def cells(columns, page, user):
    request = RequestFactory().get("/admin/pages/2/", HTTP_HOST="localhost")
    request.user = user
    context = {"request": request, "row": None, "table": None}
    return [normalised(column.render_cell_html(page, context)) for column in columns]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_each_cell_is_wagtails_cell(unit_tree, board_user, language):
    district = unit_tree.district
    editor = board_user(district, BoardRole.EDITOR)
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    live = factories.publish_news(district, 'Tin "đã đăng" <b>&</b>')
    draft = factories.draft_news(district, "Tin nháp", user=editor)
    home = Page.objects.get(pk=district.home_page_id)
    news_list = NewsIndexPage.objects.child_of(home).get()
    empty_list = DocumentIndexPage.objects.child_of(home).get()  # no child yet: "add"
    Page.objects.filter(pk=draft.pk).update(latest_revision_created_at=None)
    pages = [
        Page.objects.get(pk=page.pk).specific for page in (live, draft, news_list, empty_list)
    ]
    direct = direct_columns(STOCK_COLUMNS)
    assert [type(column) for column in direct] != [type(column) for column in STOCK_COLUMNS]

    with translation.override(language):
        for user in (editor, admin):
            for page in pages:
                assert cells(direct, page, user) == cells(STOCK_COLUMNS, page, user)
        live_status, live_date, _navigate = cells(direct, pages[0], editor)
        assert "w-status--primary" in live_status and live.url in live_status
        assert "datetime=" in live_date
        assert cells(direct, pages[1], editor)[1] == "<td></td>"  # no date: empty
        assert "add_subpage" in cells(direct, pages[3], editor)[2]


def test_the_explorer_shows_the_direct_columns_under_wagtails_headers():
    view = UnitExplorerView()
    names = [column.name for column in view.base_columns]
    assert names == ["bulk_actions", "title", "latest_revision_created_at", "type", "status"]
    kinds = {type(column).__name__ for column in view.base_columns}
    assert {"DirectStatusColumn", "DirectDateColumn"} <= kinds
