# The API tests' fixtures are imported below; tests take them as arguments.
# ruff: noqa: F811
"""Issue 16, the reader app's API: who sees what through the endpoints and
fields added for it.

Every test replays the attempt over HTTP against PostgreSQL, as a member of
a sibling branch (same grassroots unit, so they read the lesson or the quiz
but not what is addressed to the other branch), and checks that the
legitimate reader still gets what is theirs.
"""

import pytest
from django.test import Client
from wagtail.blocks import StreamValue

from content_types.models import (
    AnswerEntry,
    Audience,
    DocumentRelation,
    LessonProgress,
    MemberQuestion,
    ModuleCompletion,
    RelationKind,
    StudyLesson,
)
from editorial.factories import UserFactory
from editorial.models import Member
from search.rebuild import rebuild
from tests.api.conftest import (  # noqa: F401 (fixtures, registered by their names)
    _fresh_throttles,
    api,
    audience_content,
    bearer,
    member,
    readers,
)
from tests.api.test_reader_gaps import open_quiz, publish_answer
from tests.api.test_reader_gaps_2 import take
from tests.content_types.test_study import publish_module

PAGES = "/api/v2/pages/"


def linking_body(target):
    """A lesson body linking ``target`` by a document block and in a paragraph."""
    return [
        ("document", {"page": target, "text": "Văn bản của chi bộ"}),
        ("paragraph", f'<p>Đọc <a linktype="page" id="{target.pk}">nghị quyết chi bộ</a>.</p>'),
    ]


@pytest.fixture
def lesson_linking_branch_document(unit_tree, audience_content):
    """A members' lesson (read by both branches) whose body links the
    branch-only document of DT-X1-C1."""
    _module, (lesson,) = publish_module(
        unit_tree.grassroots, "Học phần cho đảng viên", lessons=1, audience=Audience.MEMBERS
    )
    lesson = StudyLesson.objects.get(pk=lesson.pk)
    lesson.body = StreamValue(
        lesson.body.stream_block, linking_body(audience_content.documents["branch only"])
    )
    lesson.save_revision().publish()
    return lesson


def hidden_document_appears(text, document):
    return document.title in text or document.url in text or f'id=\\"{document.pk}\\"' in text


@pytest.mark.parametrize(
    "fetch",
    ["detail", "detail with fields", "listing with fields"],
)
def test_a_lesson_body_does_not_name_a_document_of_another_branch(
    api, lesson_linking_branch_document, audience_content, fetch
):
    """A sibling-branch member reads the lesson, in the compact detail and in
    Wagtail's ``?fields=body``, without the link to DT-X1-C1's own document;
    the branch's member gets the link."""
    lesson = lesson_linking_branch_document
    document = audience_content.documents["branch only"]
    url, params = {
        "detail": (f"{PAGES}{lesson.pk}/", {}),
        "detail with fields": (f"{PAGES}{lesson.pk}/", {"fields": "body"}),
        "listing with fields": (
            PAGES,
            {"type": "content_types.StudyLesson", "fields": "body,estimated_minutes"},
        ),
    }[fetch]

    sibling = api("sibling branch").get(url, params)
    own = api("branch").get(url, params)

    assert sibling.status_code == own.status_code == 200
    assert "Đọc" in sibling.content.decode() and "nghị quyết chi bộ" in sibling.content.decode()
    assert not hidden_document_appears(sibling.content.decode(), document)
    assert hidden_document_appears(own.content.decode(), document)


def test_a_module_names_neither_a_hidden_page_in_its_intro_nor_a_hidden_final_quiz(
    api, unit_tree, audience_content
):
    document = audience_content.documents["branch only"]
    quiz = open_quiz(unit_tree, audience=Audience.UNIT, units=[unit_tree.branch])
    module, _lessons = publish_module(
        unit_tree.grassroots,
        "Học phần có bài kiểm tra riêng",
        audience=Audience.MEMBERS,
        final_quiz=quiz,
        intro=f'<p>Xem <a linktype="page" id="{document.pk}">văn bản</a>.</p>',
    )
    fields = {"type": "content_types.StudyModule", "fields": "intro,final_quiz,lessons_count"}

    for reader, sees in (("sibling branch", False), ("branch", True)):
        client = api(reader)
        shown = client.get(f"{PAGES}{module.pk}/").json()
        listed = client.get(PAGES, fields).json()["items"][0]
        for body in (shown, listed):
            assert (body["final_quiz"] == quiz.pk) is sees
            assert (document.url in body["intro"]) is sees
            assert f'id="{document.pk}"' not in body["intro"]  # never the stored form
            assert body["final_quiz"] is None or sees


# --- a quiz: what is one member's never reaches another --------------------------


def test_one_members_attempts_never_show_to_another_of_the_same_branch(readers, unit_tree):
    """Members A and B share a branch, so an audience (and the detail's cache
    entry and ETag); A's attempts and standing reach neither B's standing nor
    the detail B gets from the cache A filled."""
    quiz = open_quiz(unit_tree, attempts_allowed=1)
    a_headers, b_headers = (
        bearer(readers["branch"]),
        bearer(member(unit_tree.branch, "dong-chi-b")),
    )
    attempt = Client().post(f"/api/quizzes/{quiz.pk}/attempts/", **a_headers).json()
    Client().post(
        f"/api/attempts/{attempt['id']}/submit/",
        {"answers": {}, "key": "a-1"},
        content_type="application/json",
        **a_headers,
    )

    a_detail = Client().get(f"{PAGES}{quiz.pk}/", **a_headers)
    b_detail = Client().get(f"{PAGES}{quiz.pk}/", **b_headers)  # from the body cache
    a_standing = Client().get(f"/api/quizzes/{quiz.pk}/attempts/", **a_headers).json()
    b_standing = Client().get(f"/api/quizzes/{quiz.pk}/attempts/", **b_headers).json()

    assert a_detail["ETag"] == b_detail["ETag"] and a_detail.content == b_detail.content
    assert not {"attempts_used", "status", "items", "open_attempt"} & set(b_detail.json())
    assert (a_standing["attempts_used"], a_standing["status"]) == (1, "no_attempts_left")
    assert [item["id"] for item in a_standing["items"]] == [attempt["id"]]
    assert (b_standing["attempts_used"], b_standing["status"], b_standing["items"]) == (
        0,
        "open",
        [],
    )
    assert b_standing["best_attempt"] is None and b_standing["open_attempt"] is None


def test_the_standing_of_a_quiz_one_may_not_read_is_a_missing_quiz(api, readers, unit_tree):
    """A quiz for DT-X1-C1 only: the sibling branch (and anyone else) gets the
    404 of an id that does not exist, and never its standing."""
    quiz = open_quiz(unit_tree, audience=Audience.UNIT, units=[unit_tree.branch])
    missing = api("sibling branch").get("/api/quizzes/2147483000/attempts/")

    for reader in ("sibling branch", "anonymous"):
        hidden = api(reader).get(f"/api/quizzes/{quiz.pk}/attempts/")
        assert (hidden.status_code, hidden.json()) == (404, missing.json())
    assert api("branch").get(f"/api/quizzes/{quiz.pk}/attempts/").json()["status"] == "open"


# --- ready answers: the audience rule of search, and nothing more ----------------


@pytest.fixture
def answers(unit_tree):
    """One published answer per audience, in the grassroots unit DT-X1 and in
    the branch DT-X1-C1, each saying "mật mã" (to find them all by search)."""
    specs = {
        "public": (unit_tree.grassroots, Audience.PUBLIC),
        "members": (unit_tree.grassroots, Audience.MEMBERS),
        "grassroots": (unit_tree.grassroots, Audience.UNIT),
        "branch": (unit_tree.branch, Audience.UNIT),
    }
    return {
        name: publish_answer(unit, f"Hỏi đáp mật mã {name}", audience=audience)
        for name, (unit, audience) in specs.items()
    }


READS = {
    "anonymous": {"public"},
    "branch": {"public", "members", "grassroots", "branch"},
    "sibling branch": {"public", "members", "grassroots"},
    "parent unit": {"public", "members", "grassroots"},
}


@pytest.mark.parametrize("reader", sorted(READS))
def test_an_answer_is_read_by_whom_search_shows_it_to(api, answers, reader):
    """The answer endpoint and search apply one rule: each caller reads
    exactly the answers search finds for them; any other is the 404 of an id
    that does not exist, with or without ``If-None-Match: *``."""
    rebuild(use_engine=False)
    client = api(reader)
    missing = client.get("/api/answers/2147483000/")
    assert missing.status_code == 404

    readable = {
        name
        for name, entry in answers.items()
        if client.get(f"/api/answers/{entry.pk}/").status_code == 200
    }
    found = client.get("/api/search/", {"q": "mat ma"}).json()["results"]

    assert readable == READS[reader]
    assert {hit["id"] for hit in found if hit["kind"] == "answer"} == {
        answers[name].pk for name in readable
    }
    for name in set(answers) - readable:
        url = f"/api/answers/{answers[name].pk}/"
        for headers in ({}, {"HTTP_IF_NONE_MATCH": "*"}):
            hidden = client.get(url, **headers)
            assert (hidden.status_code, hidden.json()) == (404, missing.json())


def test_an_unpublished_or_draft_answer_is_nobodys(api, unit_tree):
    draft = AnswerEntry.objects.create(
        question="Bản nháp mật mã", answer="<p>Chưa duyệt.</p>", unit=unit_tree.branch, live=False
    )
    draft.save_revision()
    withdrawn = publish_answer(unit_tree.branch, "Đã gỡ", audience=Audience.PUBLIC)
    withdrawn.unpublish()

    for entry in (draft, withdrawn):
        response = api("branch").get(f"/api/answers/{entry.pk}/")
        assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_an_answer_does_not_name_a_document_of_another_branch(api, unit_tree, audience_content):
    document = audience_content.documents["branch only"]
    entry = publish_answer(
        unit_tree.grassroots,
        "Thủ tục chuyển sinh hoạt?",
        f'<p>Theo <a linktype="page" id="{document.pk}">hướng dẫn của chi bộ</a>.</p>',
        audience=Audience.MEMBERS,
    )

    sibling = api("sibling branch").get(f"/api/answers/{entry.pk}/").json()["answer"]
    own = api("branch").get(f"/api/answers/{entry.pk}/").json()["answer"]

    assert "<a>hướng dẫn của chi bộ</a>" in sibling and document.url not in sibling
    assert document.url in own


def test_a_members_etag_does_not_open_an_answer_to_another_caller(api, answers):
    """A 304 is answered only after the audience check: a valid ETag of the
    branch's answer, sent by a sibling-branch member, still gets the 404."""
    url = f"/api/answers/{answers['branch'].pk}/"
    etag = api("branch").get(url)["ETag"]

    replayed = api("sibling branch").get(url, HTTP_IF_NONE_MATCH=etag)

    assert replayed.status_code == 404


def test_document_relations_name_only_documents_the_caller_may_read(audience_content, api):
    """The public document implements the branch-only one: its detail lists
    that relation to the branch's members, and to nobody else, not even its number."""
    public = audience_content.documents["public"]
    hidden = audience_content.documents["branch only"]
    public.relations.add(DocumentRelation(kind=RelationKind.IMPLEMENTS, target=hidden))
    public.save_revision().publish()

    detail = api("branch").get(f"{PAGES}{public.pk}/").json()
    assert [(r["id"], r["kind"], r["number"]) for r in detail["relations"]] == [
        (hidden.pk, "implements", hidden.number)
    ]
    assert hidden.number in detail["relations"][0]["label"]
    for reader in ("anonymous", "sibling branch", "parent unit"):
        response = api(reader).get(f"{PAGES}{public.pk}/")
        assert response.status_code == 200
        assert response.json()["relations"] == []
        assert hidden.number not in response.content.decode()


def test_a_members_cursor_shows_a_stranger_nothing_more(audience_content, api):
    """A cursor is a position, not a permission: the anonymous caller given a
    member's cursor gets only public items after it."""
    member_listing = api("branch").get(PAGES, {"type": "content_types.NewsArticle", "limit": 1})
    cursor = member_listing.json()["meta"]["next"]
    assert cursor
    answer = api("anonymous").get(PAGES, {"type": "content_types.NewsArticle", "after": cursor})
    assert answer.status_code == 200
    titles = {item["title"] for item in answer.json()["items"]}
    public = {audience_content.news["public"].title}
    assert titles <= public
    assert answer.json()["meta"]["total_count"] == 1


# --- issue 16, second round: lessons read, questions sent once, unit rankings ---------


def test_completing_a_lesson_the_caller_may_not_read_is_a_404_and_counts_nothing(
    unit_tree, api, readers
):
    """A lesson of a branch-only module: the sibling branch's member, the
    member attached to the grassroots unit and the anonymous caller cannot
    mark it read, and nothing of theirs is stored."""
    module, (lesson,) = publish_module(
        unit_tree.grassroots,
        "Chỉ cho chi bộ 1",
        lessons=1,
        audience=Audience.UNIT,
        units=[unit_tree.branch],
    )
    for reader in ("sibling branch", "parent unit"):
        response = api(reader).post(f"/api/study/lessons/{lesson.pk}/complete/")
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
        progress = api(reader).get(f"/api/study/modules/{module.pk}/progress/")
        assert progress.status_code == 404
    assert api("anonymous").post(f"/api/study/lessons/{lesson.pk}/complete/").status_code == 401
    assert not LessonProgress.objects.exists() and not ModuleCompletion.objects.exists()
    assert api("branch").post(f"/api/study/lessons/{lesson.pk}/complete/").status_code == 200
    assert ModuleCompletion.objects.get().member.user == readers["branch"]


def test_another_members_question_key_reveals_nothing_of_the_first_question(api, readers):
    """Keys are per member: the sibling branch's member sending the key the
    branch member used gets a question of their own, and never the first one's
    id, text or status."""
    secret = "Đồng chí bí thư chi bộ 1 có vi phạm gì không?"
    first = api("branch").post(
        "/api/questions/",
        {"text": secret},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="guessable-1",
    )
    assert first.status_code == 201

    replayed = api("sibling branch").post(
        "/api/questions/",
        {"text": "Câu hỏi của tôi"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="guessable-1",
    )
    assert replayed.status_code == 201
    assert replayed.json()["id"] != first.json()["id"]
    assert secret not in replayed.content.decode()
    listed = api("sibling branch").get("/api/questions/")
    assert [item["text"] for item in listed.json()] == ["Câu hỏi của tôi"]
    assert secret not in listed.content.decode()
    # The first member's question is untouched, and theirs alone.
    assert MemberQuestion.objects.get(pk=first.json()["id"]).text == secret
    assert MemberQuestion.objects.get(pk=first.json()["id"]).asker == readers["branch"]

    # Without a member behind the key nothing is stored or shown.
    anonymous = api("anonymous").post(
        "/api/questions/",
        {"text": "?"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="guessable-1",
    )
    assert anonymous.status_code == 401 and secret not in anonymous.content.decode()
    expelled = api("deactivated").post(
        "/api/questions/",
        {"text": "?"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="guessable-1",
    )
    # An expelled member's token no longer signs in.
    assert expelled.status_code == 401 and secret not in expelled.content.decode()
    not_a_member = Client(**bearer(UserFactory())).post(
        "/api/questions/",
        {"text": "?"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="guessable-1",
    )
    assert not_a_member.status_code == 403
    assert not_a_member.json()["code"] == "not_member"
    assert secret not in not_a_member.content.decode()
    assert MemberQuestion.objects.count() == 2


def test_the_unit_ranking_of_a_quiz_the_caller_may_not_read_is_a_404(unit_tree, api):
    """A quiz for the branch DT-X1-C1 only: its unit ranking exists for that
    branch's members, and is a 404 (the same body as for no quiz at all) for
    the sibling branch, the grassroots unit's own member and the anonymous
    caller, as the member ranking is."""
    quiz = open_quiz(unit_tree, audience=Audience.UNIT, units=[unit_tree.branch])
    url = f"/api/quizzes/{quiz.pk}/unit-ranking/"
    assert api("branch").get(url).status_code == 200
    missing = api("branch").get("/api/quizzes/999999/unit-ranking/")
    for reader in ("sibling branch", "parent unit"):
        response = api(reader).get(url)
        assert response.status_code == 404
        assert response.json() == missing.json()
        assert api(reader).get(f"/api/quizzes/{quiz.pk}/ranking/").status_code == 404
    # An expelled member's token no longer signs in, for either ranking.
    assert api("deactivated").get(url).status_code == 401
    assert api("deactivated").get(f"/api/quizzes/{quiz.pk}/ranking/").status_code == 401


def test_rankings_of_a_public_contest_are_for_signed_in_readers_only(unit_tree, api, readers):
    """A public contest's rankings name members, their branches and scores,
    and count each unit's members: the anonymous caller gets a 401 with none
    of it, a signed-in reader gets them."""
    contest = open_quiz(unit_tree, is_contest=True)
    take(contest, readers["branch"], right=True)
    name = Member.objects.get(user=readers["branch"]).full_name
    for path in ("ranking", "unit-ranking"):
        url = f"/api/quizzes/{contest.pk}/{path}/"
        anonymous = api("anonymous").get(url)
        assert anonymous.status_code == 401
        assert name not in anonymous.content.decode()
        assert unit_tree.district.name not in anonymous.content.decode()
        signed_in = api("sibling branch").get(url)
        assert signed_in.status_code == 200
    assert signed_in.json()["items"][0]["participants"] == 1


def test_the_unit_ranking_ranks_only_units_of_the_quiz(unit_tree, api):
    """``?unit=`` goes down from the quiz's unit, never sideways or up: the
    sibling grassroots unit, the district above or a unit that does not exist
    is the same 404, and shows no figure of theirs."""
    quiz = open_quiz(unit_tree)
    url = f"/api/quizzes/{quiz.pk}/unit-ranking/"
    nowhere = api("branch").get(url, {"unit": 999999})
    assert (nowhere.status_code, nowhere.json()["code"]) == (404, "not_found")
    for unit in (unit_tree.grassroots_2, unit_tree.district, unit_tree.province):
        response = api("branch").get(url, {"unit": unit.pk})
        assert response.json() == nowhere.json()
        assert unit.name not in response.content.decode()
    assert api("branch").get(url, {"unit": unit_tree.branch_2.pk}).status_code == 200


def test_an_open_contests_unit_ranking_follows_the_member_ranking(unit_tree, api):
    """The member ranking of a contest is shown while it runs (the app shows
    it after a member hands in); the unit ranking answers alike: an open
    contest is ranked for its readers, and for nobody else."""
    contest = open_quiz(
        unit_tree, is_contest=True, audience=Audience.UNIT, units=[unit_tree.branch]
    )
    for reader, expected in (("branch", 200), ("sibling branch", 404)):
        members = api(reader).get(f"/api/quizzes/{contest.pk}/ranking/")
        units = api(reader).get(f"/api/quizzes/{contest.pk}/unit-ranking/")
        assert (members.status_code, units.status_code) == (expected, expected)
