"""Time `seed_demo --size province` on the database DATABASE_URL names.

A script, not a test (pytest ignores tests/benchmarks/). It migrates, seeds the
province (~5,750 units, 617 boards, ~103,000 members), seeds it again (the
idempotent re-run) and prints the timings; it exits with status 1 when the
first run takes longer than --budget seconds. Start from an empty database,
or the first run measures a completion instead.

    # a throwaway PostgreSQL
    uv run bash scripts/test-services.sh uv run python tests/benchmarks/seed_province.py
    # SQLite
    rm -f /tmp/seedbench.sqlite3
    DATABASE_URL=sqlite:////tmp/seedbench.sqlite3 uv run python tests/benchmarks/seed_province.py
"""

import argparse
import os
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

from tests.benchmarks.common import create_database_if_missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=float, default=600, help="seconds (default: 600)")
    parser.add_argument("--progress", action="store_true", help="show the progress bars")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from editorial.models import Unit

    database = connection.settings_dict
    create_database_if_missing(connection)
    print(f"database: {connection.vendor} {database['NAME']}", flush=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - started:.1f}s", flush=True)
    if Unit.objects.exists():
        print("warning: the database already holds units; the first run completes them")

    timings = {}
    for label in ("first run", "re-run"):
        out = StringIO()
        options = {} if args.progress else {"no_progress": True}
        started = time.perf_counter()
        call_command("seed_demo", size="province", stdout=out, **options)
        timings[label] = time.perf_counter() - started
        print(f"\n== seed_demo --size province, {label}: {timings[label]:.1f}s")
        # The phase table; the logins are the same as --size small prints.
        print(out.getvalue().split("\nSign in at", 1)[0].rstrip(), flush=True)

    print()
    for label, seconds in timings.items():
        print(f"{label}: {seconds:.1f}s")
    if timings["first run"] > args.budget:
        print(f"over budget: {timings['first run']:.0f}s > {args.budget:.0f}s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
