"""Print how much of Wagtail's and wagtail-localize's admin is in Vietnamese.

    uv run python scripts/translation_coverage.py [--min 95] [--missing LABEL]

Exits non-zero when the Wagtail admin catalogue or wagtail-localize (the
catalogues marked * in the table) is below --min percent.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cms.translation_coverage import measure, summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min", type=float, default=95.0, help="minimum percent (default 95)")
    parser.add_argument("--missing", metavar="LABEL", help="list the untranslated msgids of LABEL")
    args = parser.parse_args(argv)

    results = measure()
    print(f"{'catalogue':<28} {'msgids':>6} {'vi':>6} {'ours':>6} {'cover':>7}")
    for r in results:
        star = "*" if r.counts_for_target else " "
        print(
            f"{star}{r.label:<27} {r.total:>6} {r.translated:>6} "
            f"{r.from_overrides:>6} {r.percent:>6.1f}%"
        )
    done, total, percent = summary(results, target_only=True)
    print(f"\nadmin (* catalogues): {done}/{total} = {percent:.1f}%")
    done, total, percent = summary(results, target_only=False)
    print(f"all catalogues:       {done}/{total} = {percent:.1f}%")
    print("(vi = translated in the effective chain; ours = served from locale_overrides/)")

    if args.missing:
        for r in results:
            if r.label == args.missing:
                for entry in r.missing:
                    print(repr(entry.msgid))

    failing = [r for r in results if r.counts_for_target and r.percent < args.min]
    for r in failing:
        print(f"FAIL: {r.label} is at {r.percent:.1f}%, below {args.min:g}%", file=sys.stderr)
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
