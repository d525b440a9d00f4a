"""Questions and answers: routing a member's question, forwarding it up the
tree, who may answer it, and the scoped bank of ready answers in the admin."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from content_types.models import (
    AnswerCategory,
    AnswerEntry,
    Audience,
    MemberQuestion,
    MemberQuestionEvent,
    QuestionStatus,
)
from editorial.factories import MemberFactory, UserFactory
from editorial.models import BoardRole

LIST_URL = "wagtailsnippets_content_types_answerentry:list"


@pytest.fixture
def member(unit_tree):
    return MemberFactory(branch=unit_tree.branch).user


@pytest.fixture
def question(member):
    return MemberQuestion.ask(member, "Đảng phí được tính thế nào?")


def test_a_question_goes_to_the_nearest_unit_with_a_board(unit_tree, question):
    # The branch has no board: its grassroots unit answers.
    assert question.assigned_unit == unit_tree.grassroots
    assert question.status == QuestionStatus.NEW
    assert list(question.events.values_list("kind", "unit")) == [
        (MemberQuestionEvent.Kind.ASKED, unit_tree.grassroots.pk)
    ]


def test_a_user_without_member_record_cannot_ask(unit_tree):
    with pytest.raises(ValidationError):
        MemberQuestion.ask(UserFactory(), "?")


def test_forwarding_climbs_to_the_district_then_the_province_then_stops(
    unit_tree, board_user, question
):
    grassroots_editor = board_user(unit_tree.grassroots)
    district_editor = board_user(unit_tree.district)
    province_editor = board_user(unit_tree.province)

    assert question.forward_to_parent(grassroots_editor) == unit_tree.district
    assert question.status == QuestionStatus.FORWARDED
    assert question.forward_to_parent(district_editor) == unit_tree.province
    with pytest.raises(ValidationError, match="Không có đơn vị cấp trên"):
        question.forward_to_parent(province_editor)

    question.refresh_from_db()
    assert question.assigned_unit == unit_tree.province
    history = list(question.events.values_list("kind", "unit", "actor"))
    assert history == [
        (MemberQuestionEvent.Kind.ASKED, unit_tree.grassroots.pk, question.asker_id),
        (MemberQuestionEvent.Kind.FORWARDED, unit_tree.district.pk, grassroots_editor.pk),
        (MemberQuestionEvent.Kind.FORWARDED, unit_tree.province.pk, district_editor.pk),
    ]


def test_only_the_board_holding_the_question_may_forward_it(unit_tree, board_user, question):
    with pytest.raises(PermissionDenied):
        question.forward_to_parent(board_user(unit_tree.district))
    assert question.assigned_unit == unit_tree.grassroots


def test_the_assigned_units_board_answers(unit_tree, board_user, question):
    reviewer = board_user(unit_tree.grassroots, BoardRole.REVIEWER)
    assert question.answer_with("Theo quy định.", reviewer) is None
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    assert question.answered_by == reviewer
    assert question.answered_at is not None
    assert question.events.last().kind == MemberQuestionEvent.Kind.ANSWERED


@pytest.mark.parametrize("other", ["grassroots_2", "district"])
def test_other_boards_may_not_answer(unit_tree, board_user, question, other):
    # A sibling's board never answers; nor does the board above while the
    # question is still with the grassroots unit.
    with pytest.raises(PermissionDenied):
        question.answer_with("Không", board_user(getattr(unit_tree, other)))
    question.refresh_from_db()
    assert question.status == QuestionStatus.NEW
    assert question.answer == ""


def test_a_platform_admin_may_answer_anything(unit_tree, board_user, question):
    admin = board_user(unit_tree.province, BoardRole.PLATFORM_ADMIN)
    question.answer_with("Có", admin)
    assert question.status == QuestionStatus.ANSWERED


def test_members_see_only_their_own_questions(unit_tree, member, question):
    other = MemberFactory(branch=unit_tree.branch_2).user
    MemberQuestion.ask(other, "Câu hỏi khác")
    assert list(MemberQuestion.for_member(member)) == [question]
    assert MemberQuestion.for_member(UserFactory()).count() == 0


def test_an_answer_can_become_a_draft_entry_of_the_assigned_unit(unit_tree, board_user, question):
    editor = board_user(unit_tree.grassroots)
    entry = question.answer_with(
        "Mức đóng <1%", editor, publish_as_entry=True, category=AnswerCategory.FEES
    )
    entry.refresh_from_db()
    assert entry.unit == unit_tree.grassroots
    assert entry.question == question.text
    assert entry.category == AnswerCategory.FEES
    assert entry.audience == Audience.MEMBERS
    assert not entry.live
    assert entry.latest_revision is not None
    assert "&lt;1%" in entry.answer
    question.refresh_from_db()
    assert question.entry == entry


def make_entry(unit, question):
    entry = AnswerEntry(question=question, answer="<p>Trả lời</p>", unit=unit)
    entry.save()
    entry.save_revision().publish()
    return entry


def test_the_answer_bank_lists_only_the_boards_subtree(client, unit_tree, board_user):
    make_entry(unit_tree.district, "Hỏi của huyện Đại Từ")
    make_entry(unit_tree.grassroots, "Hỏi của xã")
    make_entry(unit_tree.district_2, "Hỏi của huyện bên cạnh")
    make_entry(unit_tree.province, "Hỏi của tỉnh")

    client.force_login(board_user(unit_tree.district))
    response = client.get(reverse(LIST_URL))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Hỏi của huyện Đại Từ" in content
    assert "Hỏi của xã" in content
    assert "Hỏi của huyện bên cạnh" not in content
    assert "Hỏi của tỉnh" not in content


def test_platform_admins_see_every_answer(client, unit_tree, board_user):
    make_entry(unit_tree.district_2, "Hỏi của huyện bên cạnh")
    client.force_login(board_user(unit_tree.province, BoardRole.PLATFORM_ADMIN))
    response = client.get(reverse(LIST_URL))
    assert response.status_code == 200
    assert "Hỏi của huyện bên cạnh" in response.content.decode()


def test_users_without_a_board_cannot_open_the_answer_bank(client, unit_tree, member):
    client.force_login(member)
    assert client.get(reverse(LIST_URL)).status_code in (302, 403)


def test_an_editor_files_answers_only_under_their_own_units(client, unit_tree, board_user):
    client.force_login(board_user(unit_tree.grassroots))
    add_url = reverse("wagtailsnippets_content_types_answerentry:add")
    response = client.get(add_url)
    assert response.status_code == 200
    offered = set(response.context["form"].fields["unit"].queryset)
    assert unit_tree.grassroots in offered and unit_tree.branch in offered
    assert unit_tree.district not in offered and unit_tree.grassroots_2 not in offered
    data = {
        "question": "Hỏi mạo danh",
        "answer": '{"blocks": [{"key": "a", "type": "unstyled", "text": "x", '
        '"depth": 0, "inlineStyleRanges": [], "entityRanges": []}], "entityMap": {}}',
        "category": AnswerCategory.choices[0][0],
        "unit": unit_tree.district_2.pk,
        "audience": Audience.PUBLIC,
    }
    response = client.post(add_url, data)
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not AnswerEntry.objects.filter(question="Hỏi mạo danh").exists()


@pytest.mark.parametrize(
    "view", ["edit", "delete", "history", "usage", "unpublish", "revisions_compare"]
)
def test_another_units_answer_cannot_be_opened_by_its_url(client, unit_tree, board_user, view):
    entry = make_entry(unit_tree.district_2, "Hỏi của huyện bên cạnh")
    client.force_login(board_user(unit_tree.district, BoardRole.APPROVER))
    args = [entry.pk, "live", "latest"] if view == "revisions_compare" else [entry.pk]
    url = reverse(f"wagtailsnippets_content_types_answerentry:{view}", args=args)
    refused = client.get(url)
    # Wagtail turns an admin PermissionDenied into a redirect to the dashboard.
    assert (refused.status_code, refused.url) == (302, reverse("wagtailadmin_home"))
    own = make_entry(unit_tree.district, "Hỏi của huyện Đại Từ")
    args[0] = own.pk
    url = reverse(f"wagtailsnippets_content_types_answerentry:{view}", args=args)
    assert client.get(url).status_code == 200
