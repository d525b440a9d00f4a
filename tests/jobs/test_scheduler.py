"""Periodic jobs run once per period, however many schedulers run."""

import datetime
import threading

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from jobs import schedule
from jobs.models import ScheduledRun

from .conftest import manage, start_manage


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def counted_job():
    """A job that counts its runs; removed again after the test."""
    calls = []
    schedule.register("count", every=datetime.timedelta(minutes=5), run=lambda: calls.append(1))
    yield calls
    schedule.unregister("count")


def test_periods_start_at_local_midnight_and_on_the_period():
    daily = schedule.PeriodicJob("d", datetime.timedelta(days=1), run=None)
    every_5 = schedule.PeriodicJob("m", datetime.timedelta(minutes=5), run=None)

    assert daily.period_start(local(2026, 12, 5, 6, 59)) == local(2026, 12, 5)
    assert daily.period_start(local(2026, 12, 5, 23, 59)) == local(2026, 12, 5)
    assert every_5.period_start(local(2026, 12, 5, 10, 14, 59)) == local(2026, 12, 5, 10, 10)


@pytest.mark.django_db
def test_a_job_runs_once_per_period(counted_job):
    now = local(2026, 12, 5, 10, 1)

    first = schedule.run_due_jobs(now, names=["count"])
    again = schedule.run_due_jobs(now + datetime.timedelta(minutes=3), names=["count"])
    next_period = schedule.run_due_jobs(now + datetime.timedelta(minutes=4), names=["count"])

    assert [run.job for run in first] == ["count"]
    assert first[0].outcome == ScheduledRun.Outcome.SUCCEEDED
    assert again == []
    assert [run.period_start for run in next_period] == [local(2026, 12, 5, 10, 5)]
    assert len(counted_job) == 2


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_the_others_still_run(counted_job):
    def broken():
        raise RuntimeError("engine on fire")

    schedule.register("broken", every=datetime.timedelta(minutes=1), run=broken)
    try:
        runs = schedule.run_due_jobs(local(2026, 12, 5, 10, 0), names=["broken", "count"])
    finally:
        schedule.unregister("broken")

    outcomes = {run.job: (run.outcome, run.result) for run in runs}
    assert outcomes["broken"] == (ScheduledRun.Outcome.FAILED, "RuntimeError: engine on fire")
    assert outcomes["count"][0] == ScheduledRun.Outcome.SUCCEEDED
    assert len(counted_job) == 1


@pytest.mark.django_db(transaction=True)
def test_schedulers_racing_for_a_period_run_the_job_once(counted_job):
    now = local(2026, 12, 5, 10, 0)
    start = threading.Barrier(4)

    def scheduler():
        start.wait()
        schedule.run_due_jobs(now, names=["count"])

    threads = [threading.Thread(target=scheduler) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(counted_job) == 1
    assert ScheduledRun.objects.filter(job="count").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_scheduler_processes_replaying_two_days_run_each_daily_job_twice(process_env):
    replay = (
        "run_scheduler", "--from", "2026-12-05T00:00", "--until", "2026-12-07T00:00",
        "--step", "900", "--job", "moderation_reminders", "--job", "clear_sessions",
    )  # fmt: skip
    first, second = start_manage(process_env, *replay), start_manage(process_env, *replay)
    outputs = [process.communicate(timeout=120)[0] for process in (first, second)]

    assert [first.returncode, second.returncode] == [0, 0], outputs
    runs = ScheduledRun.objects.order_by("job", "period_start")
    assert [(run.job, run.period_start) for run in runs] == [
        ("clear_sessions", local(2026, 12, 5)),
        ("clear_sessions", local(2026, 12, 6)),
        ("moderation_reminders", local(2026, 12, 5)),
        ("moderation_reminders", local(2026, 12, 6)),
    ]
    assert {run.outcome for run in runs} == {ScheduledRun.Outcome.SUCCEEDED}


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_runs_the_platform_jobs(process_env):
    result = manage(process_env, "run_scheduler", "--once")

    assert result.returncode == 0, result.stderr
    ran = set(ScheduledRun.objects.values_list("job", flat=True))
    assert ran == {
        "publish_scheduled",
        "requeue_lost_tasks",
        "search_outbox",
        "moderation_reminders",
        "close_expired_quiz_attempts",
        "clear_sessions",
        "prune_job_history",
        "requeue_waiting_files",
        "requeue_stale_audio",
        "remind_overdue_tasks",
        "flush_reading_records",
    }
    assert set(ScheduledRun.objects.values_list("outcome", flat=True)) == {"succeeded"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--job", "nope"], "--job: no job named nope"),
        (["--from", "yesterday", "--until", "2026-12-05T00:00"], "ISO 8601"),
        (["--from", "2026-12-05T00:00", "--until", "2026-12-04T00:00"], "must come after"),
    ],
)
def test_bad_options_are_refused_with_the_reason(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("run_scheduler", *args)
