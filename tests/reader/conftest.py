"""The reader app in Debian's Chromium at a phone's size, in Vietnamese,
against the live test server: a small province with public news and
documents, a branch's members-only news, and a member of that branch."""

import pytest
from django.core.cache import cache

from content_types.factories import publish_document, publish_news
from content_types.models import Audience
from editorial.factories import MemberFactory
from tests.api.conftest import make_file
from tests.conftest import build_unit_tree

PASSWORD = "secret-pass-123"  # UserFactory's
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def world(transactional_db):
    cache.clear()
    units = build_unit_tree(board_on_branch=True)
    public = [
        publish_news(
            units.province,
            f"Tỉnh ủy triển khai nhiệm vụ số {number}",
            lead=f"Tóm tắt nhiệm vụ số {number} của Tỉnh ủy.",
        )
        for number in (1, 2, 3)
    ]
    branch_news = publish_news(
        units.branch,
        "Chi bộ xóm Cầu Tâm họp bàn làm đường",
        Audience.UNIT,
        lead="Chỉ đảng viên chi bộ được đọc.",
    )
    resolution = publish_document(
        units.province,
        "05-NQ/TU",
        "NQ",
        files=[make_file("Nghi quyet 05")],
        summary="Nghị quyết về chuyển đổi số trong công tác đảng.",
        title="Nghị quyết về chuyển đổi số",
    )
    report = publish_document(units.province, "12-BC/TU", "BC", title="Báo cáo sơ kết quý")
    member = MemberFactory(
        branch=units.branch, full_name="Nguyễn Văn An", user__username="dv-an"
    ).user
    cache.clear()
    return {
        "units": units,
        "public": public,
        "branch_news": branch_news,
        "resolution": resolution,
        "report": report,
        "member": member,
    }


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized page of a fresh browser profile; page errors fail the test."""
    context = browser.new_context(
        viewport=PHONE,
        locale="vi-VN",
        base_url=live_server.url,
        service_workers="allow",
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


def sign_in(page, username, secret, *, with_code=False):
    page.goto("/#/dang-nhap")
    if with_code:
        page.get_by_role("button", name="Dùng mã do bí thư cấp").click()
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mã đăng nhập một lần" if with_code else "Mật khẩu").fill(secret)
    page.locator("form").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_selector("[data-feed^=unit-]")
