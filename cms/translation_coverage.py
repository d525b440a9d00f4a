"""How much of the Wagtail / wagtail-localize admin an editor sees in Vietnamese.

For every source catalogue (the English ``.po`` each app ships) we count the
messages and how many have a non-empty, non-fuzzy Vietnamese translation in the
chain Django actually uses: the project's own catalogue (``locale/``), then our
third-party overrides (``locale_overrides/``), then the app's own ``vi``
catalogue. ``scripts/translation_coverage.py`` prints the table; the tests
assert the minimum.
"""

from dataclasses import dataclass
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_LOCALE = BASE_DIR / "locale"
OVERRIDES_LOCALE = BASE_DIR / "locale_overrides"
LANGUAGE = "vi"

# (label, python package, domain, counts towards the 95% target)
SOURCES = [
    ("wagtail.admin", "wagtail.admin", "django", True),
    ("wagtail.admin (js)", "wagtail.admin", "djangojs", True),
    ("wagtail_localize", "wagtail_localize", "django", True),
    ("wagtail_localize (js)", "wagtail_localize", "djangojs", True),
    ("wagtail (core)", "wagtail", "django", False),
    ("wagtail.snippets", "wagtail.snippets", "django", False),
    ("wagtail.documents", "wagtail.documents", "django", False),
    ("wagtail.images", "wagtail.images", "django", False),
    ("wagtail.users", "wagtail.users", "django", False),
    ("wagtail.contrib.settings", "wagtail.contrib.settings", "django", False),
    ("wagtail.contrib.redirects", "wagtail.contrib.redirects", "django", False),
    ("wagtail.search", "wagtail.search", "django", False),
    ("wagtail.embeds", "wagtail.embeds", "django", False),
    ("wagtail.sites", "wagtail.sites", "django", False),
]


def package_dir(package):
    module = __import__(package, fromlist=["__name__"])
    return Path(module.__file__).resolve().parent


def catalogue_path(locale_dir, language, domain):
    return Path(locale_dir) / language / "LC_MESSAGES" / f"{domain}.po"


def source_path(package, domain):
    return catalogue_path(package_dir(package) / "locale", "en", domain)


def key(entry):
    return (entry.msgctxt, entry.msgid)


def is_translated(entry):
    if entry.obsolete or "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(v.strip() for v in entry.msgstr_plural.values())
    return bool(entry.msgstr.strip())


def translations(path):
    """{(msgctxt, msgid): entry} for the translated entries of a .po file."""
    path = Path(path)
    if not path.exists():
        return {}
    return {key(e): e for e in polib.pofile(str(path)) if e.msgid and is_translated(e)}


def chain(package, domain):
    """The catalogues Django consults for this package, best first."""
    return [
        catalogue_path(PROJECT_LOCALE, LANGUAGE, domain),
        catalogue_path(OVERRIDES_LOCALE, LANGUAGE, domain),
        catalogue_path(package_dir(package) / "locale", LANGUAGE, domain),
    ]


@dataclass
class Coverage:
    label: str
    package: str
    domain: str
    counts_for_target: bool
    total: int
    translated: int
    from_overrides: int
    missing: list

    @property
    def percent(self):
        return 100.0 * self.translated / self.total if self.total else 100.0


def source_entries(package, domain):
    path = source_path(package, domain)
    if not path.exists():
        return None
    return [e for e in polib.pofile(str(path)) if e.msgid and not e.obsolete]


def measure(sources=SOURCES):
    results = []
    for label, package, domain, target in sources:
        entries = source_entries(package, domain)
        if entries is None:
            continue
        project, overrides, app = (translations(p) for p in chain(package, domain))
        translated = from_overrides = 0
        missing = []
        for entry in entries:
            k = key(entry)
            if k in project or k in overrides:
                translated += 1
                from_overrides += k in overrides and k not in project
            elif k in app:
                translated += 1
            else:
                missing.append(entry)
        results.append(
            Coverage(
                label, package, domain, target, len(entries), translated, from_overrides, missing
            )
        )
    return results


def summary(results, target_only=True):
    chosen = [r for r in results if r.counts_for_target or not target_only]
    total = sum(r.total for r in chosen)
    done = sum(r.translated for r in chosen)
    return done, total, (100.0 * done / total if total else 100.0)
