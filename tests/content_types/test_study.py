"""Resolution study: what opening a lesson stores, who may, and when a member
has completed a module.

The reader API relies on ``open_lesson`` / ``complete_lesson`` /
``module_progress`` refusing what the reader site refuses, and the completion
report relies on ``ModuleCompletion`` holding exactly the members for whom the
rule holds: every live lesson read to the end (``complete_lesson``; opening
only starts a lesson) and, when the module names a final quiz, a passed
submitted attempt.
"""

import datetime
import importlib
import json

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import Page

from content_types import factories
from content_types.errors import ErrorCode, ServiceError
from content_types.factories import learning_index, publish_document
from content_types.models import (
    Audience,
    LessonProgress,
    ModuleCompletion,
    PageAudience,
    PartyDocument,
    QuizAttempt,
    StudyLesson,
    StudyModule,
    StudyModuleDocument,
)
from content_types.signals import attempt_submitted
from content_types.study import (
    complete_lesson,
    module_progress,
    open_lesson,
    refresh_module_completions,
    update_completion,
)
from editorial.factories import MemberFactory, UserFactory
from editorial.models import MemberStatus

T0 = datetime.datetime(2025, 3, 10, 8, 0, tzinfo=datetime.UTC)


def at(minutes):
    return T0 + datetime.timedelta(minutes=minutes)


# --- building modules, lessons and quizzes as editors would publish them -----


def resolution(unit):
    """One published resolution per unit, taught by that unit's modules."""
    existing = PartyDocument.objects.descendant_of(Page.objects.get(pk=unit.home_page_id))
    if existing.exists():
        return existing.first()
    return publish_document(
        unit,
        f"05-NQ/{unit.short_name}",
        "NQ",
        title=f"Nghị quyết của {unit.name}",
        issued_on=datetime.date(2025, 1, 15),
    )


def body(text):
    return json.dumps([{"type": "paragraph", "value": f"<p>{text}</p>"}])


def publish_lesson(module, title, **fields):
    lesson = StudyLesson(title=title, body=body(title), **fields)
    Page.objects.get(pk=module.pk).specific.add_child(instance=lesson)
    lesson.save_revision().publish()
    return StudyLesson.objects.get(pk=lesson.pk)


def publish_module(
    unit, title, *, lessons=2, audience=Audience.PUBLIC, units=(), final_quiz=None, **fields
):
    """A published module of ``lessons`` published lessons; returns (module, lessons)."""
    module = StudyModule(title=title, audience=audience, final_quiz=final_quiz, **fields)
    module.taught_documents.add(StudyModuleDocument(document=resolution(unit)))
    learning_index(unit).add_child(instance=module)
    module.audience_units.set(units)
    module.save_revision().publish()
    published = [publish_lesson(module, f"{title} – bài {n}") for n in range(1, lessons + 1)]
    # Fresh from the database: publishing a stale copy would reset its numchild.
    return StudyModule.objects.get(pk=module.pk), published


def publish_quiz(unit, title="Kiểm tra cuối học phần", pass_mark=60):
    """A module's final quiz, with the model's settings but its own pass mark."""
    return factories.publish_quiz(unit, title=title, pass_mark=pass_mark)


def submit_attempt(member, quiz, *, passed, submitted_at):
    """A submitted attempt as the quiz service stores it, then its signal."""
    number = QuizAttempt.objects.filter(member=member, quiz=quiz).count() + 1
    attempt = QuizAttempt.objects.create(
        quiz=quiz,
        member=member,
        number=number,
        started_at=submitted_at - datetime.timedelta(minutes=10),
        deadline=submitted_at + datetime.timedelta(minutes=5),
        submitted_at=submitted_at,
        score=8 if passed else 2,
        max_score=10,
        passed=passed,
    )
    attempt_submitted.send(sender=QuizAttempt, attempt=attempt)
    return attempt


def completion(member, module):
    return ModuleCompletion.objects.filter(member=member, module=module).first()


@pytest.fixture
def member(unit_tree):
    return MemberFactory(branch=unit_tree.branch)


@pytest.fixture
def module(unit_tree):
    return publish_module(unit_tree.district, "Nghị quyết Đại hội huyện", lessons=2)


# --- opening lessons -----------------------------------------------------------


def test_opening_a_lesson_keeps_the_first_time(member, module):
    _module, (lesson, _second) = module
    first = open_lesson(member.user, lesson, now=at(0))
    again = open_lesson(member.user, lesson, now=at(30))
    assert first.pk == again.pk
    assert again.opened_at == at(0)
    assert again.completed_at is None
    assert LessonProgress.objects.filter(member=member).count() == 1
    assert again.module_id == _module.pk


def test_completing_a_lesson_opens_it_and_keeps_the_first_time(member, module):
    _module, (lesson, _second) = module
    progress = complete_lesson(member.user, lesson, now=at(5))
    assert (progress.opened_at, progress.completed_at) == (at(5), at(5))
    progress = complete_lesson(member.user, lesson, now=at(50))
    assert (progress.opened_at, progress.completed_at) == (at(5), at(5))


def test_opening_a_lesson_costs_a_fixed_number_of_queries(
    member, module, django_assert_max_num_queries
):
    _module, (lesson, _second) = module
    user = UserFactory._meta.model.objects.get(pk=member.user.pk)
    # Member and branch, module, lesson readable, member lock, progress
    # get-or-create, live lessons, lessons opened, completion get-or-create or
    # delete: about ten queries plus savepoints, however many lessons or members.
    with django_assert_max_num_queries(14):
        open_lesson(user, lesson, now=at(0))
    with django_assert_max_num_queries(16):
        complete_lesson(user, lesson, now=at(1))
    with django_assert_max_num_queries(16):
        complete_lesson(user, _second, now=at(2))  # completes the module
    assert completion(member, _module).completed_at == at(2)


def test_module_progress_costs_a_fixed_number_of_queries(
    unit_tree, member, django_assert_max_num_queries
):
    quiz = publish_quiz(unit_tree.district)
    module, lessons = publish_module(unit_tree.district, "Năm bài", lessons=5, final_quiz=quiz)
    for lesson in lessons[:3]:
        open_lesson(member.user, lesson, now=at(0))
    user = UserFactory._meta.model.objects.get(pk=member.user.pk)
    with django_assert_max_num_queries(7):
        progress = module_progress(user, module)
    assert (progress.lessons_opened, progress.lessons_total, progress.quiz_passed) == (3, 5, False)


@pytest.mark.parametrize(
    "status", [MemberStatus.DECEASED, MemberStatus.EXPELLED, MemberStatus.TRANSFERRED]
)
def test_members_who_left_cannot_study(unit_tree, module, status):
    _module, (lesson, _second) = module
    gone = MemberFactory(branch=unit_tree.branch, status=status)
    with pytest.raises(ServiceError) as error:
        open_lesson(gone.user, lesson, now=at(0))
    assert error.value.code == ErrorCode.NOT_MEMBER
    assert not LessonProgress.objects.exists()


def test_users_without_a_membership_cannot_study(unit_tree, module):
    from django.contrib.auth.models import AnonymousUser

    _module, (lesson, _second) = module
    for user in (UserFactory(), AnonymousUser()):
        with pytest.raises(ServiceError) as error:
            open_lesson(user, lesson, now=at(0))
        assert error.value.code == ErrorCode.NOT_MEMBER
        with pytest.raises(ServiceError) as error:
            module_progress(user, _module)
        assert error.value.code == ErrorCode.NOT_MEMBER


def test_lessons_of_a_unit_module_are_refused_outside_its_readers(unit_tree):
    module, (lesson,) = publish_module(
        unit_tree.district, "Chỉ cho huyện", lessons=1, audience=Audience.UNIT
    )
    outsider = MemberFactory(branch=unit_tree.district_2)
    insider = MemberFactory(branch=unit_tree.branch)
    with pytest.raises(ServiceError) as error:
        open_lesson(outsider.user, lesson, now=at(0))
    assert error.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(ServiceError) as error:
        module_progress(outsider.user, module)
    assert error.value.code == ErrorCode.NOT_FOUND
    assert open_lesson(insider.user, lesson, now=at(0)).member == insider
    assert module_progress(insider.user, module).lessons_opened == 1


def test_unpublished_lessons_are_refused(member, module):
    _module, (lesson, _second) = module
    lesson.unpublish()
    with pytest.raises(ServiceError) as error:
        open_lesson(member.user, StudyLesson.objects.get(pk=lesson.pk), now=at(0))
    assert error.value.code == ErrorCode.NOT_FOUND


def test_a_module_cannot_be_studied_before_it_opens(unit_tree, member):
    module, (lesson,) = publish_module(
        unit_tree.district, "Mở sau", lessons=1, opens_on=datetime.date(2025, 3, 11)
    )
    with pytest.raises(ValidationError) as error:
        open_lesson(member.user, lesson, now=at(0))  # 10 March in Vietnam
    assert error.value.code == "not_open"
    # 11 March 00:30 in Hanoi is still 10 March in UTC: the local date decides.
    hanoi_midnight = datetime.datetime(2025, 3, 10, 17, 30, tzinfo=datetime.UTC)
    assert complete_lesson(member.user, lesson, now=hanoi_midnight).opened_at == hanoi_midnight
    assert completion(member, module) is not None


def test_late_completion_still_counts(unit_tree, member):
    module, (lesson,) = publish_module(
        unit_tree.district, "Quá hạn", lessons=1, due_on=datetime.date(2025, 3, 1)
    )
    complete_lesson(member.user, lesson, now=at(0))
    assert completion(member, module).completed_at == at(0)


# --- the completion rule ---------------------------------------------------------


def test_without_a_final_quiz_reading_every_lesson_to_the_end_completes(member, module):
    module, (first, second) = module
    complete_lesson(member.user, first, now=at(0))
    assert completion(member, module) is None
    progress = module_progress(member.user, module)
    assert (progress.lessons_opened, progress.lessons_total) == (1, 2)
    assert progress.lessons_completed == 1
    assert progress.quiz_passed is None and not progress.is_complete

    complete_lesson(member.user, second, now=at(20))
    assert completion(member, module).completed_at == at(20)
    progress = module_progress(member.user, module)
    assert (progress.lessons_opened, progress.completed_at) == (2, at(20))
    assert progress.lessons_completed == 2
    assert [lesson.opened_at for lesson in progress.lessons] == [at(0), at(20)]
    assert [lesson.title for lesson in progress.lessons] == [first.title, second.title]


def test_completion_is_written_once(member, module):
    module, lessons = module
    for lesson in lessons:
        complete_lesson(member.user, lesson, now=at(0))
    complete_lesson(member.user, lessons[0], now=at(90))
    update_completion(member, module)
    assert ModuleCompletion.objects.filter(member=member, module=module).count() == 1
    assert completion(member, module).completed_at == at(0)


def test_opening_every_lesson_without_reading_them_to_the_end_completes_nothing(member, module):
    module, lessons = module
    for minute, lesson in enumerate(lessons):
        open_lesson(member.user, lesson, now=at(minute))
    update_completion(member, module)
    assert completion(member, module) is None
    progress = module_progress(member.user, module)
    assert (progress.lessons_opened, progress.lessons_completed) == (2, 0)
    assert not progress.is_complete
    # Reading one of them to the end is not enough either.
    complete_lesson(member.user, lessons[0], now=at(10))
    assert completion(member, module) is None
    complete_lesson(member.user, lessons[1], now=at(30))
    assert completion(member, module).completed_at == at(30)
    # Opened first, read later: the first opening is kept.
    progress = module_progress(member.user, module)
    assert [(row.opened_at, row.completed_at) for row in progress.lessons] == [
        (at(0), at(10)),
        (at(1), at(30)),
    ]


def test_the_bulk_recomputation_counts_lessons_read_not_opened(unit_tree, module):
    module, lessons = module
    reader, opener = MemberFactory(branch=unit_tree.branch), MemberFactory(branch=unit_tree.branch)
    for lesson in lessons:
        complete_lesson(reader.user, lesson, now=at(3))
        open_lesson(opener.user, lesson, now=at(1))
    # A completion left over from the old rule ("every lesson opened").
    ModuleCompletion.objects.create(member=opener, module=module, completed_at=at(1))
    assert refresh_module_completions(module) == (0, 1)
    assert completion(opener, module) is None
    assert completion(reader, module).completed_at == at(3)


def test_the_data_migration_recomputes_completions_under_the_new_rule(unit_tree, module):
    """Completions stored under the old rule ("every lesson opened") are
    recomputed by migration 0012: openers lose theirs, readers are dated when
    they read the last lesson to the end."""
    recompute = importlib.import_module(
        "content_types.migrations.0012_completions_count_lessons_read"
    ).recompute_completions
    module, lessons = module
    reader, opener = MemberFactory(branch=unit_tree.branch), MemberFactory(branch=unit_tree.branch)
    for minute, lesson in enumerate(lessons):
        open_lesson(reader.user, lesson, now=at(minute))
        open_lesson(opener.user, lesson, now=at(minute))
    LessonProgress.objects.filter(member=reader).update(completed_at=at(50))
    ModuleCompletion.objects.bulk_create(
        ModuleCompletion(member=who, module=module, completed_at=at(1)) for who in (reader, opener)
    )
    recompute(django_apps, None)
    assert completion(opener, module) is None
    assert completion(reader, module).completed_at == at(50)


def test_with_a_final_quiz_a_pass_is_needed(unit_tree, member):
    quiz = publish_quiz(unit_tree.district)
    module, lessons = publish_module(unit_tree.district, "Có kiểm tra", final_quiz=quiz)
    for minute, lesson in enumerate(lessons):
        complete_lesson(member.user, lesson, now=at(minute))
    assert completion(member, module) is None
    assert module_progress(member.user, module).quiz_passed is False

    submit_attempt(member, quiz, passed=False, submitted_at=at(30))
    assert completion(member, module) is None

    submit_attempt(member, quiz, passed=True, submitted_at=at(60))
    assert completion(member, module).completed_at == at(60)
    progress = module_progress(member.user, module)
    assert progress.quiz_passed is True and progress.completed_at == at(60)


def test_a_pass_before_the_last_lesson_completes_when_that_lesson_is_read(unit_tree, member):
    quiz = publish_quiz(unit_tree.district)
    module, (first, second) = publish_module(unit_tree.district, "Thi trước", final_quiz=quiz)
    complete_lesson(member.user, first, now=at(0))
    submit_attempt(member, quiz, passed=True, submitted_at=at(10))
    assert completion(member, module) is None
    complete_lesson(member.user, second, now=at(40))
    assert completion(member, module).completed_at == at(40)


def test_another_members_pass_does_not_count(unit_tree, member):
    quiz = publish_quiz(unit_tree.district)
    module, lessons = publish_module(unit_tree.district, "Người khác thi", final_quiz=quiz)
    for lesson in lessons:
        complete_lesson(member.user, lesson, now=at(0))
    other = MemberFactory(branch=unit_tree.branch)
    submit_attempt(other, quiz, passed=True, submitted_at=at(5))
    assert completion(member, module) is None
    assert completion(other, module) is None  # passed, but read nothing


def test_a_pass_counts_for_every_module_naming_the_quiz(unit_tree, member):
    quiz = publish_quiz(unit_tree.district)
    first, first_lessons = publish_module(unit_tree.district, "A", lessons=1, final_quiz=quiz)
    second, second_lessons = publish_module(unit_tree.district, "B", lessons=1, final_quiz=quiz)
    complete_lesson(member.user, first_lessons[0], now=at(0))
    complete_lesson(member.user, second_lessons[0], now=at(1))
    submit_attempt(member, quiz, passed=True, submitted_at=at(2))
    assert completion(member, first) and completion(member, second)


# --- editors changing a module after members completed it ----------------------


def test_adding_a_lesson_uncompletes_until_it_is_read(
    member, module, django_capture_on_commit_callbacks
):
    module, lessons = module
    for lesson in lessons:
        complete_lesson(member.user, lesson, now=at(0))
    assert completion(member, module)
    with django_capture_on_commit_callbacks(execute=True):
        third = publish_lesson(module, "Bài bổ sung")
    assert completion(member, module) is None
    complete_lesson(member.user, third, now=at(100))
    assert completion(member, module).completed_at == at(100)


def test_unpublishing_the_missing_lesson_completes(
    member, module, django_capture_on_commit_callbacks
):
    module, (first, second) = module
    complete_lesson(member.user, first, now=at(7))
    assert completion(member, module) is None
    with django_capture_on_commit_callbacks(execute=True):
        second.unpublish()
    assert completion(member, module).completed_at == at(7)


def test_deleting_a_module_with_its_lessons_leaves_no_completion(
    member, module, django_capture_on_commit_callbacks
):
    module, lessons = module
    for lesson in lessons:
        complete_lesson(member.user, lesson, now=at(0))
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=module.pk).delete()
    assert not ModuleCompletion.objects.exists()
    assert not LessonProgress.objects.exists()


def test_naming_a_final_quiz_later_asks_for_a_pass(
    unit_tree, member, module, django_capture_on_commit_callbacks
):
    module, lessons = module
    for lesson in lessons:
        complete_lesson(member.user, lesson, now=at(0))
    passed_earlier = MemberFactory(branch=unit_tree.branch_2)
    for lesson in lessons:
        complete_lesson(passed_earlier.user, lesson, now=at(1))
    quiz = publish_quiz(unit_tree.district)
    submit_attempt(passed_earlier, quiz, passed=True, submitted_at=at(3))
    module.final_quiz = quiz
    with django_capture_on_commit_callbacks(execute=True):
        module.save_revision().publish()
    assert completion(member, module) is None
    assert completion(passed_earlier, module).completed_at == at(1)


def test_moving_a_lesson_to_another_module_counts_it_there(
    unit_tree, member, django_capture_on_commit_callbacks
):
    first, (kept, moved) = publish_module(unit_tree.district, "Học phần A")
    second, (other,) = publish_module(unit_tree.district, "Học phần B", lessons=1)
    complete_lesson(member.user, kept, now=at(0))
    complete_lesson(member.user, other, now=at(1))
    assert completion(member, second)
    early = MemberFactory(branch=unit_tree.branch_2)
    open_lesson(early.user, moved, now=at(0))
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=moved.pk).move(Page.objects.get(pk=second.pk), pos="last-child")
    assert LessonProgress.objects.get(lesson=moved, member=early).module_id == second.pk
    assert completion(member, first).completed_at == at(0)  # its only lesson left is read
    assert completion(member, second) is None  # the moved lesson is not read yet
    complete_lesson(member.user, StudyLesson.objects.get(pk=moved.pk), now=at(2))
    assert completion(member, second).completed_at == at(2)


# --- a lesson's readers are its module's -----------------------------------------


def test_lesson_audience_follows_its_module(unit_tree):
    module, (lesson,) = publish_module(unit_tree.district, "Theo học phần", lessons=1)
    assert PageAudience.objects.get(page=lesson).audience == Audience.PUBLIC

    module.audience = Audience.UNIT
    module.save_revision().publish()
    lesson_row = PageAudience.objects.get(page=lesson)
    assert lesson_row.audience == Audience.UNIT
    assert list(lesson_row.reader_scopes.values_list("path", flat=True)) == [
        unit_tree.district.path
    ]

    module = StudyModule.objects.get(pk=module.pk)
    module.audience_units.set([unit_tree.grassroots_2])
    module.save_revision().publish()
    lesson_row = PageAudience.objects.get(page=lesson)
    assert list(lesson_row.reader_scopes.values_list("path", flat=True)) == [
        unit_tree.grassroots_2.path
    ]
    # A new lesson takes the module's audience too, whatever its own field says.
    late = publish_lesson(module, "Bài mới", audience=Audience.PUBLIC)
    assert StudyModule.objects.get(pk=module.pk).lessons().count() == 2
    assert PageAudience.objects.get(page=late).audience == Audience.UNIT


def test_module_dates_are_checked(unit_tree):
    module = StudyModule(
        title="Sai ngày", opens_on=datetime.date(2025, 3, 10), due_on=datetime.date(2025, 3, 1)
    )
    with pytest.raises(ValidationError) as error:
        module.clean()
    assert "due_on" in error.value.message_dict


def test_progress_is_stored_per_member(unit_tree, module):
    module, (lesson, _second) = module
    first, second = MemberFactory(branch=unit_tree.branch), MemberFactory(branch=unit_tree.branch)
    open_lesson(first.user, lesson, now=at(0))
    assert module_progress(second.user, module).lessons_opened == 0
    assert timezone.is_aware(module_progress(first.user, module).lessons[0].opened_at)
