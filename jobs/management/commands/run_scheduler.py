"""``manage.py run_scheduler``: run the periodic jobs, once per period.

Safe to run on several hosts at once (see jobs/schedule.py). ``--once`` runs
what is due and exits (for cron); ``--from``/``--until`` replays a stretch of
time as fast as possible (each step counts as "now"), to check a day's jobs
in a test; ``--job`` limits the run to the named jobs.
"""

import datetime
import logging
import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from jobs.schedule import registered_jobs, run_due_jobs

logger = logging.getLogger(__name__)


def moment(value):
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValueError(value)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


class Command(BaseCommand):
    help = "Run the periodic jobs (publishing, search retries, reminders...) once per period."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run what is due, then exit.")
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between checks.")
        parser.add_argument(
            "--job", action="append", dest="jobs", help="Only this job (repeatable)."
        )
        parser.add_argument("--from", dest="start", help="Replay from this time (ISO 8601).")
        parser.add_argument("--until", dest="end", help="Replay until this time (ISO 8601).")
        parser.add_argument("--step", type=int, default=60, help="Seconds per replay step.")
        parser.add_argument("--list", action="store_true", help="List the jobs and exit.")

    def handle(self, *args, once, interval, jobs, start, end, step, list, **options):
        known = registered_jobs()
        if list:
            for job in known.values():
                self.stdout.write(f"{job.name:30} every {job.every}  {job.description}")
            return
        unknown = sorted(set(jobs or ()) - set(known))
        if unknown:
            raise CommandError(f"--job: no job named {', '.join(unknown)}; see --list.")
        if start or end:
            self.replay(start, end, step, jobs)
        elif once:
            self.report(run_due_jobs(names=jobs))
        else:
            self.loop(interval, jobs)

    def replay(self, start, end, step, jobs):
        try:
            now, end = moment(start), moment(end)
        except (TypeError, ValueError) as error:
            raise CommandError("--from and --until take ISO 8601 times, both.") from error
        if step < 1 or end <= now:
            raise CommandError("--until must come after --from, and --step be at least 1.")
        total = 0
        while now < end:
            total += len(self.report(run_due_jobs(now, names=jobs)))
            now += datetime.timedelta(seconds=step)
        self.stdout.write(f"{total} job run(s) between {start} and {end}.")

    def loop(self, interval, jobs):
        stopping = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.append(True))
        self.stdout.write(f"Scheduler running {len(registered_jobs())} job(s); Ctrl+C to stop.")
        while not stopping:
            close_old_connections()
            try:
                self.report(run_due_jobs(names=jobs))
            except DatabaseError:  # the database is away: try again next time
                logger.exception("The scheduler cannot reach the database")
            deadline = time.monotonic() + interval
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(0.5, interval))

    def report(self, runs):
        for run in runs:
            line = f"{run.job} [{run.period_start:%Y-%m-%d %H:%M:%S}] {run.outcome} {run.result}"
            self.stdout.write(line.rstrip())
        return runs
