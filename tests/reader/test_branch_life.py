"""Branch life on members' phones (issue 18): a secretary sends a meeting
notice with a phone photo, a member answers it, the meeting is held with
attendance and a secret vote, the committee above rates it; a task assigned
and reported done; notifications marked read. Each person on their own
phone (a browser context of their own)."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from branches import assignments, meetings, voting
from branches.models import (
    Attendance,
    Ballot,
    Meeting,
    MeetingRating,
    Notification,
    ResidenceRegistration,
    Rsvp,
    TaskAssignment,
    Vote,
    VoteReceipt,
)
from content_types.factories import publish_document
from editorial.models import Member, MemberStatus
from search.rebuild import rebuild
from tests.branches.conftest import give_office, make_member
from tests.conftest import build_unit_tree

from .budgets import axe_violations
from .conftest import PASSWORD, PHONE, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

QUESTION = "Đề nghị kết nạp quần chúng Lê Thị Hoa?"


@pytest.fixture
def branch(transactional_db):
    """DT-X1-C1 with its secretary, an official and a probationary member; the
    grassroots committee's secretary (a member of the sibling branch)."""
    cache.clear()
    units = build_unit_tree()
    people = {
        "units": units,
        "secretary": make_member(units.branch, "bi-thu", full_name="Trần Văn Bình"),
        "official": make_member(units.branch, "dang-vien", full_name="Nguyễn Văn An"),
        "probationary": make_member(
            units.branch, "du-bi", MemberStatus.PROBATIONARY, full_name="Phạm Thị Dung"
        ),
        "committee": make_member(units.branch_2, "bi-thu-dang-uy", full_name="Hoàng Văn Cường"),
    }
    give_office(people["secretary"], units.branch)
    give_office(people["committee"], units.grassroots)
    people["resolution"] = publish_document(
        units.province, "05-NQ/TU", "NQ", title="Nghị quyết về chuyển đổi số"
    )
    rebuild(use_engine=False)
    cache.clear()
    return people


@pytest.fixture
def phones(browser, live_server):
    """``phones(username)`` → a signed-in phone-sized page of its own browser
    profile; page errors fail the test."""
    contexts, errors = [], []

    def open_phone(username):
        context = browser.new_context(viewport=PHONE, locale="vi-VN", base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, username, PASSWORD)
        return page

    yield open_phone
    for context in contexts:
        context.close()
    assert not errors, errors


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def open_branch(page):
    page.locator("nav").get_by_role("link", name="Chi bộ").click()
    page.get_by_role("heading", name="Chi bộ", exact=True).wait_for()


def test_a_meeting_noticed_answered_held_with_a_secret_vote_and_rated(branch, phones, screenshot):
    units, official = branch["units"], branch["official"]
    starts = timezone.localtime() + datetime.timedelta(days=3)

    # The secretary writes the notice on their phone, with a photo of the agenda sheet.
    secretary = phones("bi-thu")
    open_branch(secretary)
    secretary.get_by_role("link", name="Tạo thông báo họp").click()
    secretary.get_by_label("Loại cuộc họp").select_option("regular")
    secretary.get_by_label("Tên cuộc họp").fill("Sinh hoạt chi bộ tháng 12")
    secretary.get_by_label("Bắt đầu lúc").fill(starts.strftime("%Y-%m-%dT19:30"))
    secretary.get_by_label("Địa điểm").fill("Nhà văn hoá xóm Cầu Tâm")
    secretary.get_by_label("Nội dung (mỗi dòng một mục)").fill(
        "Kiểm điểm công tác tháng\nKết nạp đảng viên mới"
    )
    secretary.get_by_label("Hướng dẫn").fill("Mang theo sổ tay đảng viên.")
    secretary.get_by_label("Ảnh chụp hoặc tệp PDF").set_input_files(
        {"name": "chuong-trinh.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
    )
    secretary.get_by_role("button", name="Lưu bản nháp").click()
    secretary.get_by_test_id("meeting-state").filter(has_text="Bản nháp").wait_for()
    meeting = Meeting.objects.get()
    assert (meeting.title, meeting.state, meeting.place) == (
        "Sinh hoạt chi bộ tháng 12",
        "draft",
        "Nhà văn hoá xóm Cầu Tâm",
    )
    assert timezone.localtime(meeting.starts_at).strftime("%H:%M") == "19:30"
    assert [item.title for item in meeting.agenda.all()] == [
        "Kiểm điểm công tác tháng",
        "Kết nạp đảng viên mới",
    ]
    material = meeting.materials.select_related("document").get()
    assert material.document.file.read().startswith(b"\xff\xd8")  # the JPEG itself
    assert secretary.get_by_test_id("material").inner_text().startswith("Sinh hoạt chi bộ")
    # A published resolution from the archive, found by search, as a second material.
    panel = secretary.get_by_test_id("secretary-panel")
    panel.get_by_label("Từ cần tìm trong văn bản, tin bài").fill("chuyển đổi số")
    panel.get_by_role("button", name="Tìm kiếm").click()
    found = secretary.get_by_test_id("page-found").filter(has_text="Nghị quyết về chuyển đổi số")
    found.get_by_role("button", name="Đính kèm").click()
    expect(secretary.get_by_test_id("material")).to_have_count(2)
    assert meeting.materials.filter(page=branch["resolution"]).exists()
    secretary.get_by_role("button", name="Gửi thông báo họp").click()
    secretary.get_by_test_id("meeting-state").filter(has_text="Đã thông báo").wait_for()
    screenshot(secretary, "secretary-notice-sent")

    # The member sees the notice, opens it from the notifications and answers.
    member = phones("dang-vien")
    member.get_by_test_id("unread-count").filter(has_text="1").wait_for()
    open_branch(member)
    member.get_by_role("link", name="Thông báo", exact=True).click()
    member.get_by_test_id("unread").wait_for()
    member.get_by_test_id("notification").first.click()
    member.get_by_role("heading", name="Sinh hoạt chi bộ tháng 12").wait_for()
    assert Notification.objects.get(user=official.user).read_at is not None
    expect(member.get_by_test_id("unread-count")).to_have_count(0)
    assert member.get_by_text("Nhà văn hoá xóm Cầu Tâm").is_visible()
    assert member.get_by_text("Mang theo sổ tay đảng viên.").is_visible()
    with member.expect_download() as downloading:
        member.get_by_test_id("material").filter(has_text="Tải về").click()
    assert downloading.value.suggested_filename.endswith(".jpg")
    member.get_by_test_id("material").filter(has_text="Nghị quyết về chuyển đổi số").click()
    member.get_by_role("heading", name="Nghị quyết về chuyển đổi số").wait_for()
    member.go_back()
    member.get_by_role("button", name="Tôi sẽ dự họp").click()
    member.get_by_test_id("my-answer").filter(has_text="sẽ dự họp").wait_for()
    assert Rsvp.objects.get(member=official).answer == "attending"
    screenshot(member, "member-answered")
    # In the meeting hall with no network, the notice still reads.
    member.context.set_offline(True)
    open_branch(member)
    member.get_by_test_id("meeting-link").click()
    member.get_by_text("Kết nạp đảng viên mới").wait_for()
    assert member.get_by_test_id("my-answer").is_visible()
    member.context.set_offline(False)

    # The place changes: the roll is told.
    secretary.reload()
    secretary.get_by_text("Sửa thông báo, thêm tài liệu").click()
    secretary.get_by_label("Địa điểm").fill("Hội trường xã")
    secretary.get_by_role("button", name="Lưu thay đổi").click()
    secretary.get_by_text("Đã báo thay đổi tới đảng viên").wait_for()
    assert Notification.objects.filter(user=official.user, kind="meeting_changed").exists()

    # At the meeting: attendance, then a secret vote on the second agenda item.
    row = secretary.locator(f"#presence-{official.pk}")
    row.wait_for()
    assert "báo dự" in secretary.locator("label", has=row).inner_text()
    for person in ("secretary", "official", "probationary"):
        secretary.locator(f"#presence-{branch[person].pk}").select_option("present")
    secretary.get_by_role("button", name="Lưu điểm danh").click()
    secretary.get_by_text("Đã lưu điểm danh").wait_for()
    assert set(Attendance.objects.values_list("member__user__username", "status")) == {
        ("bi-thu", "present"),
        ("dang-vien", "present"),
        ("du-bi", "present"),
    }
    secretary.get_by_label("Thuộc nội dung").select_option(label="Kết nạp đảng viên mới")
    secretary.get_by_label("Nội dung biểu quyết").fill(QUESTION)
    secretary.get_by_label("Bỏ phiếu kín").check()
    secretary.get_by_role("button", name="Mở biểu quyết").click()
    vote_card = secretary.get_by_test_id("vote")
    vote_card.filter(has_text="Bỏ phiếu kín").wait_for()
    vote_card.get_by_role("button", name="Tán thành", exact=True).click()
    vote_card.filter(has_text="Đồng chí đã biểu quyết.").wait_for()

    member.reload()
    member.get_by_text("Hội trường xã").wait_for()
    member_card = member.get_by_test_id("vote")
    member_card.filter(has_text=QUESTION).wait_for()
    assert "Kết nạp đảng viên mới" in member_card.inner_text()
    member_card.get_by_role("button", name="Tán thành", exact=True).click()
    member_card.filter(has_text="Đồng chí đã biểu quyết.").wait_for()
    assert member_card.get_by_role("button", name="Tán thành", exact=True).count() == 0

    probationary = phones("du-bi")
    probationary.goto(f"/#/hop/{meeting.pk}")
    refusal = probationary.get_by_test_id("no-vote")
    refusal.wait_for()
    assert refusal.inner_text() == "Đảng viên dự bị dự họp nhưng không có quyền biểu quyết."
    assert probationary.get_by_role("button", name="Tán thành", exact=True).count() == 0
    screenshot(probationary, "probationary-no-vote")

    # The secretary closes the vote (the counts are shown), then the meeting.
    secretary.get_by_role("button", name=f"Kết thúc biểu quyết: {QUESTION}").click()
    result = secretary.get_by_test_id("vote-result")
    result.wait_for()
    assert result.inner_text().splitlines() == [
        "Tán thành 2 · Không tán thành 0 · Không biểu quyết 0 · Có quyền biểu quyết 2",
        "Được thông qua",
    ]
    vote = Vote.objects.get()
    assert (vote.secret, vote.approve_count, vote.passed) == (True, 2, True)
    # Secrecy: who voted and what was chosen are not linked in the database.
    assert set(VoteReceipt.objects.values_list("member__user__username", "choice")) == {
        ("bi-thu", ""),
        ("dang-vien", ""),
    }
    assert sorted(Ballot.objects.values_list("choice", flat=True)) == ["approve", "approve"]
    assert {field.name for field in Ballot._meta.concrete_fields} == {"id", "vote", "choice"}
    secretary.get_by_label("Biên bản cuộc họp").fill("Chi bộ đã kiểm điểm công tác tháng 12.")
    secretary.get_by_label("Nghị quyết").fill("Kết nạp quần chúng Lê Thị Hoa.")
    secretary.get_by_role("button", name="Kết thúc cuộc họp").click()
    secretary.get_by_test_id("meeting-state").filter(has_text="Đã họp").wait_for()
    assert secretary.get_by_test_id("minutes").inner_text() == (
        "Chi bộ đã kiểm điểm công tác tháng 12."
    )
    meeting.refresh_from_db()
    assert (meeting.state, meeting.resolution) == ("held", "Kết nạp quần chúng Lê Thị Hoa.")

    # The grassroots committee finds the held meeting and rates it "tốt".
    committee = phones("bi-thu-dang-uy")
    open_branch(committee)
    committee.get_by_test_id("meeting-link").filter(has_text="Sinh hoạt chi bộ tháng 12").click()
    committee.get_by_label("Tốt", exact=True).check()
    committee.get_by_label("Nhận xét").fill("Chuẩn bị chu đáo, đúng hướng dẫn.")
    committee.get_by_role("button", name="Gửi đánh giá").click()
    committee.get_by_test_id("rating").filter(has_text="Tốt").wait_for()
    rating = MeetingRating.objects.get()
    assert (rating.grade, rating.comment, rating.unit) == (
        "tot",
        "Chuẩn bị chu đáo, đúng hướng dẫn.",
        units.grassroots,
    )
    member.reload()
    assert "Tốt" in member.get_by_test_id("rating").inner_text()
    screenshot(committee, "committee-rated")


def wait_until(page, check, seconds=15):
    """Wait (in the page's time) until ``check()`` holds: the outbox sends on its own."""
    for _attempt in range(seconds * 4):
        if check():
            return True
        page.wait_for_timeout(250)
    return check()


def test_a_task_assigned_reported_done_and_notifications_read(branch, phones, screenshot):
    official = branch["official"]
    member = phones("dang-vien")

    # The secretary sees who has signed in, assigns a task to the member.
    secretary = phones("bi-thu")
    open_branch(secretary)
    secretary.get_by_role("link", name="Danh sách đảng viên").click()
    rows = secretary.get_by_test_id("roll-member")
    rows.filter(has_text="Nguyễn Văn An").filter(has_text="Đăng nhập gần nhất").wait_for()
    dung = rows.filter(has_text="Phạm Thị Dung")
    assert "dự bị · Chưa đăng nhập lần nào" in dung.inner_text()
    # A branch secretary is not the board above the member: the server says no.
    dung.get_by_role("button", name="Cấp mã đăng nhập").click()
    dung.get_by_role("alert").wait_for()
    assert dung.get_by_test_id("sign-in-code").count() == 0
    screenshot(secretary, "roll")
    # A new probationary member (no card number) awaits the committee above.
    secretary.get_by_label("Họ và tên").fill("Lê Thị Hoa")
    secretary.get_by_label("Tên đăng nhập").fill("le-thi-hoa")
    secretary.get_by_role("button", name="Gửi đề nghị").first.click()
    secretary.get_by_text("Đã gửi đề nghị, chờ cấp trên duyệt").wait_for()
    assert "Chờ duyệt" in secretary.get_by_test_id("request").inner_text()
    committee = phones("bi-thu-dang-uy")
    open_branch(committee)
    committee.get_by_role("link", name="Đề nghị của các chi bộ").click()
    pending = committee.get_by_test_id("request").filter(has_text="Lê Thị Hoa")
    pending.get_by_role("button", name="Duyệt", exact=True).click()
    pending.filter(has_text="Đã duyệt").wait_for()
    hoa = Member.objects.get(user__username="le-thi-hoa")
    assert (hoa.full_name, hoa.status, hoa.branch) == (
        "Lê Thị Hoa",
        "probationary",
        branch["units"].branch,
    )

    open_branch(secretary)
    secretary.get_by_role("link", name="Giao việc").click()
    secretary.get_by_label("Tên công việc").fill("Vận động hộ gia đình làm đường")
    secretary.get_by_label("Chi tiết").fill("Gặp 5 hộ xóm Cầu Tâm.")
    due = timezone.localdate() + datetime.timedelta(days=7)
    secretary.get_by_label("Hạn hoàn thành").fill(due.isoformat())
    secretary.get_by_label("Nguyễn Văn An").check()
    secretary.get_by_role("button", name="Giao việc").click()
    secretary.get_by_text("Đã giao việc").wait_for()
    assignment = TaskAssignment.objects.select_related("task").get()
    assert (assignment.member, assignment.task.due_on) == (official, due)
    assert "Nguyễn Văn An · Chưa làm" in secretary.get_by_test_id("branch-task").inner_text()

    # The member is told; marking all read clears the badge.
    member.reload()
    member.get_by_test_id("unread-count").wait_for()
    open_branch(member)
    member.get_by_role("link", name="Thông báo", exact=True).click()
    notice = member.get_by_test_id("notification")
    notice.filter(has_text="Vận động hộ gia đình làm đường").wait_for()
    member.get_by_role("button", name="Đánh dấu đã đọc tất cả").click()
    expect(member.get_by_test_id("unread")).to_have_count(0)
    expect(member.get_by_test_id("unread-count")).to_have_count(0)
    assert not Notification.objects.filter(user=official.user, read_at__isnull=True).exists()

    # Tapping it opens the task; "in progress" is sent even with no network.
    notice.first.click()
    task = member.get_by_test_id("task")
    task.filter(has_text="Gặp 5 hộ xóm Cầu Tâm.").wait_for()
    member.context.set_offline(True)
    task.get_by_role("button", name="Đang làm").click()
    task.get_by_text("Đã lưu, sẽ gửi khi có mạng").wait_for()
    assert TaskAssignment.objects.get().status == "todo"
    member.context.set_offline(False)
    assert wait_until(member, lambda: TaskAssignment.objects.get().status == "doing")

    # Done, with a report and a photo (the photo needs the network).
    task.get_by_role("button", name="Đã xong").click()
    task.get_by_text("Đã lưu", exact=True).wait_for()
    task.get_by_label("Báo cáo kết quả").fill("Đã gặp đủ 5 hộ, các hộ đồng ý góp công.")
    task.get_by_label("Ảnh kèm báo cáo").set_input_files(
        {"name": "bien-ban.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
    )
    task.get_by_role("button", name="Gửi báo cáo").click()
    task.get_by_text("Đã gửi báo cáo").wait_for()
    assignment.refresh_from_db()
    assert (assignment.status, assignment.report) == (
        "done",
        "Đã gặp đủ 5 hộ, các hộ đồng ý góp công.",
    )
    assert assignment.report_photo is not None
    screenshot(member, "task-done")

    secretary.reload()
    followed = secretary.get_by_test_id("branch-task")
    followed.filter(has_text="Đã xong").wait_for()
    assert "Đã gặp đủ 5 hộ" in followed.inner_text()
    # The secretary opens the report's photo (fetched with the token).
    followed.get_by_role("button", name="Xem ảnh báo cáo").click()
    photo = followed.get_by_role("img", name="Ảnh báo cáo của Nguyễn Văn An")
    photo.wait_for()
    assert photo.evaluate("image => image.naturalWidth") > 0


def test_the_secretary_registers_a_member_at_the_residence_place(branch, phones):
    units, official = branch["units"], branch["official"]
    secretary = phones("bi-thu")
    open_branch(secretary)
    secretary.get_by_role("link", name="Danh sách đảng viên").click()
    secretary.get_by_label("Đảng viên đăng ký").select_option(label="Nguyễn Văn An")

    # A code no branch has is refused in Vietnamese; the branch's code is taken.
    secretary.get_by_label("Mã chi bộ nơi cư trú").fill("KHONG-CO")
    secretary.get_by_role("button", name="Đăng ký sinh hoạt nơi cư trú").click()
    secretary.get_by_text("Không có chi bộ nào có mã hoặc số hiệu này.").wait_for()
    secretary.get_by_label("Đảng viên đăng ký").select_option(label="Nguyễn Văn An")
    secretary.get_by_label("Mã chi bộ nơi cư trú").fill(units.branch_2.code)
    secretary.get_by_role("button", name="Đăng ký sinh hoạt nơi cư trú").click()
    secretary.get_by_text("Đã đăng ký sinh hoạt nơi cư trú", exact=True).wait_for()
    row = secretary.get_by_test_id("residence").filter(has_text="Nguyễn Văn An")
    assert units.branch_2.name in row.inner_text()
    assert (
        ResidenceRegistration.objects.current()
        .filter(member=official, branch=units.branch_2)
        .exists()
    )

    # Ending it takes the member off the residence branch's roll from today.
    row.get_by_role("button", name="Kết thúc đăng ký").click()
    secretary.get_by_text("Đã kết thúc đăng ký").wait_for()
    assert not ResidenceRegistration.objects.current().filter(member=official).exists()


def test_axe_finds_nothing_serious_on_the_branch_screens(branch, browser, live_server):
    secretary, units = branch["secretary"], branch["units"]
    meeting = meetings.create_meeting(
        secretary,
        units.branch,
        title="Sinh hoạt chuyên đề",
        kind="thematic",
        starts_at=timezone.now() + datetime.timedelta(days=1),
        place="Hội trường thôn",
        guidance="Đọc trước Nghị quyết 05.",
        agenda=["Quán triệt nghị quyết", "Biểu quyết kế hoạch"],
    )
    meetings.publish_meeting(secretary, meeting)
    present = [secretary, branch["official"], branch["probationary"]]
    meetings.record_attendance(secretary, meeting, {person.pk: "present" for person in present})
    voting.open_vote(secretary, meeting, question="Thông qua kế hoạch?", secret=True)
    assignments.assign_task(
        secretary, units.branch, title="Thu đảng phí", member_ids=[secretary.pk]
    )
    # axe-core is added inline: this context alone does without the CSP.
    context = browser.new_context(
        viewport=PHONE, locale="vi-VN", base_url=live_server.url, bypass_csp=True
    )
    page = context.new_page()
    sign_in(page, "bi-thu", PASSWORD)
    found = {}
    screens = {
        f"/#/hop/{meeting.pk}": "[data-testid=secretary-panel]",
        "/#/chi-bo": "[data-testid=meeting-link]",
        f"/#/hop-moi/{units.branch.pk}": "#meeting-file",
        "/#/viec": "[data-testid=task]",
        f"/#/giao-viec/{units.branch.pk}": "[data-testid=branch-task]",
        f"/#/dang-vien/{units.branch.pk}": "[data-testid=roll-member]",
        "/#/thong-bao": "[data-testid=notification]",
    }
    for screen, ready in screens.items():
        page.goto(screen)
        page.locator(ready).first.wait_for()
        found[screen] = axe_violations(page)
    context.close()
    assert found == {screen: [] for screen in screens}
