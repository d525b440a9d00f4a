"""The boards' inbox of members' questions in the Wagtail admin, over HTTP.

Who relies on this: the board of the unit a question is assigned to answers,
forwards or closes it from its inbox; platform admins see every question;
nobody else may see or act on one. A refusal inside these screens is a 403
page (for the inbox, a question's page and a crafted POST alike); users who
may not enter the admin at all are sent to the login page by Wagtail first.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.users.models import UserProfile

from content_types.models import (
    AnswerCategory,
    AnswerEntry,
    MemberQuestion,
    MemberQuestionEvent,
    QuestionStatus,
)
from content_types.views.member_questions import WaitingQuestionsSummaryItem
from editorial.factories import MemberFactory, UserFactory, make_unit
from editorial.models import BoardRole, UnitStatus

User = get_user_model()

INBOX = reverse("member_questions:index")


def detail(question, view="detail"):
    return reverse(f"member_questions:{view}", args=[question.pk])


def in_english(user):
    """Admin screens follow the user's chosen language (Vietnamese by default)."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def listed(response):
    assert response.status_code == 200
    return [question.text for question in response.context["object_list"]]


def member_in(branch, full_name, username):
    return MemberFactory(
        user=UserFactory(username=username), full_name=full_name, branch=branch
    ).user


@pytest.fixture
def inbox(unit_tree, board_user):
    """Branches directly under each district (they have no board, so their
    members' questions go to the district board), members in them and in a
    grassroots branch, the boards' staff and the secretariat."""
    dt_branch = make_unit("DT-C9", parent=unit_tree.district, name="Chi bộ Cơ quan Đại Từ")
    pl_branch = make_unit("PL-C1", parent=unit_tree.district_2, name="Chi bộ Cơ quan Phú Lương")
    for unit in vars(unit_tree).values():
        unit.refresh_from_db()
    members = {
        "dt": member_in(dt_branch, "Nguyễn Văn An", "an"),
        "pl": member_in(pl_branch, "Trần Thị Bình", "binh"),
        "x1": member_in(unit_tree.branch, "Lê Văn Cường", "cuong"),
    }
    questions = {
        "dt": MemberQuestion.ask(members["dt"], "Đảng phí năm nay đóng thế nào?"),
        "pl": MemberQuestion.ask(members["pl"], "Chuyển sinh hoạt Đảng cần giấy tờ gì?"),
        "x1": MemberQuestion.ask(members["x1"], "Khi nào họp chi bộ tháng này?"),
    }
    return {
        "tree": unit_tree,
        "dt_branch": dt_branch,
        "members": members,
        "questions": questions,
        "dt_editor": board_user(unit_tree.district, BoardRole.EDITOR, "dt-editor"),
        "pl_editor": board_user(unit_tree.district_2, BoardRole.EDITOR, "pl-editor"),
        "x1_reviewer": board_user(unit_tree.grassroots, BoardRole.REVIEWER, "x1-reviewer"),
        "x2_editor": board_user(unit_tree.grassroots_2, BoardRole.EDITOR, "x2-editor"),
        "province_head": board_user(unit_tree.province, BoardRole.APPROVER, "tn-head"),
        "secretariat": board_user(unit_tree.province, BoardRole.PLATFORM_ADMIN, "secretariat"),
    }


# The inbox


def test_a_district_board_sees_its_members_questions_and_not_another_districts(inbox, client):
    client.force_login(inbox["dt_editor"])
    response = client.get(INBOX)
    assert listed(response) == ["Đảng phí năm nay đóng thế nào?"]
    content = response.content.decode()
    # The asker's name and branch, and the unit the question is with.
    assert "Nguyễn Văn An" in content
    assert "Chi bộ Cơ quan Đại Từ" in content
    assert inbox["tree"].district.name in content
    # Not PL's question, nor the one still with the grassroots board below.
    assert "Chuyển sinh hoạt" not in content
    assert "Khi nào họp chi bộ" not in content


def test_the_other_district_sees_only_its_own(inbox, client):
    client.force_login(inbox["pl_editor"])
    assert listed(client.get(INBOX)) == ["Chuyển sinh hoạt Đảng cần giấy tờ gì?"]


@pytest.mark.parametrize("who", ["secretariat", "superuser"])
def test_platform_admins_and_superusers_see_every_question_newest_first(inbox, client, who):
    user = inbox["secretariat"] if who == "secretariat" else UserFactory(is_superuser=True)
    client.force_login(user)
    assert listed(client.get(INBOX)) == [
        "Khi nào họp chi bộ tháng này?",
        "Chuyển sinh hoạt Đảng cần giấy tờ gì?",
        "Đảng phí năm nay đóng thế nào?",
    ]


def test_the_inbox_opens_on_waiting_questions_and_filters_by_status(inbox, client):
    questions = inbox["questions"]
    admin = inbox["secretariat"]
    questions["dt"].answer_with("Theo Quy định 01.", admin)
    questions["pl"].close(admin)
    questions["x1"].forward_to_parent(admin)
    client.force_login(admin)

    assert listed(client.get(INBOX)) == ["Khi nào họp chi bộ tháng này?"]
    assert listed(client.get(INBOX, {"status": "answered"})) == ["Đảng phí năm nay đóng thế nào?"]
    assert listed(client.get(INBOX, {"status": "closed"})) == [
        "Chuyển sinh hoạt Đảng cần giấy tờ gì?"
    ]
    assert listed(client.get(INBOX, {"status": "forwarded"})) == ["Khi nào họp chi bộ tháng này?"]
    assert len(listed(client.get(INBOX, {"status": "all"}))) == 3
    # The results-only URL Wagtail's filter panel refreshes from applies the same scope.
    results = client.get(reverse("member_questions:index_results"), {"status": "all"})
    assert len(listed(results)) == 3


def test_the_inbox_searches_question_text_and_asker_name(inbox, client):
    client.force_login(inbox["secretariat"])
    assert listed(client.get(INBOX, {"q": "Bình"})) == ["Chuyển sinh hoạt Đảng cần giấy tờ gì?"]
    assert listed(client.get(INBOX, {"q": "đảng phí"})) == ["Đảng phí năm nay đóng thế nào?"]


def test_the_inbox_is_paginated_and_costs_the_same_for_3_or_60_questions(
    inbox, client, django_assert_max_num_queries
):
    user = inbox["dt_editor"]
    client.force_login(user)
    assert client.get(INBOX).status_code == 200  # warm caches (content types, site)

    with CaptureQueriesContext(connection) as few:
        assert client.get(INBOX).status_code == 200

    for n in range(60):
        asker = member_in(inbox["dt_branch"], f"Đảng viên {n:02d}", f"dv{n:02d}")
        MemberQuestion.ask(asker, f"Câu hỏi số {n:02d}")

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(INBOX)
    page = listed(response)
    assert len(page) == 50
    assert page[0] == "Câu hỏi số 59"
    assert response.context["paginator"].count == 61
    assert len(listed(client.get(INBOX, {"p": 2}))) == 11


# One question's page


def test_the_question_page_shows_the_history_with_actors(inbox, client):
    question = inbox["questions"]["x1"]
    question.forward_to_parent(inbox["x1_reviewer"])
    client.force_login(in_english(inbox["dt_editor"]))
    response = client.get(detail(question))
    assert response.status_code == 200
    content = response.content.decode()
    assert question.text in content
    assert "Lê Văn Cường" in content  # the asker, who also made the first step
    assert "x1-reviewer" in content  # the reviewer who forwarded it
    events = [event.kind for event, _name in response.context["events"]]
    assert events == [MemberQuestionEvent.Kind.ASKED, MemberQuestionEvent.Kind.FORWARDED]
    # The district can forward it further up, to the province.
    assert response.context["forward_target"] == inbox["tree"].province
    assert f"Forward to {inbox['tree'].province.name}" in content


def test_a_missing_question_is_not_found(inbox, client):
    client.force_login(inbox["dt_editor"])
    assert client.get(reverse("member_questions:detail", args=[999999])).status_code == 404


# Acting on a question


def test_answering_stores_the_answer_and_the_member_sees_it_answered(inbox, client):
    question = inbox["questions"]["dt"]
    editor = in_english(inbox["dt_editor"])
    client.force_login(editor)
    response = client.post(
        detail(question, "answer"), {"answer": "Đóng theo Quy định 01.", "category": "other"}
    )
    assert response.status_code == 302
    assert response.url == INBOX

    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    assert question.answer == "Đóng theo Quy định 01."
    assert question.answered_by == editor
    assert question.entry is None
    assert question.events.last().kind == MemberQuestionEvent.Kind.ANSWERED
    assert question.events.last().actor == editor
    mine = MemberQuestion.for_member(inbox["members"]["dt"]).get()
    assert mine.status == QuestionStatus.ANSWERED
    assert mine.answer == "Đóng theo Quy định 01."

    # The answered question leaves the waiting list; the message says so.
    response = client.get(INBOX)
    assert listed(response) == []
    assert "Answer sent to Nguyễn Văn An." in response.content.decode()


def test_publishing_as_a_ready_answer_creates_a_draft_entry_of_the_answering_unit(inbox, client):
    question = inbox["questions"]["dt"]
    client.force_login(inbox["dt_editor"])
    response = client.post(
        detail(question, "answer"),
        {"answer": "Mức đóng <1% thu nhập.", "publish_as_entry": "on", "category": "fees"},
    )
    assert response.status_code == 302
    entry = AnswerEntry.objects.get()
    assert entry.unit == inbox["tree"].district
    assert entry.category == AnswerCategory.FEES
    assert entry.question == question.text
    assert not entry.live
    question.refresh_from_db()
    assert question.entry == entry


def test_an_empty_answer_is_refused_with_an_error_on_the_field(inbox, client):
    question = inbox["questions"]["dt"]
    client.force_login(inbox["dt_editor"])
    response = client.post(detail(question, "answer"), {"answer": "  ", "category": "other"})
    assert response.status_code == 200
    assert "answer" in response.context["answer_form"].errors
    question.refresh_from_db()
    assert question.status == QuestionStatus.NEW


def test_forwarding_moves_the_question_to_the_parent_boards_inbox(inbox, client):
    question = inbox["questions"]["x1"]
    reviewer = inbox["x1_reviewer"]
    client.force_login(reviewer)
    assert listed(client.get(INBOX)) == [question.text]

    response = client.post(detail(question, "forward"))
    assert response.status_code == 302
    assert response.url == INBOX
    question.refresh_from_db()
    assert question.assigned_unit == inbox["tree"].district
    assert question.status == QuestionStatus.FORWARDED
    event = question.events.last()
    assert (event.kind, event.unit, event.actor) == (
        MemberQuestionEvent.Kind.FORWARDED,
        inbox["tree"].district,
        reviewer,
    )

    # Out of the grassroots inbox, and its page is now the district's business.
    assert listed(client.get(INBOX)) == []
    assert client.get(detail(question)).status_code == 403
    client.force_login(inbox["dt_editor"])
    assert question.text in listed(client.get(INBOX))
    assert client.get(detail(question)).status_code == 200


def test_at_the_top_forwarding_is_disabled_and_a_crafted_post_gets_the_models_message(
    inbox, client
):
    question = inbox["questions"]["dt"]
    question.forward_to_parent(inbox["dt_editor"])
    head = inbox["province_head"]
    client.force_login(head)

    response = client.get(detail(question))
    assert response.context["can_forward"] is False
    assert 'action="{}"'.format(detail(question, "forward")) not in response.content.decode()

    # The refusal is shown in the user's language: Vietnamese by default...
    response = client.post(detail(question, "forward"), follow=True)
    assert response.redirect_chain[-1][0] == detail(question)
    assert "Không có đơn vị cấp trên" in response.content.decode()
    # ...English for a user who chose it.
    in_english(head)
    response = client.post(detail(question, "forward"), follow=True)
    assert "There is no higher unit with an editorial board" in response.content.decode()

    question.refresh_from_db()
    assert question.assigned_unit == inbox["tree"].province
    assert question.events.count() == 2


def test_a_closed_question_cannot_be_answered(inbox, client):
    question = inbox["questions"]["dt"]
    client.force_login(in_english(inbox["dt_editor"]))
    response = client.post(detail(question, "close"))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.CLOSED
    assert question.events.last().kind == MemberQuestionEvent.Kind.CLOSED

    response = client.get(detail(question))
    assert response.context["can_answer"] is False
    response = client.post(
        detail(question, "answer"), {"answer": "Muộn rồi", "category": "other"}, follow=True
    )
    assert "A closed question cannot be answered." in response.content.decode()
    question.refresh_from_db()
    assert (question.status, question.answer) == (QuestionStatus.CLOSED, "")


# Refusals


@pytest.mark.parametrize("who", ["x2_editor", "dt_editor", "pl_editor"])
def test_other_boards_get_403_and_cannot_act_with_a_crafted_post(inbox, client, who):
    # The sibling grassroots board, the district above it (while the question is
    # still with the grassroots board) and another district.
    question = inbox["questions"]["x1"]
    client.force_login(inbox[who])
    assert client.get(detail(question)).status_code == 403
    data = {"answer": "Trả lời mạo danh", "category": "other", "publish_as_entry": "on"}
    assert client.post(detail(question, "answer"), data).status_code == 403
    assert client.post(detail(question, "forward")).status_code == 403
    assert client.post(detail(question, "close")).status_code == 403

    question.refresh_from_db()
    assert question.status == QuestionStatus.NEW
    assert question.answer == ""
    assert question.assigned_unit == inbox["tree"].grassroots
    assert list(question.events.values_list("kind", flat=True)) == ["asked"]
    assert not AnswerEntry.objects.exists()


def test_a_user_in_the_admin_without_a_board_role_gets_403(inbox, client):
    # A member who may enter the admin (permission granted by hand) but sits on
    # no board.
    user = inbox["members"]["dt"]
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    question = inbox["questions"]["dt"]
    assert client.get(INBOX).status_code == 403
    assert client.get(detail(question)).status_code == 403
    response = client.post(
        detail(question, "answer"), {"answer": "Tự trả lời", "category": "other"}
    )
    assert response.status_code == 403
    question.refresh_from_db()
    assert question.status == QuestionStatus.NEW


def test_a_plain_member_never_reaches_the_inbox(inbox, client):
    # Without admin access Wagtail sends them to the login page before our views.
    client.force_login(inbox["members"]["dt"])
    question = inbox["questions"]["dt"]
    for response in (
        client.get(INBOX),
        client.get(detail(question)),
        client.post(detail(question, "close")),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("wagtailadmin_login"))
    question.refresh_from_db()
    assert question.status == QuestionStatus.NEW


def test_a_board_of_a_dissolved_unit_no_longer_has_an_inbox(inbox, client):
    tree = inbox["tree"]
    tree.grassroots_2.status = UnitStatus.DISSOLVED
    tree.grassroots_2.save()
    client.force_login(inbox["x2_editor"])
    response = client.get(INBOX)
    # Either Wagtail's gate or our 403: never the list.
    assert response.status_code in (302, 403)


# Menu and dashboard


def menu_links_inbox(client, user):
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return f'"url": "{INBOX}"' in response.content.decode()


def test_the_menu_item_is_shown_to_board_members_and_platform_admins_only(inbox, client):
    assert menu_links_inbox(client, inbox["x1_reviewer"])
    assert menu_links_inbox(client, inbox["secretariat"])
    outsider = UserFactory(username="outsider")
    outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
    assert not menu_links_inbox(client, outsider)


def test_the_dashboard_counts_the_boards_waiting_questions(inbox, client):
    editor = in_english(inbox["dt_editor"])
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_home"))
    assert "1 member's question waiting" in response.content.decode()

    inbox["questions"]["x1"].forward_to_parent(inbox["x1_reviewer"])
    response = client.get(reverse("wagtailadmin_home"))
    assert "2 members' questions waiting" in response.content.decode()


def test_the_dashboard_count_is_one_query(inbox, rf, django_assert_num_queries):
    request = rf.get("/admin/")
    request.user = User.objects.get(pk=inbox["dt_editor"].pk)
    item = WaitingQuestionsSummaryItem(request)
    assert item.is_shown()  # loads the board scope, cached for the request
    with django_assert_num_queries(1):
        assert item.get_context_data({})["waiting_count"] == 1
