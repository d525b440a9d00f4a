"""Study on a member's phone (issue 16, 6 and 10): my modules, a module with
its lessons and my progress, a lesson counted as read once reached to the
end, and an open module read offline, its lesson read there sent once when
the network returns."""

import json

import pytest
from playwright.sync_api import expect
from wagtail.models import Page

from content_types.models import AnswerEntry, Audience, LessonProgress, StudyLesson
from content_types.study import module_progress
from tests.content_types.test_quizzes import publish_quiz
from tests.content_types.test_study import publish_module

from .budgets import axe_violations
from .conftest import PASSWORD, PHONE, sign_in
from .test_quizzes import open_quiz

pytestmark = pytest.mark.django_db(transaction=True)

LESSON_TITLES = ["Bài 1: Mục tiêu", "Bài 2: Nhiệm vụ", "Bài 3: Giải pháp"]


def long_body(topic):
    """Enough paragraphs that the end of the lesson is well below a phone's screen."""
    paragraphs = [
        f"<p>Đoạn {n} về {topic}: đảng viên nghiên cứu, quán triệt và thực hiện nghị quyết "
        "ở chi bộ, gắn với nhiệm vụ chính trị của địa phương.</p>"
        for n in range(1, 31)
    ]
    return json.dumps([{"type": "paragraph", "value": "".join(paragraphs)}])


def publish_long_lesson(module, title):
    lesson = StudyLesson(title=title, body=long_body(title), estimated_minutes=12)
    Page.objects.get(pk=module.pk).specific.add_child(instance=lesson)
    lesson.save_revision().publish()
    return StudyLesson.objects.get(pk=lesson.pk)


@pytest.fixture
def study(world):
    """A members' module of the district with three long lessons, and a final quiz."""
    units = world["units"]
    module, _none = publish_module(
        units.district,
        "Học tập Nghị quyết Đại hội Đảng bộ huyện",
        lessons=0,
        audience=Audience.MEMBERS,
        intro="<p>Chuyên đề dành cho đảng viên toàn huyện.</p>",
    )
    lessons = [publish_long_lesson(module, title) for title in LESSON_TITLES]
    return {"module": module, "lessons": lessons, "member": world["member"].member}


def progress_rows(member, lesson):
    return list(LessonProgress.objects.filter(member=member, lesson=lesson))


def wait_for(page, check, tries=60):
    for _attempt in range(tries):
        if check():
            return True
        page.wait_for_timeout(250)
    return check()


def test_a_lesson_counts_as_read_once_the_member_reaches_its_end(world, study, phone, screenshot):
    module, lessons, member = study["module"], study["lessons"], study["member"]
    sign_in(phone, "dv-an", PASSWORD)
    phone.locator("nav").get_by_role("link", name="Học tập").click()
    row = phone.get_by_test_id("module-link").filter(has_text=module.title)
    row.wait_for()
    assert "3 bài học" in row.inner_text()
    screenshot(phone, "study-modules")
    row.click()
    phone.get_by_role("heading", name=module.title).wait_for()
    progress = phone.get_by_test_id("progress")
    progress.get_by_text("Tiến độ: 0/3 bài").wait_for()
    assert phone.get_by_text("Chuyên đề dành cho đảng viên toàn huyện.").is_visible()
    # The lessons in the order editors arranged them.
    expect(phone.get_by_test_id("lesson-link")).to_have_count(3)
    titles = phone.get_by_test_id("lesson-link").locator(".item-title").all_inner_texts()
    assert titles == LESSON_TITLES
    screenshot(phone, "study-module")

    phone.get_by_test_id("lesson-link").filter(has_text=LESSON_TITLES[0]).click()
    phone.get_by_role("heading", name=LESSON_TITLES[0]).wait_for()
    assert phone.get_by_test_id("listen").is_visible()
    # Opened is recorded at once; read only once the end is reached.
    assert wait_for(phone, lambda: progress_rows(member, lessons[0]))
    phone.wait_for_timeout(1000)
    assert progress_rows(member, lessons[0])[0].completed_at is None
    assert not phone.get_by_test_id("lesson-finished").is_visible()

    phone.get_by_test_id("lesson-end").scroll_into_view_if_needed()
    phone.get_by_test_id("lesson-finished").get_by_text("Đã đọc xong").wait_for()
    screenshot(phone, "lesson-read")
    assert wait_for(phone, lambda: progress_rows(member, lessons[0])[0].completed_at)
    # What the progress endpoint (and the committee's view of it) reads.
    counted = module_progress(world["member"], module)
    assert [bool(lesson.completed_at) for lesson in counted.lessons] == [True, False, False]

    phone.get_by_role("link", name="Bài tiếp theo").wait_for()
    phone.get_by_role("link", name="Về chuyên đề").click()
    progress.get_by_text("Tiến độ: 1/3 bài").wait_for()
    first = phone.get_by_test_id("lesson-link").filter(has_text=LESSON_TITLES[0])
    assert "Đã đọc xong" in first.inner_text()


def test_a_module_shows_its_final_quiz(world, study, phone):
    quiz = publish_quiz(world["units"].district, title="Kiểm tra cuối chuyên đề huyện")
    module = study["module"]
    module.final_quiz = quiz
    module.save_revision().publish()
    sign_in(phone, "dv-an", PASSWORD)
    phone.goto(f"/#/chuyen-de/{module.pk}")
    link = phone.get_by_test_id("final-quiz")
    link.click()
    phone.get_by_role("heading", name="Kiểm tra cuối chuyên đề huyện").wait_for()


KEPT = """async (ids) => {
    const cache = await caches.open("stdv-api");
    for (const id of ids) {
        if (!(await cache.match(`/api/v2/pages/${id}/`, { ignoreVary: true }))) return false;
    }
    return true;
}"""
OUTBOX = """async () => new Promise((resolve) => {
    const opening = indexedDB.open("stdv-reader");
    opening.onsuccess = () => {
        const count = opening.result.transaction("outbox").objectStore("outbox").count();
        count.onsuccess = () => resolve(count.result);
    };
})"""


def test_the_open_module_reads_offline_and_a_lesson_read_there_is_sent_once(
    world, study, phone, screenshot
):
    module, lessons, member = study["module"], study["lessons"], study["member"]
    sign_in(phone, "dv-an", PASSWORD)
    phone.evaluate("navigator.serviceWorker.ready")
    phone.goto(f"/#/chuyen-de/{module.pk}")
    phone.get_by_test_id("progress").get_by_text("Tiến độ: 0/3 bài").wait_for()
    # Opening the module keeps its lessons for offline reading.
    ids = [lesson.pk for lesson in lessons]
    assert wait_for(phone, lambda: phone.evaluate(KEPT, ids))

    phone.context.set_offline(True)
    phone.get_by_text("Đang ngoại tuyến").wait_for()
    phone.get_by_test_id("lesson-link").filter(has_text=LESSON_TITLES[1]).click()
    phone.get_by_role("heading", name=LESSON_TITLES[1]).wait_for()
    assert "Đoạn 30 về Bài 2" in phone.locator("main").inner_text()
    phone.get_by_test_id("lesson-end").scroll_into_view_if_needed()
    finished = phone.get_by_test_id("lesson-finished")
    finished.get_by_text("Đã lưu, sẽ gửi khi có mạng").wait_for()
    screenshot(phone, "lesson-read-offline")
    assert phone.evaluate(OUTBOX) == 2  # opened, then read to the end
    assert not progress_rows(member, lessons[1])

    phone.context.set_offline(False)
    assert wait_for(phone, lambda: phone.evaluate(OUTBOX) == 0)
    rows = progress_rows(member, lessons[1])
    assert len(rows) == 1 and rows[0].completed_at is not None
    # Sent once: nothing left to send again on the next start.
    phone.reload()
    phone.get_by_role("heading", name=LESSON_TITLES[1]).wait_for()
    assert LessonProgress.objects.filter(member=member).count() == 1


def test_axe_finds_nothing_serious_on_the_study_quiz_and_question_screens(
    world, study, browser, live_server
):
    quiz = open_quiz(world["units"].province)
    answer = AnswerEntry.objects.create(
        question="Đảng phí hằng tháng đóng thế nào?",
        answer="<p>Tại chi bộ nơi sinh hoạt.</p>",
        unit=world["units"].province,
        audience=Audience.MEMBERS,
    )
    answer.save_revision().publish()
    context = browser.new_context(
        viewport=PHONE, locale="vi-VN", base_url=live_server.url, bypass_csp=True
    )
    page = context.new_page()
    sign_in(page, "dv-an", PASSWORD)
    screens = {
        "study": ("/#/hoc-tap", "module-link"),
        "module": (f"/#/chuyen-de/{study['module'].pk}", "progress"),
        "lesson": (f"/#/bai-hoc/{study['lessons'][0].pk}", "lesson-end"),
        "quiz": (f"/#/thi/{quiz.pk}", "start"),
        "questions": ("/#/hoi-dap", "send-question"),
        "answer": (f"/#/tra-loi/{answer.pk}", "listen"),
    }
    found = {}
    for name, (address, ready) in screens.items():
        page.goto(address)
        page.get_by_test_id(ready).first.wait_for()
        found[name] = axe_violations(page)
    page.goto(f"/#/thi/{quiz.pk}")
    page.get_by_test_id("start").click()
    page.get_by_test_id("countdown").wait_for()
    found["attempt"] = axe_violations(page)
    context.close()
    assert found == {name: [] for name in found}


INSTANT_VOICE = """
const voice = { lang: "vi-VN", name: "Tiếng Việt" };
Object.defineProperty(window, "speechSynthesis", { value: {
  getVoices: () => [voice], cancel: () => {}, pause: () => {},
  speak: (utterance) => setTimeout(() => utterance.onend(), 50),
}});
window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
"""


def test_a_lesson_in_the_feed_opens_on_the_study_screen_and_listening_to_the_end_counts(
    study, phone
):
    """From the district's feed a lesson opens where progress is recorded, and
    a member who listens to the end (the device voice, isolated: a headless
    browser has none) has read it, without scrolling."""
    first = study["lessons"][0]
    phone.add_init_script(INSTANT_VOICE)
    sign_in(phone, "dv-an", PASSWORD)
    district_feed = phone.locator("[data-feed^=unit-]", has_text=first.title).first
    district_feed.get_by_text(first.title).click()
    phone.get_by_test_id("lesson-end").wait_for(state="attached")
    assert phone.url.endswith(f"#/bai-hoc/{first.pk}")
    (row,) = wait_for_rows(phone, study["member"], first)
    assert row.completed_at is None
    phone.get_by_test_id("listen").click()
    phone.get_by_test_id("lesson-finished").wait_for()
    (row,) = progress_rows(study["member"], first)
    assert row.completed_at is not None
    # Opened from the feed, the lesson still knows its module and leads on.
    assert phone.get_by_role("link", name=study["module"].title).is_visible()
    phone.get_by_role("link", name="Bài tiếp theo").click()
    phone.get_by_role("heading", name=study["lessons"][1].title).wait_for()


def wait_for_rows(phone, member, lesson, seconds=15):
    """The lesson's progress rows once the app's request has been answered."""
    for _tick in range(seconds * 4):
        if rows := progress_rows(member, lesson):
            return rows
        phone.wait_for_timeout(250)
    return []
