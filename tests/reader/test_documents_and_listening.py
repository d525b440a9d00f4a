"""Documents, listening and search on a phone (issue 16, 4, 5 and 9): filters,
relations and attachments, downloads that resume, save for offline; the
server's audio or the device's Vietnamese voice; one search box."""

from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from content_types.factories import publish_document
from content_types.models import DocumentRelation, RelationKind
from readaloud.making import make_audio
from search.rebuild import rebuild
from tests.content_types.test_documents import make_pdf

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)

# The app fetches files in ranges of 256 KB (reader/frontend/src/offline.js).
CHUNK = 256 * 1024


@pytest.fixture
def big_document(world):
    """A public plan with a 700 KB PDF: three ranges to download."""
    pdf = make_pdf("Ke hoach " + "chuyen doi so " * 50_000)
    assert len(pdf) > 2 * CHUNK
    file = get_document_model().objects.create(
        title="Kế hoạch 20", file=ContentFile(pdf, name="ke-hoach-20.pdf")
    )
    document = publish_document(
        world["units"].province, "20-KH/TU", "KH", files=[file], title="Kế hoạch chuyển đổi số"
    )
    return document, pdf


def test_documents_filter_by_type_and_show_number_status_and_relations(world, phone, screenshot):
    resolution, report = world["resolution"], world["report"]
    report.relations.add(DocumentRelation(kind=RelationKind.IMPLEMENTS, target=resolution))
    report.save_revision().publish()
    phone.goto("/#/van-ban")
    listing = phone.locator("main .items")
    listing.get_by_text("Báo cáo sơ kết quý").wait_for()
    assert listing.get_by_text("Nghị quyết về chuyển đổi số").is_visible()

    phone.get_by_label("Loại").select_option("NQ")
    listing.get_by_text("Báo cáo sơ kết quý").wait_for(state="detached")
    assert listing.locator("li").count() == 1
    screenshot(phone, "documents-filtered")

    listing.get_by_text("Nghị quyết về chuyển đổi số").click()
    assert phone.get_by_test_id("number").inner_text() == resolution.number
    assert phone.get_by_text("Còn hiệu lực").is_visible()
    attachment = resolution.attachments.first().document
    assert phone.get_by_role("link", name=attachment.title).is_visible()
    related = phone.locator("section", has_text="Văn bản liên quan").get_by_role("link")
    assert "12-BC/TU" in related.inner_text()
    related.click()
    phone.get_by_role("heading", name=report.title).wait_for()
    assert phone.get_by_test_id("number").inner_text() == report.number


def test_a_download_resumes_after_a_dropped_connection(world, big_document, browser, live_server):
    document, pdf = big_document
    context = browser.new_context(
        viewport=PHONE, locale="vi-VN", base_url=live_server.url, service_workers="block"
    )
    page = context.new_page()
    ranges, dropped = [], []

    def drop_the_second_range_once(route):
        wanted = route.request.headers.get("range", "")
        ranges.append(wanted)
        if wanted.startswith(f"bytes={CHUNK}-") and not dropped:
            dropped.append(wanted)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/documents/**", drop_the_second_range_once)
    page.goto(f"/#/muc/{document.pk}")
    page.get_by_test_id("save").click()
    page.get_by_text("Đã lưu để đọc ngoại tuyến").wait_for(timeout=60_000)
    assert dropped
    # After the drop, the same range again: never from the first byte.
    assert ranges == [
        f"bytes=0-{CHUNK - 1}",
        f"bytes={CHUNK}-{2 * CHUNK - 1}",
        f"bytes={CHUNK}-{2 * CHUNK - 1}",
        f"bytes={2 * CHUNK}-{3 * CHUNK - 1}",
    ]
    url = document.attachments.first().document.url
    stored = page.evaluate(
        """async (url) => {
            const saved = await caches.open("stdv-saved");
            const kept = await saved.match(new URL(url, location.href).href);
            return kept ? (await kept.arrayBuffer()).byteLength : -1;
        }""",
        url,
    )
    assert stored == len(pdf)
    context.close()


def test_a_saved_document_reads_with_no_network(world, phone):
    resolution = world["resolution"]
    phone.goto("/")
    phone.evaluate("navigator.serviceWorker.ready")
    phone.goto(f"/#/muc/{resolution.pk}")
    phone.get_by_test_id("save").click()
    phone.get_by_text("Đã lưu để đọc ngoại tuyến").wait_for()

    phone.context.set_offline(True)
    phone.goto("/#/van-ban")
    phone.get_by_role("heading", name="Văn bản đã lưu").wait_for()
    phone.locator("section", has_text="Văn bản đã lưu").get_by_text(resolution.title).click()
    phone.get_by_role("heading", name=resolution.title).wait_for()
    assert phone.get_by_test_id("number").inner_text() == resolution.number
    phone.context.set_offline(False)


def test_listen_plays_the_servers_audio_with_media_session(world, phone):
    article = world["public"][0]
    made = make_audio(article.pk)
    assert made.state == "made", made.problem
    phone.goto(f"/#/muc/{article.pk}")
    button = phone.get_by_test_id("listen")
    assert button.get_attribute("data-source") == "generated"
    with phone.expect_response(lambda response: "/media/audio/" in response.url) as audio:
        button.click()
    assert audio.value.status in (200, 206)
    phone.locator("[data-testid=listen][aria-pressed=true]").wait_for()
    assert phone.evaluate("navigator.mediaSession.metadata?.title") == article.title
    assert button.inner_text().strip().endswith("Tạm dừng")
    phone.get_by_role("button", name="1,25×").click()
    assert phone.get_by_role("button", name="1,25×").get_attribute("aria-pressed") == "true"
    button.click()
    assert button.get_attribute("aria-pressed") == "false"


FAKE_VOICE = """
window.__spoken = [];
const voices = [{ lang: "en-US", name: "English" }, { lang: "vi-VN", name: "Tiếng Việt" }];
Object.defineProperty(window, "speechSynthesis", { value: {
  getVoices: () => voices,
  speak: (utterance) => window.__spoken.push(
    { text: utterance.text, lang: utterance.lang, rate: utterance.rate }),
  cancel: () => {}, pause: () => {},
}});
window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
"""


def test_listen_uses_the_devices_vietnamese_voice_without_server_audio(world, phone):
    """Unit isolation of the device's speech API (a headless browser has no
    voices): the app picks the Vietnamese voice and reads title and summary."""
    resolution = world["resolution"]
    phone.add_init_script(FAKE_VOICE)
    phone.goto(f"/#/muc/{resolution.pk}")
    button = phone.get_by_test_id("listen")
    assert button.get_attribute("data-source") == "device"
    button.click()
    phone.get_by_role("button", name="0,75×").click()
    spoken = phone.evaluate("window.__spoken")
    assert spoken[0]["lang"] == "vi-VN"
    assert resolution.title in spoken[0]["text"]
    assert "chuyển đổi số trong công tác đảng" in spoken[0]["text"]
    assert [said["rate"] for said in spoken] == [1, 0.75]


def test_search_finds_without_diacritics_and_by_a_number_typed_another_way(world, phone):
    rebuild(use_engine=False)
    phone.goto("/#/tim-kiem")
    box = phone.get_by_role("searchbox")
    box.fill("nghi quyet chuyen doi so")
    box.press("Enter")
    results = phone.get_by_test_id("result")
    results.first.wait_for()
    assert "Nghị quyết về chuyển đổi số" in results.first.inner_text()
    assert phone.locator(".highlight mark").count() >= 1

    # A search address can be shared: the words are in it. The number is
    # typed without its leading zero.
    phone.goto(f"/#/tim-kiem/{quote('5/NQ-TU', safe='')}")
    assert phone.get_by_role("searchbox").input_value() == "5/NQ-TU"
    results.filter(has_text="05-NQ/TU").first.click()
    assert phone.get_by_test_id("number").inner_text() == "05-NQ/TU"


def test_more_documents_continue_from_the_last_one(world, phone):
    """Thirty at a time; "Xem thêm" continues from the cursor, nothing twice."""
    for number in range(1, 31):
        publish_document(
            world["units"].province, f"{number}-TB/TU", "TB", title=f"Thông báo {number}"
        )
    phone.goto("/#/van-ban")
    listing = phone.locator("main .items").first
    listing.locator("li").nth(29).wait_for()
    assert listing.locator("li").count() == 30
    phone.get_by_role("button", name="Xem thêm").click()
    listing.locator("li").nth(31).wait_for()
    titles = listing.locator(".item-title").all_inner_texts()
    assert len(titles) == len(set(titles)) == 32
    assert phone.get_by_role("button", name="Xem thêm").count() == 0
