"""Reads and sign-ins are recorded without slowing reads: into this process's
buffer, deduplicated, written in bulk when due, at exit and by the periodic job."""

import datetime
import subprocess
import sys

import pytest
from django.test import Client
from django.utils import timezone

from editorial.factories import UserFactory
from jobs import schedule
from readership import recording
from readership.models import ItemRead, SignInDay
from readership.recording import Batch, ReadingBuffer
from tests.api.conftest import publish_news
from tests.jobs.conftest import ROOT, process_env  # noqa: F401 (a fixture)

from .conftest import detail


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(recording, "BUFFER", ReadingBuffer(clock=clock))
    return clock


def test_the_buffer_keeps_one_entry_per_member_item_and_day_with_the_first_time():
    buffer = ReadingBuffer(clock=Clock())
    morning = timezone.make_aware(datetime.datetime(2026, 12, 5, 8, 0))
    buffer.add_read(1, 10, morning + datetime.timedelta(hours=2))
    buffer.add_read(1, 10, morning)
    buffer.add_read(1, 10, morning + datetime.timedelta(hours=5))
    buffer.add_read(1, 10, morning + datetime.timedelta(days=1))
    buffer.add_read(2, 10, morning)
    buffer.add_sign_in(1, morning)
    buffer.add_sign_in(1, morning + datetime.timedelta(hours=1))

    batch = buffer.take()

    assert batch.reads == {
        (1, 10, datetime.date(2026, 12, 5)): morning,
        (1, 10, datetime.date(2026, 12, 6)): morning + datetime.timedelta(days=1),
        (2, 10, datetime.date(2026, 12, 5)): morning,
    }
    assert batch.sign_ins == {(1, datetime.date(2026, 12, 5))}
    assert len(buffer) == 0


def test_the_buffer_is_due_at_its_size_or_its_age(settings):
    settings.READERSHIP_FLUSH_SIZE, settings.READERSHIP_FLUSH_EVERY = 3, 30
    clock = Clock()
    buffer = ReadingBuffer(clock=clock)
    now = timezone.now()

    assert [buffer.add_read(1, page, now) for page in (1, 2, 3)] == [False, False, True]
    buffer.take()
    assert buffer.add_read(1, 4, now) is False
    clock.now += 29
    assert buffer.add_sign_in(1, now) is False
    clock.now += 1
    assert buffer.add_read(1, 5, now) is True


def test_a_flush_writes_the_rows_and_flushing_them_again_writes_nothing_new(reading):
    now = timezone.now()
    batch = Batch(
        reads={
            (reading.alice.pk, reading.news.pk, timezone.localdate(now)): now,
            (reading.bob.pk, reading.news.pk, timezone.localdate(now)): now,
        },
        sign_ins={(reading.alice.pk, timezone.localdate(now))},
    )
    recording.write(batch)
    rows = set(ItemRead.objects.values_list("user_id", "page_id", "day", "first_at"))
    later = now + datetime.timedelta(minutes=5)
    recording.write(Batch(reads=dict.fromkeys(batch.reads, later), sign_ins=set(batch.sign_ins)))

    assert len(rows) == 2
    # The first time of the day stays the first one written.
    assert set(ItemRead.objects.values_list("user_id", "page_id", "day", "first_at")) == rows
    assert SignInDay.objects.count() == 1


def test_records_of_deleted_pages_or_users_are_dropped_and_the_rest_written(reading, unit_tree):
    gone = publish_news(unit_tree.grassroots, "Tin sẽ xoá")
    today, now = timezone.localdate(), timezone.now()
    batch = Batch(
        reads={
            (reading.alice.pk, gone.pk, today): now,
            (reading.alice.pk, reading.news.pk, today): now,
        },
        sign_ins={(10**9, today)},
    )
    gone.delete()

    assert recording.write(batch) == 1
    assert list(ItemRead.objects.values_list("page_id", flat=True)) == [reading.news.pk]
    assert not SignInDay.objects.exists()


def test_a_read_costs_no_query_until_the_buffer_is_due(
    recording_on, reading, django_assert_num_queries, django_assert_max_num_queries
):
    client = reading.clients["alice"]
    detail(client, reading.news)  # warm: the same caches in both runs below
    recording_on.READERSHIP_RECORDING = False
    with django_assert_max_num_queries(50) as off:
        assert detail(client, reading.news).status_code == 200
    recording_on.READERSHIP_RECORDING = True
    recording.BUFFER.clear()
    with django_assert_num_queries(len(off.captured_queries)):
        assert detail(client, reading.news).status_code == 200

    assert len(recording.BUFFER) == 1
    assert not ItemRead.objects.exists()


def test_the_read_that_makes_the_buffer_due_writes_it_and_reads_are_counted_once_a_day(
    recording_on, reading, clock
):
    alice = reading.clients["alice"]
    detail(alice, reading.news)
    detail(alice, reading.news)
    detail(reading.clients["bob"], reading.news)
    assert not ItemRead.objects.exists()

    clock.now += 30
    detail(alice, reading.branch_news)

    assert set(ItemRead.objects.values_list("user__username", "page_id")) == {
        ("alice", reading.news.pk),
        ("bob", reading.news.pk),
        ("alice", reading.branch_news.pk),
    }
    assert set(ItemRead.objects.values_list("day", flat=True)) == {timezone.localdate()}
    assert len(recording.BUFFER) == 0
    # Written today: opening it again today does not even enter the buffer.
    detail(alice, reading.news)
    assert len(recording.BUFFER) == 0


def test_the_buffer_is_written_when_it_holds_flush_size_entries(recording_on, reading):
    recording_on.READERSHIP_FLUSH_SIZE = 2
    detail(reading.clients["alice"], reading.news)
    assert not ItemRead.objects.exists()

    detail(reading.clients["bob"], reading.news)

    assert ItemRead.objects.count() == 2


def test_anonymous_reads_refusals_and_prefetches_are_not_recorded(
    recording_on, reading, unit_tree
):
    public = publish_news(unit_tree.grassroots, "Tin công khai")
    assert detail(Client(), public).status_code == 200
    stranger = Client(**reading.clients["alice"].defaults)
    assert detail(stranger, public, HTTP_PURPOSE="prefetch").status_code == 200
    assert detail(stranger, public, HTTP_SEC_PURPOSE="prefetch").status_code == 200
    assert stranger.get("/api/v2/pages/999999/").status_code == 404

    assert len(recording.BUFFER) == 0


def test_an_item_reopened_from_the_apps_cache_is_a_read_a_bare_star_is_not(
    recording_on, reading, clock
):
    alice = reading.clients["alice"]
    etag = detail(alice, reading.news)["ETag"]
    recording.BUFFER.clear()

    assert detail(alice, reading.news, HTTP_IF_NONE_MATCH="*").status_code == 304
    assert len(recording.BUFFER) == 0
    assert detail(alice, reading.news, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert len(recording.BUFFER) == 1


def test_sign_ins_to_the_app_and_the_admin_are_recorded(recording_on, reading, client):
    reading.alice.set_password("alice-pass-123")
    reading.alice.save()
    response = client.post(
        "/api/auth/token/",
        {"username": "alice", "password": "alice-pass-123"},
        content_type="application/json",
    )
    assert response.status_code == 201
    reading.bob.set_password("bob-pass-1234")
    reading.bob.save()
    assert Client().login(username="bob", password="bob-pass-1234")

    recording.flush()

    assert set(SignInDay.objects.values_list("user__username", "day")) == {
        ("alice", timezone.localdate()),
        ("bob", timezone.localdate()),
    }


def test_the_periodic_job_writes_what_the_process_holds(recording_on, reading):
    detail(reading.clients["alice"], reading.news)

    runs = schedule.run_due_jobs(names=["flush_reading_records"])

    assert [(run.job, run.outcome, run.result) for run in runs] == [
        ("flush_reading_records", "succeeded", "1")
    ]
    assert ItemRead.objects.filter(user=reading.alice, page=reading.news).exists()


@pytest.mark.django_db(transaction=True)
def test_a_process_writes_what_it_holds_when_it_exits(process_env):  # noqa: F811
    user = UserFactory(username="exiting")
    code = (
        "from django.conf import settings; settings.READERSHIP_RECORDING = True; "
        "from django.contrib.auth import get_user_model; "
        "from readership.recording import record_sign_in; "
        "record_sign_in(get_user_model().objects.get(username='exiting'))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=process_env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert SignInDay.objects.filter(user=user).count() == 1
