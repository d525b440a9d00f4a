"""What the members' reader app (issue 16) needs from the API, as a member tries it:
lessons, modules and quizzes through ``?fields=``, a quiz's rules before
starting and the caller's standing with it, a ready answer at its own
address (and search pointing to it), and who the caller is in the party.

The audience side of the same endpoints is in
``tests/security/test_reader_api_gaps.py``.
"""

import datetime
import json
from urllib.parse import urlsplit

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from wagtail.models import Locale

from content_types.models import AnswerCategory, AnswerEntry, Audience, QuizQuestion
from editorial.factories import MemberFactory, UserFactory
from editorial.models import BoardRole, CommitteeRole, CommitteeRoleKind, MemberStatus
from editorial.provisioning import add_board_member
from search.rebuild import rebuild
from tests.content_types.test_quizzes import publish_quiz
from tests.content_types.test_study import publish_module
from tests.search.conftest import ENGINE_URL, drop_index, engine_settings, unique_index

from .conftest import bearer, member
from .test_interactive import open_quiz as first_open_quiz

PAGES = "/api/v2/pages/"


def open_quiz(unit_tree, **fields):
    """A quiz open from an hour ago to tomorrow, drawing 3 questions from the
    grassroots unit's bank (filled by the first quiz)."""
    if not QuizQuestion.objects.filter(unit=unit_tree.grassroots).exists():
        return first_open_quiz(unit_tree, **fields)
    now = timezone.now()
    window = {
        "opens_at": now - datetime.timedelta(hours=1),
        "closes_at": now + datetime.timedelta(days=1),
    }
    return publish_quiz(unit_tree.grassroots, **{**window, **fields})


def detail(page, client=None, **headers):
    response = (client or Client()).get(f"{PAGES}{page.pk}/", **headers)
    assert response.status_code == 200, response.content
    return response.json()


# --- 1. lessons, modules and quizzes through ?fields= ------------------------------


def test_lessons_modules_and_quizzes_are_listed_with_their_reader_fields(unit_tree, readers):
    quiz = open_quiz(unit_tree, audience=Audience.PUBLIC)
    module, lessons = publish_module(
        unit_tree.grassroots,
        "Học tập Nghị quyết 57",
        lessons=2,
        final_quiz=quiz,
        intro="<p>Những điểm mới.</p>",
        estimated_minutes=45,
        opens_on=datetime.date(2026, 1, 5),
        due_on=datetime.date(2026, 2, 5),
    )
    client = Client()

    listed = client.get(
        PAGES, {"type": "content_types.StudyLesson", "fields": "body,estimated_minutes"}
    )
    assert listed.status_code == 200, listed.content
    items = {item["id"]: item for item in listed.json()["items"]}
    assert set(items) == {lesson.pk for lesson in lessons}
    first = items[lessons[0].pk]
    assert first["estimated_minutes"] == 10
    assert first["body"][0]["type"] == "paragraph"
    assert "Học tập Nghị quyết 57 – bài 1" in first["body"][0]["value"]

    modules = client.get(
        PAGES,
        {
            "type": "content_types.StudyModule",
            "fields": "intro,estimated_minutes,opens_on,due_on,final_quiz,lessons_count",
        },
    ).json()["items"]
    assert [
        {key: item[key] for key in ("id", "estimated_minutes", "opens_on", "due_on")}
        for item in modules
    ] == [
        {
            "id": module.pk,
            "estimated_minutes": 45,
            "opens_on": "2026-01-05",
            "due_on": "2026-02-05",
        }
    ]
    assert modules[0]["intro"] == "<p>Những điểm mới.</p>"
    assert (modules[0]["final_quiz"], modules[0]["lessons_count"]) == (quiz.pk, 2)

    quizzes = client.get(
        PAGES,
        {
            "type": "content_types.Quiz",
            "fields": "time_limit_minutes,attempts_allowed,pass_mark,is_contest,"
            "question_count,corrections,opens_at,closes_at,required_role",
        },
    ).json()["items"]
    assert {
        key: quizzes[0][key]
        for key in (
            "time_limit_minutes",
            "attempts_allowed",
            "pass_mark",
            "is_contest",
            "question_count",
            "corrections",
            "required_role",
        )
    } == {
        "required_role": None,
        "time_limit_minutes": 10,
        "attempts_allowed": 2,
        "pass_mark": 50,
        "is_contest": False,
        "question_count": 3,
        "corrections": "after_submit",
    }
    assert datetime.datetime.fromisoformat(quizzes[0]["closes_at"]) == quiz.closes_at


def test_the_module_detail_gives_its_schedule_size_and_final_quiz(unit_tree):
    quiz = open_quiz(unit_tree, audience=Audience.PUBLIC)
    module, _lessons = publish_module(
        unit_tree.grassroots, "Học phần", lessons=3, final_quiz=quiz, estimated_minutes=40
    )

    body = detail(module)

    assert (body["estimated_minutes"], body["lessons_count"], body["final_quiz"]) == (
        40,
        3,
        quiz.pk,
    )
    assert body["opens_on"] is None and body["due_on"] is None


# --- 2. a quiz before starting, and the caller's standing -------------------------


def test_the_quiz_detail_carries_its_rules(unit_tree, readers):
    contest = open_quiz(
        unit_tree, is_contest=True, time_limit_minutes=20, attempts_allowed=3, pass_mark=70
    )

    body = detail(contest, **bearer(readers["branch"]))

    assert {
        key: body[key]
        for key in (
            "time_limit_minutes",
            "attempts_allowed",
            "pass_mark",
            "is_contest",
            "question_count",
            "corrections",
            "required_role",
        )
    } == {
        "time_limit_minutes": 20,
        "attempts_allowed": 3,
        "pass_mark": 70,
        "is_contest": True,
        "question_count": 3,
        "corrections": "after_close",
        "required_role": None,
    }
    assert datetime.datetime.fromisoformat(body["opens_at"]) == contest.opens_at
    assert datetime.datetime.fromisoformat(body["closes_at"]) == contest.closes_at
    # Per-user facts are not in the detail, which is cached per branch.
    assert "attempts_used" not in body and "status" not in body


def standing(quiz, user=None, client=None):
    response = (client or Client()).get(
        f"/api/quizzes/{quiz.pk}/attempts/", **(bearer(user) if user else {})
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_a_members_standing_follows_their_attempts(unit_tree, readers):
    quiz = open_quiz(unit_tree, attempts_allowed=1)
    user = readers["branch"]

    before = standing(quiz, user)
    assert (before["status"], before["can_start"], before["attempts_used"]) == ("open", True, 0)
    assert (before["attempts_allowed"], before["attempts_left"], before["items"]) == (1, 1, [])

    started = Client().post(f"/api/quizzes/{quiz.pk}/attempts/", **bearer(user)).json()
    during = standing(quiz, user)
    # An attempt in progress may go on: the quiz is still open to them.
    assert (during["status"], during["open_attempt"], during["attempts_used"]) == (
        "open",
        started["id"],
        1,
    )
    assert [item["id"] for item in during["items"]] == [started["id"]]

    Client().post(
        f"/api/attempts/{started['id']}/submit/",
        {"answers": {}, "key": "k"},
        content_type="application/json",
        **bearer(user),
    )
    after = standing(quiz, user)
    assert (after["status"], after["can_start"], after["attempts_left"]) == (
        "no_attempts_left",
        False,
        0,
    )
    assert after["best_attempt"] == started["id"] and after["open_attempt"] is None
    assert after["reason"]  # the service's message, for people


@pytest.mark.parametrize(
    ("opens", "closes", "expected"),
    [(1, 2, "not_yet_open"), (-2, -1, "closed")],
)
def test_the_standing_outside_the_opening_hours(unit_tree, readers, opens, closes, expected):
    now = timezone.now()
    quiz = open_quiz(unit_tree)
    quiz.opens_at = now + datetime.timedelta(days=opens)
    quiz.closes_at = now + datetime.timedelta(days=closes)
    quiz.save_revision().publish()

    body = standing(quiz, readers["branch"])

    assert (body["status"], body["can_start"]) == (expected, False)


def test_anonymous_callers_and_members_without_the_office_are_not_eligible(unit_tree, readers):
    public = open_quiz(unit_tree, audience=Audience.PUBLIC)
    anonymous = standing(public)
    assert (anonymous["status"], anonymous["attempts_used"], anonymous["items"]) == (
        "not_eligible",
        0,
        [],
    )
    assert anonymous["can_start"] is False
    refused = Client().post(f"/api/quizzes/{public.pk}/attempts/")
    assert (refused.status_code, refused.json()["code"]) == (401, "not_authenticated")

    secretaries = open_quiz(unit_tree, required_role=CommitteeRoleKind.SECRETARY)
    assert standing(secretaries, readers["branch"])["status"] == "not_eligible"
    CommitteeRole.objects.create(
        member=readers["branch"].member, unit=unit_tree.branch, role=CommitteeRoleKind.SECRETARY
    )
    assert standing(secretaries, readers["branch"])["status"] == "open"


def test_the_standing_is_never_stored_by_a_cache(unit_tree, readers):
    quiz = open_quiz(unit_tree)
    response = Client().get(f"/api/quizzes/{quiz.pk}/attempts/", **bearer(readers["branch"]))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


# --- 3. a ready answer --------------------------------------------------------------


def publish_answer(unit, question, answer="<p>Hằng tháng.</p>", **fields):
    entry = AnswerEntry.objects.create(question=question, answer=answer, unit=unit, **fields)
    entry.save_revision().publish()
    return AnswerEntry.objects.get(pk=entry.pk)


def answer_url(entry):
    return f"/api/answers/{entry.pk}/"


def test_an_answer_is_served_whole_with_absolute_links(unit_tree, audience_content):
    document = audience_content.documents["public"]
    entry = publish_answer(
        unit_tree.grassroots,
        "Đảng phí đóng thế nào?",
        f'<p>Xem <a linktype="page" id="{document.pk}">nghị quyết</a> và '
        '<a href="/tin-tuc/">tin</a>.</p>',
        category=AnswerCategory.FEES,
    )

    response = Client().get(answer_url(entry), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["question"] == "Đảng phí đóng thế nào?"
    assert f'href="http://testserver{document.url}"' in body["answer"]
    assert 'href="http://testserver/tin-tuc/"' in body["answer"]
    assert (body["category"], body["category_label"]) == ("fees", "Party fees")
    assert body["unit"] == {
        "id": unit_tree.grassroots.pk,
        "code": "DT-X1",
        "name": unit_tree.grassroots.name,
    }
    assert (body["locale"], body["audience"], body["translations"]) == ("vi", "public", [])
    assert body["url"] == f"http://testserver{answer_url(entry)}"
    assert datetime.datetime.fromisoformat(body["updated_at"]) == entry.updated_at


def test_an_answer_shows_its_published_version_only(unit_tree):
    entry = publish_answer(unit_tree.grassroots, "Câu hỏi đã đăng", "<p>Bản đã duyệt.</p>")
    entry.answer = "<p>Bản nháp chưa duyệt.</p>"
    entry.save_revision()  # a draft: the live row keeps the published text

    assert "Bản đã duyệt" in Client().get(answer_url(entry)).json()["answer"]

    entry.unpublish()
    gone = Client().get(answer_url(entry))
    assert (gone.status_code, gone.json()["code"]) == (404, "not_found")


def test_an_answer_lists_its_translations(unit_tree):
    english = Locale.objects.get_or_create(language_code="en")[0]
    entry = publish_answer(unit_tree.grassroots, "Đảng phí?")
    translated = entry.copy_for_translation(english)
    translated.question = "Party fees?"
    translated.save()
    translated.save_revision().publish()

    body = Client().get(answer_url(entry)).json()

    assert body["translations"] == [
        {
            "id": translated.pk,
            "locale": "en",
            "url": f"http://testserver/api/answers/{translated.pk}/",
        }
    ]


def test_an_answer_revalidates_with_its_etag(unit_tree, readers, django_assert_num_queries):
    entry = publish_answer(unit_tree.grassroots, "Sinh hoạt chi bộ mấy lần?")
    client = Client()
    first = client.get(answer_url(entry))
    etag = first["ETag"]
    assert "public" in first["Cache-Control"]

    # The answer, its translations and the content version: nothing else.
    with django_assert_num_queries(3):
        again = client.get(answer_url(entry), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag

    entry.answer = "<p>Mỗi tháng một lần.</p>"
    entry.save_revision().publish()
    changed = client.get(answer_url(entry), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "Mỗi tháng một lần" in changed.json()["answer"]

    as_member = client.get(answer_url(entry), **bearer(readers["branch"]))
    assert as_member["ETag"] != changed["ETag"] and "private" in as_member["Cache-Control"]


@pytest.fixture(params=["opensearch", "database"])
def search_backend(request, db):
    """The search index, rebuilt from what the test published, in the engine
    (an index of its own) or in the database fallback."""
    if request.param == "opensearch":
        if not ENGINE_URL:
            pytest.skip("OPENSEARCH_URL is not set (scripts/test-services.sh starts a node)")
        alias = unique_index()
        with engine_settings(alias):
            yield lambda: rebuild()
        drop_index(alias)
    else:
        yield lambda: rebuild(use_engine=False)


@override_settings(WAGTAILAPI_BASE_URL="https://sotay.example.vn")
def test_search_points_answers_to_their_address(unit_tree, search_backend):
    """An answer has no page: its search hit links the API's address of it,
    absolute from the API's public base URL (as Wagtail's own ``detail_url``)."""
    entry = publish_answer(unit_tree.grassroots, "Chuyển sinh hoạt đảng tạm thời thế nào?")
    search_backend()

    results = (
        Client().get("/api/search/", {"q": "chuyen sinh hoat dang tam thoi"}).json()["results"]
    )

    found = [hit for hit in results if hit["kind"] == "answer"]
    assert [hit["id"] for hit in found] == [entry.pk]
    assert found[0]["url"] == f"https://sotay.example.vn/api/answers/{entry.pk}/"
    path = urlsplit(found[0]["url"]).path
    assert Client().get(path).json()["question"] == entry.question
    suggested = Client().get("/api/search/suggest/", {"q": "chuyen sinh hoat"}).json()
    assert {hit["url"] for hit in suggested["results"]} == {found[0]["url"]}


# --- 4. who I am -----------------------------------------------------------------


def test_me_gives_the_units_up_to_the_province_status_and_roles(unit_tree, readers):
    user = member(unit_tree.branch, "bi-thu-chi-bo", MemberStatus.PROBATIONARY)
    today = timezone.localdate()
    CommitteeRole.objects.create(
        member=user.member, unit=unit_tree.branch, role=CommitteeRoleKind.SECRETARY
    )
    CommitteeRole.objects.create(  # a past term is not an office held now
        member=user.member,
        unit=unit_tree.grassroots,
        role=CommitteeRoleKind.DEPUTY_SECRETARY,
        ended_on=today - datetime.timedelta(days=1),
    )
    add_board_member(unit_tree.grassroots, user, BoardRole.EDITOR)

    body = Client().get("/api/auth/me/", **bearer(user)).json()

    assert [unit["code"] for unit in body["units"]] == ["DT-X1-C1", "DT-X1", "DT", "TN"]
    assert [unit["level"] for unit in body["units"]] == [
        "branch",
        "grassroots",
        "district",
        "province",
    ]
    assert body["units"][0] == {
        "id": unit_tree.branch.pk,
        "code": "DT-X1-C1",
        "name": unit_tree.branch.name,
        "level": "branch",
    }
    assert body["status"] == "probationary"
    assert body["committee_roles"] == [
        {"role": "secretary", "unit": body["units"][0]},
    ]
    assert body["board_roles"] == [{"role": "editor", "unit": body["units"][1]}]
    assert body["can_open_admin"] is True

    plain = Client().get("/api/auth/me/", **bearer(readers["sibling branch"])).json()
    assert (plain["status"], plain["committee_roles"], plain["board_roles"]) == (
        "official",
        [],
        [],
    )
    assert plain["can_open_admin"] is False


def test_sign_in_returns_the_same_user_object_as_me(unit_tree):
    user = member(unit_tree.branch, "dang-nhap")
    signed_in = Client().post(
        "/api/auth/token/",
        json.dumps({"username": "dang-nhap", "password": "secret-pass-123"}),
        content_type="application/json",
    )
    assert signed_in.status_code == 201
    me = Client().get("/api/auth/me/", HTTP_AUTHORIZATION=f"Bearer {signed_in.json()['token']}")
    assert signed_in.json()["user"] == me.json()
    assert user.username == me.json()["username"]


def test_me_costs_the_same_queries_at_any_depth(unit_tree, django_assert_num_queries):
    """A branch four levels down and a member of a district (depth 2), each
    with an office and a board role: the same number of queries."""
    deep = MemberFactory(branch=unit_tree.branch, user__username="sau").user
    shallow = MemberFactory(branch=unit_tree.district, user__username="nong").user
    for user, unit in ((deep, unit_tree.branch), (shallow, unit_tree.district)):
        CommitteeRole.objects.create(
            member=user.member, unit=unit, role=CommitteeRoleKind.SECRETARY
        )
        add_board_member(unit_tree.grassroots, user, BoardRole.REVIEWER)
    assert unit_tree.branch.depth == 4 and unit_tree.district.depth == 2
    headers = {"deep": bearer(deep), "shallow": bearer(shallow)}

    # The token (with the user, member and branch), the units, the offices, the board roles.
    for name in ("deep", "shallow"):
        client = Client()
        with django_assert_num_queries(4):
            response = client.get("/api/auth/me/", **headers[name])
        assert response.status_code == 200
    assert len(client.get("/api/auth/me/", **headers["shallow"]).json()["units"]) == 2


def test_a_non_member_sees_no_units(unit_tree):
    """A board editor without a member record (the secretariat's staff)."""
    staff = UserFactory(username="thu-ky-van-phong")
    add_board_member(unit_tree.province, staff, BoardRole.EDITOR)

    body = Client().get("/api/auth/me/", **bearer(staff)).json()

    assert (body["branch"], body["units"], body["status"], body["is_member"]) == (
        None,
        [],
        None,
        False,
    )
    assert body["board_roles"] == [
        {
            "role": "editor",
            "unit": {
                "id": unit_tree.province.pk,
                "code": "TN",
                "name": unit_tree.province.name,
                "level": "province",
            },
        }
    ]
