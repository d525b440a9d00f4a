"""Reading figures benchmark: does recording reads slow the page detail?

A script, not a test (pytest ignores tests/benchmarks/). On the PostgreSQL
database DATABASE_URL names (created when missing, migrated), with
``cms.settings.benchmark``, it builds a unit with --members members and
--items members-only news items, then reads ``/api/v2/pages/<id>/`` --reads
times through Django's test client with each member's bearer token, the same
sequence with recording off and on (``READERSHIP_RECORDING``). Every
read is a new (member, item, day), the worst case: each one enters the buffer,
and the buffer is written every READERSHIP_FLUSH_SIZE (500) entries inside a
read, which the figures include. Recording off and on alternate in blocks of
100 reads. It prints the mean, p50 and p95 per read, and the rows written.

    source /tmp/svc.env
    DATABASE_URL=${DATABASE_URL%/*}/stdv_reading_bench \\
        .venv/bin/python tests/benchmarks/reading_record.py
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.benchmark"
os.environ["READALOUD_ON_PUBLISH"] = "false"
os.environ["TASKS_BACKEND"] = "immediate"
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="reading-bench-media-"))

from tests.benchmarks.common import create_database_if_missing  # noqa: E402

UNIT_CODE = "READING-BENCH"


def build(members, items):
    """The unit, its members' bearer headers and its items (made once)."""
    from api.models import ReaderToken
    from content_types.factories import publish_news
    from content_types.models import Audience, NewsArticle
    from editorial.factories import MemberFactory, make_unit
    from editorial.models import Unit, UnitLevel
    from editorial.provisioning import provision_board

    unit = Unit.objects.filter(code=UNIT_CODE).first()
    if unit is None:
        unit = make_unit(UNIT_CODE, level=UnitLevel.PROVINCE, short_name="RB")
        unit.refresh_from_db()
        provision_board(unit)
        unit.refresh_from_db()
    pages = list(
        NewsArticle.objects.filter(title__startswith="Bench read ").values_list("pk", flat=True)
    )
    for number in range(len(pages), items):
        pages.append(publish_news(unit, f"Bench read {number}", Audience.MEMBERS).pk)
    headers = []
    for number in range(members):
        username = f"reading-bench-{number}"
        member = MemberFactory._meta.model.objects.filter(user__username=username).first()
        user = member.user if member else MemberFactory(branch=unit, user__username=username).user
        _token, raw = ReaderToken.objects.issue(user)
        headers.append({"HTTP_AUTHORIZATION": f"Bearer {raw}"})
    return headers, pages[:items]


def run(client, sequence):
    times = []
    for headers, page_id in sequence:
        started = time.perf_counter()
        response = client.get(f"/api/v2/pages/{page_id}/", **headers)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content[:200]
    return times


def summary(times):
    ordered = sorted(times)
    return (
        f"mean {statistics.fmean(times) * 1000:.2f} ms, "
        f"p50 {ordered[len(ordered) // 2] * 1000:.2f} ms, "
        f"p95 {ordered[int(len(ordered) * 0.95)] * 1000:.2f} ms"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--items", type=int, default=100)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from readership import recording
    from readership.models import ItemRead

    create_database_if_missing(connection)
    call_command("migrate", verbosity=0)
    headers, pages = build(args.members, args.items)
    sequence = [
        (headers[n % len(headers)], pages[(n // len(headers)) % len(pages)])
        for n in range(args.reads)
    ]
    client = Client(HTTP_HOST="localhost")
    ItemRead.objects.filter(page_id__in=pages).delete()
    run(client, [(headers[0], page_id) for page_id in pages])  # warm every item's body

    # Blocks of 100 reads, recording off and on in turn (and in alternating
    # order), so that a change in the machine's load touches both alike.
    recording.BUFFER.clear()
    off, on = [], []
    for start in range(0, len(sequence), 100):
        block = sequence[start : start + 100]
        for recording_on in (False, True) if start % 200 == 0 else (True, False):
            settings.READERSHIP_RECORDING = recording_on
            (on if recording_on else off).extend(run(client, block))
    written = recording.flush()
    rows = ItemRead.objects.filter(page_id__in=pages).count()

    print(f"{args.reads} detail reads, {args.members} members x {args.items} items")
    print(f"recording off: {summary(off)}")
    print(
        f"recording on:  {summary(on)}  (buffer written every "
        f"{settings.READERSHIP_FLUSH_SIZE} entries, inside a read)"
    )
    print(
        f"difference of the means: {(statistics.fmean(on) - statistics.fmean(off)) * 1000:+.2f} ms"
    )
    print(f"rows written: {rows} ({written} at the final flush)")


if __name__ == "__main__":
    main()
