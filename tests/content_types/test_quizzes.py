"""Quizzes and contests: who may take one and when, what an attempt draws,
how the server times and scores it, when answers are revealed, and rankings.

The reader API (issue #5) relies on ``content_types.quizzes`` refusing with
these codes, and on an attempt never revealing its answers before it may.
Every test passes ``now=`` so that timing is exact.
"""

import dataclasses
import datetime
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text
from wagtail.users.models import UserProfile

from content_types import factories
from content_types.errors import ServiceError
from content_types.factories import learning_index, make_question
from content_types.models import (
    Audience,
    Difficulty,
    QuestionCategory,
    Quiz,
    QuizAttempt,
    QuizChoice,
    QuizQuestion,
)
from content_types.quizzes import (
    GRACE,
    DrawRule,
    attempt_for,
    attempt_questions,
    bank_shortfalls,
    can_take,
    close_expired_attempts,
    corrections,
    drawing,
    quiz_ranking,
    save_answers,
    start_attempt,
    submit_attempt,
    unit_ranking,
)
from content_types.signals import attempt_submitted
from content_types.tasks import close_expired_quiz_attempts
from editorial.factories import MemberFactory, UserFactory, make_unit
from editorial.models import BoardRole, CommitteeRole, CommitteeRoleKind, MemberStatus, UnitLevel

T0 = datetime.datetime(2025, 3, 10, 8, 0, tzinfo=datetime.UTC)


def at(minutes=0, seconds=0):
    return T0 + datetime.timedelta(minutes=minutes, seconds=seconds)


# --- a bank and quizzes as editors would make them ------------------------------


QUIZ_SETTINGS = {
    "opens_at": T0,
    "closes_at": T0 + datetime.timedelta(days=1),
    "time_limit_minutes": 10,
    "attempts_allowed": 2,
    "pass_mark": 50,
    "audience": Audience.MEMBERS,
}


def publish_quiz(unit, rules=((None, "", 3),), **fields):
    """A members' quiz open for a day from T0 (``QUIZ_SETTINGS`` unless given),
    drawing three questions of any kind unless ``rules`` (category,
    difficulty, count) say otherwise."""
    return factories.publish_quiz(unit, rules, **{**QUIZ_SETTINGS, **fields})


@pytest.fixture
def bank(unit_tree):
    """The province's and the district DT's banks, plus questions that DT's
    quizzes must never draw (a sibling district's, a unit below DT's, and one
    with no correct choice)."""
    statute = QuestionCategory.objects.create(name="Điều lệ Đảng")
    history = QuestionCategory.objects.create(name="Lịch sử Đảng")
    province = [
        make_question(unit_tree.province, f"Tỉnh hỏi {n}", statute, Difficulty.EASY)
        for n in range(3)
    ]
    district = [
        make_question(
            unit_tree.district,
            "Nguyên tắc tổ chức của Đảng gồm những gì?",
            history,
            Difficulty.HARD,
            [("Tập trung dân chủ", True), ("Tự do ứng cử", False), ("Đoàn kết", True)],
            explanation="Điều 9 Điều lệ Đảng.",
        ),
        make_question(unit_tree.district, "Huyện hỏi 2", history, Difficulty.HARD),
    ]
    make_question(unit_tree.district_2, "Huyện bên cạnh hỏi", statute, Difficulty.EASY)
    make_question(unit_tree.grassroots, "Xã hỏi", statute, Difficulty.EASY)
    make_question(
        unit_tree.district, "Câu chưa có đáp án", statute, Difficulty.EASY, [("A", 0), ("B", 0)]
    )
    return SimpleNamespace(statute=statute, history=history, province=province, district=district)


@pytest.fixture
def member(unit_tree):
    return MemberFactory(branch=unit_tree.branch)


@pytest.fixture
def quiz(unit_tree, bank):
    return publish_quiz(unit_tree.district, ((None, "", 5),))


@pytest.fixture
def submissions():
    """The attempts announced by ``attempt_submitted``, in order."""
    seen = []

    def receiver(sender, attempt, **kwargs):
        seen.append(attempt.pk)

    attempt_submitted.connect(receiver, dispatch_uid="test-submissions")
    yield seen
    attempt_submitted.disconnect(dispatch_uid="test-submissions")


def correct_answers(attempt, wrong=0):
    """Answers for every drawn question, the first ``wrong`` of them wrong."""
    answers = {}
    for index, item in enumerate(attempt.drawn):
        choices = QuizChoice.objects.filter(pk__in=item["choices"])
        right = sorted(c.pk for c in choices if c.is_correct)
        if index < wrong:
            right = sorted(c.pk for c in choices if not c.is_correct)[:1]
        answers[str(item["question"])] = right
    return answers


def refused(code, call, *args, **kwargs):
    with pytest.raises(ServiceError) as info:
        call(*args, **kwargs)
    assert info.value.code == code, info.value.messages
    return info.value


# --- the draw -------------------------------------------------------------------


def test_an_attempt_draws_from_the_units_bank_and_the_banks_above(quiz, bank, member):
    attempt = start_attempt(quiz, member.user, now=at(0))
    drawn = [item["question"] for item in attempt.drawn]
    usable = {q.pk for q in bank.province + bank.district}
    assert len(drawn) == 5 == len(set(drawn)) == attempt.max_score
    # Five usable questions in DT's and TN's banks: all of them, none other.
    assert set(drawn) == usable
    for item in attempt.drawn:
        question = QuizQuestion.objects.get(pk=item["question"])
        assert sorted(item["choices"]) == sorted(question.choices.values_list("pk", flat=True))


def test_draw_rules_choose_category_and_difficulty(unit_tree, bank, member):
    quiz = publish_quiz(
        unit_tree.district,
        ((bank.history, Difficulty.HARD, 1), (bank.statute, "", 2), (None, "", 1)),
    )
    attempt = start_attempt(quiz, member.user, now=at(0))
    drawn = QuizQuestion.objects.filter(pk__in=[item["question"] for item in attempt.drawn])
    assert len(attempt.drawn) == 4 == drawn.count()
    assert drawn.filter(category=bank.history).count() >= 1
    assert drawn.filter(category=bank.statute).count() >= 2


def test_overlapping_rules_do_not_starve_each_other(unit_tree, bank, member):
    # "1 question on history" could take the one hard question that "1 hard
    # question" needs; the draw leaves it to the rule that needs it.
    only_hard = bank.district[0]
    QuizQuestion.objects.filter(pk=bank.district[1].pk).update(difficulty=Difficulty.MEDIUM)
    rules = ((bank.history, "", 1), (None, Difficulty.HARD, 1))
    quiz = publish_quiz(unit_tree.district, rules)
    for minute in range(0, 40, 10):
        attempt = start_attempt(quiz, member.user, now=at(minute))
        assert only_hard.pk in [item["question"] for item in attempt.drawn]
        submit_attempt(attempt, {}, key=f"k{minute}", now=at(minute + 1))
        QuizAttempt.objects.filter(pk=attempt.pk).delete()


def test_questions_and_choices_are_shuffled_per_attempt(quiz, member, monkeypatch):
    class Reversing:
        def shuffle(self, items):
            items.reverse()

    monkeypatch.setattr(drawing, "_random", Reversing())
    attempt = start_attempt(quiz, member.user, now=at(0))
    first = QuizQuestion.objects.get(pk=attempt.drawn[0]["question"])
    in_bank_order = list(first.choices.values_list("pk", flat=True))
    assert attempt.drawn[0]["choices"] == in_bank_order[::-1]


def test_choices_keep_the_editors_order_when_not_shuffled(unit_tree, bank, member):
    quiz = publish_quiz(unit_tree.district, shuffle_choices=False)
    attempt = start_attempt(quiz, member.user, now=at(0))
    for item in attempt.drawn:
        question = QuizQuestion.objects.get(pk=item["question"])
        assert item["choices"] == list(question.choices.values_list("pk", flat=True))


def test_a_bank_too_small_refuses_to_start_and_names_the_rule(unit_tree, bank, member):
    quiz = publish_quiz(unit_tree.district, ((bank.history, Difficulty.HARD, 3),))
    with translation.override("en"):
        error = refused("bank_too_small", start_attempt, quiz, member.user, now=at(0))
    assert "only 2 usable questions" in error.messages[0]
    assert "Lịch sử Đảng, Hard" in error.messages[0]
    assert not QuizAttempt.objects.exists()


def test_bank_shortfalls_check_good_and_bad_rules(unit_tree, bank):
    assert bank_shortfalls(unit_tree.district, [DrawRule(None, "", 5)]) == []
    assert bank_shortfalls(unit_tree.district, [DrawRule(bank.statute.pk, "", 3)]) == []
    with translation.override("en"):
        problems = bank_shortfalls(
            unit_tree.district, [DrawRule(None, "", 5), DrawRule(bank.statute.pk, "", 1)]
        )
    # The specific rule draws first; "any question" is then one short.
    assert problems == [
        "The question bank has only 4 usable questions for “any category, any difficulty”; "
        "the quiz draws 5."
    ]
    # A grassroots unit's quizzes also draw from DT's and TN's banks, and its own.
    assert bank_shortfalls(unit_tree.grassroots, [DrawRule(None, "", 6)]) == []


# --- who may take a quiz, and when --------------------------------------------


def test_a_member_may_take_a_quiz_open_to_them(quiz, member):
    assert can_take(quiz, member.user, now=at(0))
    assert not can_take(quiz, member.user, now=at(-1))


@pytest.mark.parametrize(
    ("minutes", "code"),
    [(-1, "not_open"), (24 * 60, "closed"), (24 * 60 + 5, "closed")],
)
def test_no_attempt_starts_outside_the_open_window(quiz, member, minutes, code):
    refused(code, start_attempt, quiz, member.user, now=at(minutes))
    assert not QuizAttempt.objects.exists()


def test_users_who_are_not_active_members_are_refused(unit_tree, quiz):
    refused("not_member", start_attempt, quiz, UserFactory(), now=at(0))
    deceased = MemberFactory(branch=unit_tree.branch, status=MemberStatus.DECEASED)
    refused("not_member", start_attempt, quiz, deceased.user, now=at(0))
    from django.contrib.auth.models import AnonymousUser

    refused("not_member", start_attempt, quiz, AnonymousUser(), now=at(0))


def test_a_quiz_for_one_units_members_is_not_found_by_others(unit_tree, bank, member):
    quiz = publish_quiz(unit_tree.district, audience=Audience.UNIT)
    outsider = MemberFactory(branch=make_unit("PL-C1", parent=unit_tree.district_2))
    refused("not_found", start_attempt, quiz, outsider.user, now=at(0))
    assert start_attempt(quiz, member.user, now=at(0)).member == member


def test_an_unpublished_quiz_cannot_be_taken(quiz, member):
    quiz.unpublish()
    refused("not_found", start_attempt, quiz, member.user, now=at(0))


def test_a_quiz_for_secretaries_needs_an_active_secretary_role(unit_tree, bank, member):
    quiz = publish_quiz(unit_tree.district, required_role=CommitteeRoleKind.SECRETARY)
    refused("role_required", start_attempt, quiz, member.user, now=at(0))
    role = CommitteeRole.objects.create(
        member=member, unit=unit_tree.branch, role=CommitteeRoleKind.DEPUTY_SECRETARY
    )
    refused("role_required", start_attempt, quiz, member.user, now=at(0))
    role.role = CommitteeRoleKind.SECRETARY
    role.ended_on = datetime.date(2025, 1, 1)
    role.save()
    refused("role_required", start_attempt, quiz, member.user, now=at(0))
    role.ended_on = None
    role.save()
    assert start_attempt(quiz, member.user, now=at(0)).number == 1


def test_attempts_allowed_are_counted(quiz, member):
    for number, minute in ((1, 0), (2, 20)):
        attempt = start_attempt(quiz, member.user, now=at(minute))
        assert attempt.number == number
        submit_attempt(attempt, {}, key=f"k{number}", now=at(minute + 1))
    with translation.override("en"):
        error = refused("no_attempts_left", start_attempt, quiz, member.user, now=at(40))
    assert error.messages == ["You have used all 2 attempts at this quiz."]
    assert not can_take(quiz, member.user, now=at(40))


# --- timing -----------------------------------------------------------------------


def test_the_server_sets_the_deadline_from_the_time_limit(quiz, member):
    attempt = start_attempt(quiz, member.user, now=at(5))
    assert (attempt.started_at, attempt.deadline) == (at(5), at(15))
    assert attempt.submitted_at is None and attempt.score is None


def test_the_deadline_never_passes_the_closing_time(quiz, member):
    attempt = start_attempt(quiz, member.user, now=at(24 * 60 - 3))
    assert attempt.deadline == quiz.closes_at


def test_starting_again_returns_the_open_attempt(quiz, member):
    first = start_attempt(quiz, member.user, now=at(0))
    again = start_attempt(quiz, member.user, now=at(9))
    assert again.pk == first.pk and again.drawn == first.drawn
    assert QuizAttempt.objects.count() == 1


def test_the_database_refuses_a_second_open_attempt(quiz, member):
    first = start_attempt(quiz, member.user, now=at(0))
    with pytest.raises(IntegrityError), transaction.atomic():
        QuizAttempt.objects.create(
            quiz=quiz, member=member, number=2, started_at=at(1), deadline=at(11)
        )
    assert QuizAttempt.objects.get().pk == first.pk


def test_an_expired_attempt_is_closed_on_its_saved_answers_before_a_new_one(
    quiz, member, submissions
):
    first = start_attempt(quiz, member.user, now=at(0))
    answers = correct_answers(first)
    two_right = dict(list(answers.items())[:2])
    save_answers(first, two_right, now=at(3))

    second = start_attempt(quiz, member.user, now=at(30))

    first.refresh_from_db()
    assert (first.expired, first.score, first.max_score) == (True, 2, 5)
    assert first.submitted_at == first.deadline == at(10)
    assert first.time_taken == datetime.timedelta(minutes=10)
    assert first.passed is False
    assert (second.number, second.started_at, second.submitted_at) == (2, at(30), None)
    assert submissions == [first.pk]


def test_an_expired_attempt_stays_closed_when_no_attempt_is_left(unit_tree, bank, member):
    quiz = publish_quiz(unit_tree.district, attempts_allowed=1)
    attempt = start_attempt(quiz, member.user, now=at(0))
    refused("no_attempts_left", start_attempt, quiz, member.user, now=at(11))
    attempt.refresh_from_db()
    assert attempt.expired and attempt.score == 0


# --- answering and submitting ---------------------------------------------------


def test_a_question_scores_only_when_the_choices_are_exactly_the_correct_ones(quiz, bank, member):
    attempt = start_attempt(quiz, member.user, now=at(0))
    answers = correct_answers(attempt)
    multi = bank.district[0]
    right = answers[str(multi.pk)]
    assert len(right) == 2
    wrong_choice = multi.choices.get(is_correct=False).pk
    answers[str(multi.pk)] = [*right, wrong_choice]  # one too many

    result = submit_attempt(attempt, answers, key="a1", now=at(4, 30))

    assert (result.score, result.max_score, result.percent) == (4, 5, 80)
    assert result.passed is True
    assert result.time_taken == datetime.timedelta(minutes=4, seconds=30)
    assert result.submitted_at == at(4, 30) and not result.expired
    stored = QuizAttempt.objects.get(pk=attempt.pk)
    assert (stored.score, stored.submission_key) == (4, "a1")
    assert stored.answers[str(multi.pk)] == sorted([*right, wrong_choice])


def test_only_part_of_the_correct_choices_scores_nothing(quiz, bank, member):
    attempt = start_attempt(quiz, member.user, now=at(0))
    answers = correct_answers(attempt)
    multi = bank.district[0]
    answers[str(multi.pk)] = answers[str(multi.pk)][:1]
    assert submit_attempt(attempt, answers, key="a1", now=at(2)).score == 4


def test_the_pass_mark_decides_passed(unit_tree, bank, member):
    quiz = publish_quiz(unit_tree.district, ((None, "", 5),), pass_mark=60)
    attempt = start_attempt(quiz, member.user, now=at(0))
    result = submit_attempt(attempt, correct_answers(attempt, wrong=3), key="k", now=at(1))
    assert (result.score, result.passed) == (2, False)


def test_saved_answers_count_at_submission(quiz, member):
    attempt = start_attempt(quiz, member.user, now=at(0))
    answers = correct_answers(attempt)
    items = list(answers.items())
    save_answers(attempt, dict(items[:3]), now=at(1))
    saved = save_answers(attempt, dict(items[3:4]), now=at(2))
    assert saved.answers == dict(items[:4])
    assert attempt_questions(saved)[0].chosen in ([], *answers.values())
    result = submit_attempt(attempt, dict(items[4:]), key="k", now=at(3))
    assert result.score == 5


def test_submitting_twice_with_the_same_key_changes_nothing(quiz, member, submissions):
    attempt = start_attempt(quiz, member.user, now=at(0))
    first = submit_attempt(attempt, correct_answers(attempt), key="once", now=at(2))
    again = submit_attempt(attempt, {}, key="once", now=at(3))
    assert (again.pk, again.score, again.submitted_at, again.time_taken) == (
        first.pk,
        5,
        at(2),
        datetime.timedelta(minutes=2),
    )
    stored = QuizAttempt.objects.get(pk=attempt.pk)
    assert stored.answers == first.answers and stored.submitted_at == at(2)
    assert submissions == [attempt.pk]


def test_a_second_submission_with_another_key_is_refused(quiz, member, submissions):
    attempt = start_attempt(quiz, member.user, now=at(0))
    submit_attempt(attempt, correct_answers(attempt, wrong=5), key="first", now=at(2))
    refused("already_submitted", submit_attempt, attempt, correct_answers(attempt), key="other")
    refused("already_submitted", save_answers, attempt, {}, now=at(3))
    assert QuizAttempt.objects.get(pk=attempt.pk).score == 0
    assert submissions == [attempt.pk]


def test_answers_a_few_seconds_late_are_accepted_with_the_time_capped(quiz, member):
    attempt = start_attempt(quiz, member.user, now=at(0))
    late = attempt.deadline + GRACE
    result = submit_attempt(attempt, correct_answers(attempt), key="k", now=late)
    assert result.score == 5 and not result.expired
    assert result.time_taken == datetime.timedelta(minutes=10)


def test_answers_after_the_deadline_are_refused_and_the_attempt_closed(quiz, member, submissions):
    attempt = start_attempt(quiz, member.user, now=at(0))
    answers = correct_answers(attempt)
    save_answers(attempt, dict(list(answers.items())[:1]), now=at(9))
    too_late = attempt.deadline + GRACE + datetime.timedelta(seconds=1)

    with translation.override("en"):
        error = refused("deadline_passed", submit_attempt, attempt, answers, key="k", now=too_late)
    assert "ran out" in error.messages[0]

    stored = QuizAttempt.objects.get(pk=attempt.pk)
    assert (stored.expired, stored.score, stored.submission_key) == (True, 1, "")
    assert stored.submitted_at == at(10)
    # The retry over a slow network is refused the same way, and changes nothing.
    refused("expired", submit_attempt, attempt, answers, key="k", now=too_late)
    refused("expired", save_answers, attempt, answers, now=too_late)
    assert QuizAttempt.objects.get(pk=attempt.pk).score == 1
    assert submissions == [attempt.pk]


def test_saving_answers_after_the_deadline_is_refused(quiz, member):
    attempt = start_attempt(quiz, member.user, now=at(0))
    refused("deadline_passed", save_answers, attempt, correct_answers(attempt), now=at(11))
    assert QuizAttempt.objects.get(pk=attempt.pk).answers == {}


def test_answers_after_the_quiz_closes_are_refused(unit_tree, bank, member):
    quiz = publish_quiz(unit_tree.district, closes_at=at(30), time_limit_minutes=60)
    attempt = start_attempt(quiz, member.user, now=at(25))
    assert attempt.deadline == at(30)
    refused("closed", submit_attempt, attempt, {}, key="k", now=at(31))
    assert QuizAttempt.objects.get(pk=attempt.pk).expired


def test_closing_a_quiz_earlier_ends_the_attempts_in_progress(quiz, member):
    attempt = start_attempt(quiz, member.user, now=at(0))
    Quiz.objects.filter(pk=quiz.pk).update(closes_at=at(5))
    refused("closed", submit_attempt, attempt, {}, key="k", now=at(6))


@pytest.mark.parametrize(
    "answers",
    [
        {"999999": []},
        {"not a number": []},
        "1,2",
        "first-question-with-a-choice-of-another",
        "first-question-not-a-list",
    ],
)
def test_bad_answers_are_refused_and_leave_the_attempt_open(quiz, member, answers):
    attempt = start_attempt(quiz, member.user, now=at(0))
    first, second = attempt.drawn[0], attempt.drawn[1]
    if answers == "first-question-with-a-choice-of-another":
        answers = {str(first["question"]): [second["choices"][0]]}
    elif answers == "first-question-not-a-list":
        answers = {str(first["question"]): first["choices"][0]}
    refused("invalid_answer", submit_attempt, attempt, answers, key="k", now=at(1))
    stored = QuizAttempt.objects.get(pk=attempt.pk)
    assert stored.submitted_at is None and stored.answers == {}


@pytest.mark.parametrize("key", ["", "   ", "x" * 65, None])
def test_a_submission_needs_a_key(quiz, member, key):
    attempt = start_attempt(quiz, member.user, now=at(0))
    refused("invalid_key", submit_attempt, attempt, {}, key=key, now=at(1))
    assert QuizAttempt.objects.get(pk=attempt.pk).submitted_at is None


def test_a_member_reaches_only_their_own_attempts(unit_tree, quiz, member):
    attempt = start_attempt(quiz, member.user, now=at(0))
    assert attempt_for(member.user, attempt.pk) == attempt
    other = MemberFactory(branch=unit_tree.branch_2)
    refused("not_found", attempt_for, other.user, attempt.pk)
    refused("not_member", attempt_for, UserFactory(), attempt.pk)


def test_starting_and_submitting_cost_a_bounded_number_of_queries(
    quiz, member, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        attempt = start_attempt(quiz, member.user, now=at(0))
    answers = correct_answers(attempt)
    with django_assert_max_num_queries(2):
        attempt_questions(attempt)
    with django_assert_max_num_queries(4):
        save_answers(attempt, answers, now=at(1))
    # As the API submits, on the attempt read afresh: its questions and choices,
    # one conditional UPDATE (no row lock), whether it ends a study module.
    attempt = attempt_for(member.user, attempt.pk)
    with django_assert_max_num_queries(3):
        submit_attempt(attempt, answers, key="k", now=at(2))


# --- answers are never revealed early ---------------------------------------------


def test_questions_in_an_attempt_carry_no_answers(quiz, bank, member):
    attempt = start_attempt(quiz, member.user, now=at(0))
    views = attempt_questions(attempt)
    assert [view.id for view in views] == [item["question"] for item in attempt.drawn]
    assert [view.number for view in views] == [1, 2, 3, 4, 5]
    for view, item in zip(views, attempt.drawn, strict=True):
        assert [choice.id for choice in view.choices] == item["choices"]
    exposed = str([dataclasses.asdict(view) for view in views])
    assert "correct" not in exposed and "Điều 9" not in exposed
    assert {f.name for f in dataclasses.fields(views[0].choices[0])} == {"id", "text"}


def test_corrections_only_after_submission(quiz, bank, member):
    attempt = start_attempt(quiz, member.user, now=at(0))
    refused("not_submitted", corrections, attempt, now=at(1))
    answers = correct_answers(attempt, wrong=1)
    attempt = submit_attempt(attempt, answers, key="k", now=at(2))

    shown = corrections(attempt, now=at(2))

    assert [c.id for c in shown] == [item["question"] for item in attempt.drawn]
    assert [c.scored for c in shown] == [False, True, True, True, True]
    multi = next(c for c in shown if c.id == bank.district[0].pk)
    assert multi.explanation == "Điều 9 Điều lệ Đảng."
    assert {c.text for c in multi.choices if c.is_correct} == {"Tập trung dân chủ", "Đoàn kết"}
    first = shown[0]
    assert [c.id for c in first.choices if c.chosen] == answers[str(first.id)]


def test_a_contest_reveals_answers_only_after_it_closes(unit_tree, bank, member):
    contest = publish_quiz(unit_tree.district, is_contest=True, closes_at=at(60))
    attempt = start_attempt(contest, member.user, now=at(0))
    attempt = submit_attempt(attempt, {}, key="k", now=at(5))
    refused("contest_not_closed", corrections, attempt, now=at(59))
    assert len(corrections(attempt, now=at(60))) == 3


# --- closing attempts whose time ran out ---------------------------------------------


def test_close_expired_attempts_closes_only_attempts_whose_time_is_up(
    unit_tree, quiz, member, submissions
):
    late = start_attempt(quiz, member.user, now=at(0))
    other = MemberFactory(branch=unit_tree.branch_2)
    running = start_attempt(quiz, other.user, now=at(5))
    assert close_expired_attempts(now=at(10) + GRACE) == 0
    assert close_expired_attempts(quiz=quiz, now=at(11)) == 1
    assert close_expired_attempts(quiz=quiz, now=at(11)) == 0
    late.refresh_from_db()
    running.refresh_from_db()
    assert late.expired and running.submitted_at is None
    assert submissions == [late.pk]


# --- rankings -------------------------------------------------------------------------


def closed_attempt(quiz, member, score, minutes, number=1, max_score=5):
    """A closed attempt as ``submit_attempt`` stores it."""
    started = at(number * 30)
    return QuizAttempt.objects.create(
        quiz=quiz,
        member=member,
        number=number,
        started_at=started,
        deadline=started + datetime.timedelta(minutes=10),
        submitted_at=started + datetime.timedelta(minutes=minutes),
        time_taken=datetime.timedelta(minutes=minutes),
        score=score,
        max_score=max_score,
        passed=score * 2 >= max_score,
        submission_key=f"k{number}",
    )


@pytest.fixture
def contest(unit_tree, bank):
    """A district contest: three members in branch C1, one in C2, two in DT-X2."""
    quiz = publish_quiz(unit_tree.district, is_contest=True)
    c1 = [MemberFactory(branch=unit_tree.branch, full_name=f"C1 {n}") for n in range(3)]
    c2 = [MemberFactory(branch=unit_tree.branch_2, full_name="C2 0")]
    x2 = [MemberFactory(branch=unit_tree.grassroots_2, full_name=f"X2 {n}") for n in range(2)]
    return SimpleNamespace(quiz=quiz, c1=c1, c2=c2, x2=x2)


def test_the_quiz_ranking_takes_each_members_best_attempt(contest, django_assert_num_queries):
    quiz, (a, b, c), (d,), (e, _f) = contest.quiz, contest.c1, contest.c2, contest.x2
    closed_attempt(quiz, a, 3, 2, number=1)
    closed_attempt(quiz, a, 5, 9, number=2)  # a's best: 5 in 9 minutes
    closed_attempt(quiz, b, 5, 4)
    closed_attempt(quiz, c, 4, 1)
    closed_attempt(quiz, d, 5, 4)  # ties with b
    closed_attempt(quiz, e, 2, 1)

    # One query: the ranking no longer closes expired attempts first (a write).
    with django_assert_num_queries(1):
        ranking = quiz_ranking(quiz)

    assert [(entry.rank, entry.member.pk, entry.attempt.score) for entry in ranking] == [
        (1, b.pk, 5),
        (1, d.pk, 5),
        (3, a.pk, 5),
        (4, c.pk, 4),
        (5, e.pk, 2),
    ]
    assert [entry.member.pk for entry in quiz_ranking(quiz, 2)] == [b.pk, d.pk]


def test_open_attempts_whose_time_ran_out_are_ranked_on_their_saved_answers(contest):
    quiz, member = contest.quiz, contest.c1[0]
    attempt = start_attempt(quiz, member.user, now=at(0))
    save_answers(attempt, dict(list(correct_answers(attempt).items())[:3]), now=at(1))
    close_expired_attempts(now=at(60))  # the scheduled job; rankings only read
    ranking = quiz_ranking(quiz)
    assert [(entry.member.pk, entry.attempt.score) for entry in ranking] == [(member.pk, 3)]


def test_reading_a_ranking_closes_nothing_the_scheduled_job_does(client, contest, unit_tree):
    quiz, member = contest.quiz, contest.c1[0]
    attempt = start_attempt(quiz, member.user, now=at(0))
    save_answers(attempt, dict(list(correct_answers(attempt).items())[:2]), now=at(1))
    client.force_login(member.user)
    url = f"/api/quizzes/{quiz.pk}/ranking/"

    assert client.get(url).json()["items"] == []
    assert quiz_ranking(quiz) == []
    assert unit_ranking(quiz, unit_tree.district).total.participants == 0
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and not attempt.expired

    out = StringIO()
    call_command("close_expired_quiz_attempts", stdout=out)
    assert out.getvalue().strip() == "1 expired quiz attempt(s) closed."
    attempt.refresh_from_db()
    assert attempt.expired and attempt.score == 2
    [item] = client.get(url).json()["items"]
    assert (item["rank"], item["score"]) == (1, 2)
    assert [entry.attempt.pk for entry in quiz_ranking(quiz)] == [attempt.pk]

    # Safe to run again; the task does the same as the command.
    assert close_expired_quiz_attempts.call() == 0
    out = StringIO()
    call_command("close_expired_quiz_attempts", stdout=out)
    assert out.getvalue().strip() == "0 expired quiz attempt(s) closed."


def test_the_unit_ranking_compares_the_units_below(contest, unit_tree):
    quiz, (a, b, _c), (d,), (e, _f) = contest.quiz, contest.c1, contest.c2, contest.x2
    closed_attempt(quiz, a, 5, 6)
    closed_attempt(quiz, b, 3, 4)
    closed_attempt(quiz, d, 4, 2)
    closed_attempt(quiz, e, 5, 3)

    district = unit_ranking(quiz, unit_tree.district, now=at(24 * 60))

    assert [row.unit.code for row in district.rows] == ["DT-X2", "DT-X1"]
    x2, x1 = district.rows
    assert (x2.rank, x2.members, x2.participants, x2.participation_rate) == (1, 2, 1, 0.5)
    assert (x2.average_score, x2.best_score) == (5, 5)
    assert (x1.rank, x1.members, x1.participants, x1.participation_rate) == (2, 4, 3, 0.75)
    assert (x1.average_score, x1.best_score) == (4, 5)
    assert x1.average_time == datetime.timedelta(minutes=4)
    assert (district.total.members, district.total.participants) == (6, 4)

    grassroots = unit_ranking(quiz, unit_tree.grassroots, now=at(24 * 60))
    assert [(row.unit.code, row.participants, row.members) for row in grassroots.rows] == [
        ("DT-X1-C2", 1, 1),
        ("DT-X1-C1", 2, 3),
    ]


def test_the_unit_ranking_counts_only_members_who_may_take_the_quiz(unit_tree, bank):
    quiz = publish_quiz(unit_tree.district, required_role=CommitteeRoleKind.SECRETARY)
    secretary = MemberFactory(branch=unit_tree.branch)
    CommitteeRole.objects.create(
        member=secretary, unit=unit_tree.branch, role=CommitteeRoleKind.SECRETARY
    )
    MemberFactory(branch=unit_tree.branch)  # not a secretary: not expected to take part
    MemberFactory(branch=unit_tree.branch, status=MemberStatus.EXPELLED)
    closed_attempt(quiz, secretary, 4, 3)
    row = next(r for r in unit_ranking(quiz, unit_tree.district, now=at(0)).rows if r.rank)
    assert (row.unit, row.members, row.participants) == (unit_tree.grassroots, 1, 1)


def test_the_unit_ranking_costs_the_same_queries_however_large_the_tree(
    contest, unit_tree, django_assert_num_queries
):
    quiz = contest.quiz
    closed_attempt(quiz, contest.c1[0], 5, 6)
    with django_assert_num_queries(4):
        unit_ranking(quiz, unit_tree.province, now=at(24 * 60))
    for n in range(4):
        unit = make_unit(f"PL-X{n}", parent=unit_tree.district_2, level=UnitLevel.GRASSROOTS)
        member = MemberFactory(branch=unit)
        closed_attempt(quiz, member, n, 5)
    with django_assert_num_queries(4):
        ranking = unit_ranking(quiz, unit_tree.province, now=at(24 * 60))
    assert [(row.unit.code, row.participants) for row in ranking.rows] == [("DT", 1), ("PL", 4)]


# --- the quiz page and its editor -------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"opens_at": at(60), "closes_at": at(0)}, "closes_at"),
        ({"opens_at": at(0), "closes_at": at(0)}, "closes_at"),
        ({"is_contest": True, "closes_at": None}, "closes_at"),
        ({"time_limit_minutes": 0}, "time_limit_minutes"),
        ({"time_limit_minutes": 601}, "time_limit_minutes"),
        ({"attempts_allowed": 0}, "attempts_allowed"),
        ({"pass_mark": 101}, "pass_mark"),
        ({"required_role": "chairman"}, "required_role"),
    ],
)
def test_quiz_rules_are_validated(quiz, fields, error_field):
    for name, value in fields.items():
        setattr(quiz, name, value)
    with pytest.raises(ValidationError) as info:
        quiz.full_clean()
    assert error_field in info.value.message_dict


@pytest.mark.parametrize(
    "fields",
    [
        {"opens_at": at(0), "closes_at": at(60), "is_contest": True},
        {"opens_at": None, "closes_at": None, "is_contest": False},
        {"opens_at": at(0), "closes_at": None, "is_contest": False},
        {"time_limit_minutes": 600, "attempts_allowed": 1, "pass_mark": 100},
        {"time_limit_minutes": 1, "pass_mark": 0, "required_role": "deputy_secretary"},
    ],
)
def test_good_quiz_rules_pass(quiz, fields):
    for name, value in fields.items():
        setattr(quiz, name, value)
    quiz.full_clean()


def quiz_form(title, rules, action=None):
    data = {
        "title": title,
        "slug": "thi-dieu-le",
        "draw_rules": inline_formset(
            [
                {"category": category.pk if category else "", "difficulty": diff, "count": n}
                for category, diff, n in rules
            ],
            min=1,
        ),
        "time_limit_minutes": 15,
        "attempts_allowed": 1,
        "pass_mark": 50,
        "shuffle_choices": "on",
        "intro": rich_text("<p>Giới thiệu</p>"),
        "audience": Audience.MEMBERS,
        "required_role": "",
        "comments": inline_formset([]),
    }
    if action:
        data[action] = "on"
    return nested_form_data(data)


def test_publishing_a_quiz_checks_the_bank_but_saving_a_draft_does_not(
    client, unit_tree, bank, board_user
):
    head = board_user(unit_tree.district, BoardRole.APPROVER)
    profile = UserProfile.get_for_user(head)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(head)
    url = reverse(
        "wagtailadmin_pages:add",
        args=["content_types", "quiz", learning_index(unit_tree.district).pk],
    )
    too_many = [(bank.statute, Difficulty.EASY, 4)]

    response = client.post(url, quiz_form("Thi điều lệ", too_many, "action-publish"))
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors == [
        "The question bank has only 3 usable questions for “Điều lệ Đảng, Easy”; the quiz draws 4."
    ]
    assert not Quiz.objects.exists()

    response = client.post(url, quiz_form("Thi điều lệ", [(None, "", 0)], "action-publish"))
    assert response.status_code == 200
    assert response.context["form"].formsets["draw_rules"].errors[0]["count"]
    assert not Quiz.objects.exists()

    response = client.post(url, quiz_form("Thi điều lệ", too_many))
    assert response.status_code == 302
    assert not Quiz.objects.get().live

    fits = [(bank.statute, Difficulty.EASY, 3)]
    response = client.post(url, {**quiz_form("Thi 2", fits, "action-publish"), "slug": "thi-2"})
    assert response.status_code == 302, response.context["form"].errors
    assert Quiz.objects.get(slug="thi-2").live


def test_the_quiz_page_shows_the_rules_and_never_the_answers(client, unit_tree, bank, member):
    closes = timezone.now() + datetime.timedelta(days=2)
    quiz = publish_quiz(unit_tree.district, ((None, "", 5),), closes_at=closes, pass_mark=70)
    client.force_login(member.user)
    response = client.get(quiz.url)
    assert response.status_code == 200
    content = response.content.decode()
    assert quiz.title in content
    assert "15:00 10/03/2025" in content  # opens at, in Vietnam's time
    assert timezone.localtime(closes).strftime("%H:%M %d/%m/%Y") in content
    assert "70%" in content
    for hidden in ("Tập trung dân chủ", "Tỉnh hỏi", "Điều 9", "Đúng"):
        assert hidden not in content
    assert response.context["page"].question_count == 5
    status = response.context["status"]
    assert (status.can_start, status.attempts_left) == (True, 2)


def test_the_quiz_page_is_not_found_for_readers_outside_its_audience(client, unit_tree, bank):
    quiz = publish_quiz(unit_tree.district, audience=Audience.UNIT)
    assert client.get(quiz.url).status_code == 404
