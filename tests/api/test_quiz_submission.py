"""A quiz submission when a whole contest submits in the same minute (issue 19):
a fixed, small number of queries and no row lock in the usual case, never a
submission lost or stored twice when two arrive for the same attempt, and an
editor's change to the bank or to a module's final quiz applying to the very
next submission (nothing of them is kept between requests)."""

import threading

import pytest
from django.db import connection

from content_types import quizzes
from content_types.errors import ErrorCode, ServiceError
from content_types.models import ModuleCompletion, QuizAttempt, QuizChoice, QuizQuestion
from content_types.signals import attempt_submitted
from content_types.study import complete_lesson
from tests.content_types.test_study import publish_module

from .conftest import bearer
from .test_interactive import open_quiz


def right_answers(attempt):
    """Every drawn question answered with its correct choices: the attempt passes."""
    right = QuizChoice.objects.filter(
        question_id__in=[item["question"] for item in attempt.drawn], is_correct=True
    )
    return {str(choice.question_id): [choice.pk] for choice in right}


def first_choices(attempt):
    return {str(item["question"]): [item["choices"][0]] for item in attempt.drawn}


@pytest.fixture
def announced():
    """The attempts announced with ``attempt_submitted``, in order."""
    seen = []

    def receiver(sender, attempt, **kwargs):
        seen.append(attempt.pk)

    attempt_submitted.connect(receiver, dispatch_uid="test_quiz_submission")
    yield seen
    attempt_submitted.disconnect(dispatch_uid="test_quiz_submission")


def submit_over_http(client, attempt, headers, key="phone-1", answers=None):
    return client.post(
        f"/api/attempts/{attempt.pk}/submit/",
        {"answers": first_choices(attempt) if answers is None else answers, "key": key},
        content_type="application/json",
        **headers,
    )


def test_a_submission_takes_four_queries_and_a_retry_three(
    client, readers, unit_tree, django_assert_num_queries
):
    quiz = open_quiz(unit_tree)
    user = readers["branch"]
    headers = bearer(user)
    attempt = quizzes.start_attempt(quiz, user)
    # The app fetched the attempt with this token today: no token write is due.
    assert client.get(f"/api/attempts/{attempt.pk}/", **headers).status_code == 200
    answers = right_answers(attempt)

    # The token with its user, the attempt with its quiz (and whether the quiz
    # ends a study module: it ends none), the drawn questions and choices
    # (scoring and corrections: not a contest), one conditional UPDATE.
    with django_assert_num_queries(4):
        first = submit_over_http(client, attempt, headers, answers=answers)
    assert first.status_code == 200
    assert (first.json()["score"], first.json()["passed"]) == (3, True)
    assert len(first.json()["corrections"]) == 3

    # A retry with the same key: the token, the attempt, its corrections; nothing written.
    with django_assert_num_queries(3):
        again = submit_over_http(client, attempt, headers, answers=answers)
    assert again.json()["score"] == 3
    assert again.json()["submitted_at"] == first.json()["submitted_at"]


def test_answers_saved_from_another_device_meanwhile_are_kept(readers, unit_tree, announced):
    """The submission read the attempt before another device saved an answer:
    its UPDATE does not apply, and the locked path scores the merged answers."""
    quiz = open_quiz(unit_tree)
    user = readers["branch"]
    attempt = quizzes.start_attempt(quiz, user)
    stale = quizzes.attempt_for(user, attempt.pk)
    first, *rest = attempt.drawn
    quizzes.save_answers(
        quizzes.attempt_for(user, attempt.pk), {str(first["question"]): [first["choices"][1]]}
    )

    submitted = quizzes.submit_attempt(
        stale, {str(item["question"]): [item["choices"][0]] for item in rest}, key="k"
    )

    stored = QuizAttempt.objects.get(pk=attempt.pk)
    assert stored.answers == {
        str(first["question"]): [first["choices"][1]],
        **{str(item["question"]): [item["choices"][0]] for item in rest},
    }
    assert (submitted.score, submitted.submission_key) == (stored.score, "k")
    assert announced == [attempt.pk]


def race(attempts_and_keys):
    """Submit each (attempt, key) from its own thread and database connection,
    all at once; returns each outcome: the attempt returned or the error code."""
    start = threading.Barrier(len(attempts_and_keys))
    outcomes = [None] * len(attempts_and_keys)

    def submit(index, attempt, key):
        try:
            start.wait()
            outcomes[index] = quizzes.submit_attempt(attempt, first_choices(attempt), key=key)
        except ServiceError as error:
            outcomes[index] = error.code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=submit, args=(n, attempt, key))
        for n, (attempt, key) in enumerate(attempts_and_keys)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_a_double_tap_stores_one_submission(readers, unit_tree, announced):
    """Both requests read the open attempt before either stores: one UPDATE
    applies, the other finds the submission stored and returns it."""
    quiz = open_quiz(unit_tree)
    user = readers["branch"]
    attempt = quizzes.start_attempt(quiz, user)
    reads = [quizzes.attempt_for(user, attempt.pk) for _ in range(4)]

    outcomes = race([(read, "phone-1") for read in reads])

    stored = QuizAttempt.objects.get(pk=attempt.pk)
    assert stored.submission_key == "phone-1" and stored.submitted_at is not None
    assert {(o.pk, o.score, o.submitted_at) for o in outcomes} == {
        (stored.pk, stored.score, stored.submitted_at)
    }
    assert announced == [attempt.pk]
    assert QuizAttempt.objects.filter(quiz=quiz).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_devices_with_their_own_keys_store_one_submission(readers, unit_tree, announced):
    quiz = open_quiz(unit_tree)
    user = readers["branch"]
    attempt = quizzes.start_attempt(quiz, user)
    reads = [quizzes.attempt_for(user, attempt.pk) for _ in range(2)]

    outcomes = race([(reads[0], "phone"), (reads[1], "tablet")])

    stored = QuizAttempt.objects.get(pk=attempt.pk)
    winner = outcomes.index(next(o for o in outcomes if isinstance(o, QuizAttempt)))
    assert stored.submission_key == ["phone", "tablet"][winner]
    assert outcomes[1 - winner] == ErrorCode.ALREADY_SUBMITTED
    assert announced == [attempt.pk]


def test_a_correct_choice_changed_by_an_editor_scores_the_next_submission(
    client, readers, unit_tree
):
    quiz = open_quiz(unit_tree)
    first_user, second_user = readers["branch"], readers["sibling branch"]
    first = quizzes.start_attempt(quiz, first_user)
    second = quizzes.start_attempt(quiz, second_user)
    answers = right_answers(first)
    assert (
        submit_over_http(client, first, bearer(first_user), answers=answers).json()["score"] == 3
    )

    # The editor finds the key wrong for one question and ticks another choice.
    question_id = next(iter(answers))
    question = QuizQuestion.objects.get(pk=question_id)
    choices = list(question.choices.all())
    new_right = next(choice.pk for choice in choices if choice.pk != answers[question_id][0])
    for choice in choices:
        choice.is_correct = choice.pk == new_right
    question.choices = choices
    question.save()

    old_key = submit_over_http(client, second, bearer(second_user), answers=answers)
    assert old_key.json()["score"] == 2
    corrected = {c["id"]: c for c in old_key.json()["corrections"]}[int(question_id)]
    assert [c["id"] for c in corrected["choices"] if c["is_correct"]] == [new_right]


def test_a_quiz_named_a_modules_final_quiz_completes_it_at_the_next_pass(
    client, readers, unit_tree, django_capture_on_commit_callbacks
):
    quiz = open_quiz(unit_tree)
    module, lessons = publish_module(unit_tree.grassroots, "Học rồi thi", lessons=1)
    early, late = readers["branch"], readers["sibling branch"]
    for user in (early, late):
        complete_lesson(user, lessons[0])
    attempts = {user: quizzes.start_attempt(quiz, user) for user in (early, late)}
    passed = submit_over_http(
        client, attempts[early], bearer(early), answers=right_answers(attempts[early])
    )
    assert passed.json()["passed"] is True

    # The editor makes the quiz the module's final quiz: reading is no longer enough.
    module.final_quiz = quiz
    with django_capture_on_commit_callbacks(execute=True):
        module.save_revision().publish()
    assert not ModuleCompletion.objects.filter(module=module, member=late.member).exists()

    submit_over_http(client, attempts[late], bearer(late), answers=right_answers(attempts[late]))
    assert ModuleCompletion.objects.filter(module=module, member=late.member).exists()


def test_choice_ids_as_strings_and_a_key_with_spaces_are_accepted_as_before(
    client, readers, unit_tree
):
    """Choice ids sent as strings are not the usual body the view reads by
    itself: the serializer checks and accepts them; a key is trimmed either way."""
    quiz = open_quiz(unit_tree)
    user = readers["branch"]
    attempt = quizzes.start_attempt(quiz, user)
    answers = {q: [str(c) for c in chosen] for q, chosen in right_answers(attempt).items()}
    response = submit_over_http(client, attempt, bearer(user), key="  phone 1  ", answers=answers)
    assert response.status_code == 200 and response.json()["score"] == 3
    assert QuizAttempt.objects.get(pk=attempt.pk).submission_key == "phone 1"
