"""A member's phone: reading without an account, signing in and out, feeds
with unread markers and refresh, text size and contrast (issue 16, 1-3)."""

import pytest

from api.admin_views import issue_sign_in_code
from api.models import ReaderToken
from content_types.factories import publish_news
from readership import recording
from readership.models import ItemRead

from .conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_anonymous_reads_public_news_and_documents_and_an_article(world, phone, screenshot):
    phone.goto("/")
    news = phone.locator("[data-feed=news]")
    news.get_by_text("Tỉnh ủy triển khai nhiệm vụ số 3").wait_for()
    screenshot(phone, "home-anonymous")
    documents = phone.locator("[data-feed=documents]")
    assert documents.get_by_text("Nghị quyết về chuyển đổi số").is_visible()
    assert "05-NQ/TU" in documents.inner_text()
    # The branch's members-only news is not for a stranger.
    assert "Cầu Tâm" not in phone.locator("main").inner_text()

    news.get_by_text("Tỉnh ủy triển khai nhiệm vụ số 2").click()
    phone.get_by_role("heading", name="Tỉnh ủy triển khai nhiệm vụ số 2").wait_for()
    assert phone.get_by_text("Tóm tắt nhiệm vụ số 2 của Tỉnh ủy.").is_visible()
    assert phone.get_by_test_id("listen").is_visible()
    screenshot(phone, "article")


def test_text_size_and_high_contrast_are_remembered(world, phone):
    phone.goto("/#/cai-dat")
    base = phone.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    phone.get_by_role("button", name="Rất lớn").click()
    phone.get_by_label("Tương phản cao").check()
    phone.reload()
    phone.get_by_role("button", name="Rất lớn").wait_for()
    root = phone.locator("html")
    assert root.get_attribute("data-size") == "largest"
    assert root.get_attribute("data-contrast") == "high"
    largest = phone.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert largest >= base * 1.35
    background = phone.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(0, 0, 0)"
    assert phone.get_by_role("button", name="Rất lớn").get_attribute("aria-pressed") == "true"


def test_member_signs_in_reads_their_branch_feed_and_signs_out(world, phone, screenshot):
    sign_in(phone, "dv-an", PASSWORD)
    branch = world["units"].branch
    feed = phone.locator(f"[data-feed=unit-{branch.pk}]")
    feed.get_by_text("Chi bộ xóm Cầu Tâm họp bàn làm đường").wait_for()
    # One feed per unit, from the branch up to the province.
    assert phone.locator("[data-feed^=unit-]").count() == 4
    screenshot(phone, "home-member")
    assert ReaderToken.objects.filter(user=world["member"]).count() == 1

    phone.get_by_role("link", name="Cài đặt").first.click()
    assert phone.get_by_text("Đang đăng nhập: Nguyễn Văn An").is_visible()
    phone.get_by_role("button", name="Đăng xuất").click()
    phone.locator("[data-feed=news]").wait_for()
    assert "Cầu Tâm" not in phone.locator("main").inner_text()
    assert ReaderToken.objects.filter(user=world["member"]).count() == 0


def test_member_signs_in_with_a_one_time_code_from_their_secretary(world, phone):
    code = issue_sign_in_code(world["member"], issued_by=None)
    sign_in(phone, "dv-an", code, with_code=True)
    assert phone.get_by_text("Chi bộ xóm Cầu Tâm họp bàn làm đường").first.is_visible()


def test_a_wrong_password_says_so_in_vietnamese(world, phone):
    phone.goto("/#/dang-nhap")
    phone.get_by_label("Tên đăng nhập").fill("dv-an")
    phone.get_by_label("Mật khẩu").fill("not-the-password")
    phone.locator("form").get_by_role("button", name="Đăng nhập").click()
    alert = phone.get_by_role("alert")
    alert.wait_for()
    assert "mật khẩu" in alert.inner_text().lower()


def test_an_expired_token_returns_to_sign_in(world, phone):
    sign_in(phone, "dv-an", PASSWORD)
    ReaderToken.objects.filter(user=world["member"]).delete()
    phone.reload()
    phone.get_by_text("Phiên đăng nhập đã hết hạn").wait_for()
    assert phone.get_by_label("Mật khẩu").is_visible()
    # Reopened before signing in again, the app still says why.
    phone.reload()
    phone.get_by_text("Phiên đăng nhập đã hết hạn").wait_for()


def test_unread_markers_and_refresh_through_sync(world, phone):
    sign_in(phone, "dv-an", PASSWORD)
    province = world["units"].province
    feed = phone.locator(f"[data-feed=unit-{province.pk}]")
    row = feed.locator("li", has_text="Tỉnh ủy triển khai nhiệm vụ số 1")
    assert row.locator(".badge").inner_text() == "Mới"
    row.get_by_role("link").click()
    phone.get_by_role("heading", name="Tỉnh ủy triển khai nhiệm vụ số 1").wait_for()
    phone.go_back()
    feed.wait_for()
    assert row.locator(".badge").count() == 0
    assert feed.locator("li", has_text="nhiệm vụ số 2").locator(".badge").count() == 1

    publish_news(province, "Tin mới sau khi mở ứng dụng", lead="Vừa đăng.")
    # Another district's news is not in this member's feeds: not counted as new.
    publish_news(world["units"].district_2, "Tin của huyện khác", lead="Ở nơi khác.")
    phone.get_by_test_id("refresh").click()
    phone.get_by_text("Đã cập nhật: 1 mục mới").wait_for()
    feed.get_by_text("Tin mới sau khi mở ứng dụng").wait_for()


def test_after_one_online_visit_the_app_opens_and_reads_with_no_network(world, phone, screenshot):
    sign_in(phone, "dv-an", PASSWORD)
    branch_news = world["branch_news"]
    phone.evaluate("navigator.serviceWorker.ready")
    # The feeds' items are kept for offline reading in the background.
    for _attempt in range(60):
        kept = phone.evaluate(
            """async (id) => Boolean(await (await caches.open("stdv-api"))
                .match(`/api/v2/pages/${id}/`, { ignoreVary: true }))""",
            branch_news.pk,
        )
        if kept:
            break
        phone.wait_for_timeout(500)
    assert kept

    phone.context.set_offline(True)
    phone.reload()
    phone.get_by_text("Đang ngoại tuyến").wait_for()
    feed = phone.locator(f"[data-feed=unit-{world['units'].branch.pk}]")
    feed.get_by_text(branch_news.title).click()
    phone.get_by_role("heading", name=branch_news.title).wait_for()
    assert phone.get_by_text("Chỉ đảng viên chi bộ được đọc.").is_visible()
    screenshot(phone, "offline-article")
    phone.context.set_offline(False)


def test_items_kept_for_offline_are_not_counted_as_read(world, phone, settings):
    """The feeds' items fetched in the background are not reads; the one the
    member opens is (the reading figures, readership/)."""
    settings.READERSHIP_RECORDING = True
    recording.BUFFER.clear()
    sign_in(phone, "dv-an", PASSWORD)
    branch_news = world["branch_news"]
    phone.evaluate("navigator.serviceWorker.ready")
    kept_province_item = world["public"][0]
    for _attempt in range(60):
        if phone.evaluate(
            """async (id) => Boolean(await (await caches.open("stdv-api"))
                .match(`/api/v2/pages/${id}/`, { ignoreVary: true }))""",
            kept_province_item.pk,
        ):
            break
        phone.wait_for_timeout(500)
    phone.goto(f"/#/muc/{branch_news.pk}")
    phone.get_by_role("heading", name=branch_news.title).wait_for()
    recording.flush()
    read = set(ItemRead.objects.filter(user=world["member"]).values_list("page_id", flat=True))
    assert read == {branch_news.pk}
