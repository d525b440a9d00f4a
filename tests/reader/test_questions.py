"""Questions on a member's phone (issue 16, 8 and 2): matching ready answers
come first as the member types, a full answer, the question sent to their
board and stored, its status and the board's reply, and a typed draft kept
through a reload and an expired sign-in."""

import pytest
from playwright.sync_api import expect

from api.models import ReaderToken
from content_types.models import AnswerEntry, Audience, MemberQuestion
from search.rebuild import rebuild

from .conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

ASKED = "Đảng phí đóng thế nào ạ?"
DRAFT = "Chuyển sinh hoạt đảng tạm thời cần giấy tờ gì?"


@pytest.fixture
def ready_answer(world):
    """The province's published answer about party fees, for members."""
    answer = AnswerEntry.objects.create(
        question="Đảng phí hằng tháng đóng thế nào?",
        answer="<p>Đảng viên đóng đảng phí hằng tháng tại chi bộ nơi sinh hoạt.</p>",
        category="fees",
        unit=world["units"].province,
        audience=Audience.MEMBERS,
    )
    answer.save_revision().publish()
    rebuild(use_engine=False)
    return answer


def test_ready_answers_come_first_then_the_question_goes_to_the_board(
    world, ready_answer, phone, board_user, screenshot
):
    sign_in(phone, "dv-an", PASSWORD)
    phone.locator("nav").get_by_role("link", name="Hỏi đáp").click()
    box = phone.get_by_label("Gõ câu hỏi của đồng chí")
    box.fill(ASKED)
    found = phone.get_by_test_id("ready-answer")
    found.first.wait_for()
    assert found.first.inner_text().startswith("Đảng phí hằng tháng đóng thế nào?")
    assert not MemberQuestion.objects.exists()  # nothing sent while reading answers
    screenshot(phone, "questions-ready-answers")

    found.first.click()
    phone.get_by_role("heading", name="Đảng phí hằng tháng đóng thế nào?").wait_for()
    assert phone.get_by_text("tại chi bộ nơi sinh hoạt").is_visible()
    assert phone.get_by_test_id("listen").is_visible()
    phone.go_back()
    expect(box).to_have_value(ASKED)  # the draft is still there

    phone.get_by_role("button", name="Gửi câu hỏi tới ban biên tập").click()
    phone.get_by_text("Đã gửi câu hỏi tới ban biên tập.").wait_for()
    question = MemberQuestion.objects.get()
    assert (question.text, question.asker) == (ASKED, world["member"])
    assert question.assigned_unit == world["units"].branch  # its board receives it
    mine = phone.get_by_test_id("my-questions")
    mine.get_by_text(ASKED).wait_for()
    assert mine.get_by_test_id("question-status").inner_text() == "Đang chờ trả lời"
    expect(box).to_have_value("")

    secretary = board_user(world["units"].branch)
    question.answer_with("Đồng chí đóng tại chi bộ vào kỳ sinh hoạt hằng tháng.", secretary)
    phone.reload()
    mine.get_by_text("Đồng chí đóng tại chi bộ vào kỳ sinh hoạt hằng tháng.").wait_for()
    assert mine.get_by_test_id("question-status").inner_text() == "Đã trả lời"
    screenshot(phone, "questions-reply")


def test_a_typed_draft_survives_a_reload_and_an_expired_sign_in(world, phone):
    sign_in(phone, "dv-an", PASSWORD)
    phone.goto("/#/hoi-dap")
    box = phone.get_by_label("Gõ câu hỏi của đồng chí")
    box.fill(DRAFT)
    phone.wait_for_timeout(300)
    phone.reload()
    expect(box).to_have_value(DRAFT)

    ReaderToken.objects.filter(user=world["member"]).delete()
    phone.reload()
    phone.get_by_text("Phiên đăng nhập đã hết hạn").wait_for()
    sign_in(phone, "dv-an", PASSWORD)
    phone.goto("/#/hoi-dap")
    box.wait_for()
    expect(box).to_have_value(DRAFT)
    assert not MemberQuestion.objects.exists()
