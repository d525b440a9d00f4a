"""Wagtail's and wagtail-localize's admin are in Vietnamese.

Our translations live in ``locale_overrides/`` (in LOCALE_PATHS, so they take
precedence over the apps' own catalogues); see docs/glossary-vi.md for the
terminology and scripts/translation_coverage.py for the figures.
"""

import gettext
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from cms.translation_coverage import OVERRIDES_LOCALE, measure, package_dir, summary
from editorial.factories import UserFactory
from tests.cms.test_translations import header_fields, parse_po, placeholders

MINIMUM = 95.0
OVERRIDE_DIR = OVERRIDES_LOCALE / "vi" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


@pytest.fixture(scope="module")
def coverage():
    return {r.label: r for r in measure()}


@pytest.fixture(scope="module", params=DOMAINS)
def override_entries(request):
    return request.param, parse_po(OVERRIDE_DIR / f"{request.param}.po")


def test_overrides_are_on_the_locale_path():
    paths = [Path(p).resolve() for p in settings.LOCALE_PATHS]
    assert OVERRIDES_LOCALE.resolve() in paths
    # The project's own catalogue still comes first.
    assert paths.index(Path(settings.BASE_DIR, "locale").resolve()) < paths.index(
        OVERRIDES_LOCALE.resolve()
    )


@pytest.mark.parametrize(
    "label",
    ["wagtail.admin", "wagtail.admin (js)", "wagtail_localize", "wagtail_localize (js)"],
)
def test_admin_catalogue_coverage(coverage, label):
    result = coverage[label]
    assert result.total > 0
    missing = [e.msgid for e in result.missing][:20]
    assert result.percent >= MINIMUM, f"{label}: {result.percent:.1f}% < {MINIMUM}%: {missing}"


def test_overall_admin_coverage(coverage):
    _done, _total, percent = summary(coverage.values(), target_only=True)
    assert percent >= MINIMUM


def test_override_headers(override_entries):
    _domain, entries = override_entries
    header, fields = header_fields(entries)
    assert "fuzzy" not in header.flags
    assert fields["Language"] == "vi"
    assert "charset=UTF-8" in fields["Content-Type"]
    assert fields["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"


def test_override_entries_are_complete(override_entries):
    _domain, entries = override_entries
    bad = [
        e.msgid
        for e in entries
        if not e.is_header
        and ("fuzzy" in e.flags or sorted(e.msgstr) != [0] or not e.msgstr[0].strip())
    ]
    assert not bad, f"untranslated, fuzzy or not one plural form: {bad[:20]}"


def test_override_entries_keep_placeholders_and_tags(override_entries):
    _domain, entries = override_entries
    mismatched = []
    for entry in entries:
        if entry.is_header:
            continue
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        wanted = [placeholders(s) for s in sources]
        wanted_tags = [sorted(HTML_TAG.findall(s)) for s in sources]
        for translated in entry.msgstr.values():
            if placeholders(translated) not in wanted:
                mismatched.append(f"placeholders: {entry.msgid!r} -> {translated!r}")
            if sorted(HTML_TAG.findall(translated)) not in wanted_tags:
                mismatched.append(f"HTML tags: {entry.msgid!r} -> {translated!r}")
            edges = (
                re.match(r"\s*", entry.msgid).group(0),
                re.search(r"\s*$", entry.msgid).group(0),
            )
            if (
                re.match(r"\s*", translated).group(0),
                re.search(r"\s*$", translated).group(0),
            ) != edges:
                mismatched.append(f"whitespace: {entry.msgid!r} -> {translated!r}")
    assert not mismatched, "\n".join(mismatched[:30])


def test_override_mo_files_match_the_po(override_entries):
    domain, entries = override_entries
    with (OVERRIDE_DIR / f"{domain}.mo").open("rb") as fp:
        catalogue = gettext.GNUTranslations(fp)
    stale = []
    for entry in entries:
        if entry.is_header:
            continue
        if entry.msgid_plural is not None:
            got = (
                catalogue.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 2)
                if entry.msgctxt is not None
                else catalogue.ngettext(entry.msgid, entry.msgid_plural, 2)
            )
        elif entry.msgctxt is not None:
            got = catalogue.pgettext(entry.msgctxt, entry.msgid)
        else:
            got = catalogue.gettext(entry.msgid)
        if got != entry.msgstr[0]:
            stale.append(entry.msgid)
    assert not stale, (
        f"{domain}.mo is stale; run scripts/translation_work.py compile: {stale[:10]}"
    )


def test_document_is_tai_lieu_not_van_ban(override_entries):
    """The word "văn bản" is the project's official party-document page type."""
    _domain, entries = override_entries
    clashing = [e.msgid for e in entries if "văn bản" in e.msgstr.get(0, "").lower()]
    assert not clashing


def _wagtail_vi(domain="django"):
    path = package_dir("wagtail.admin") / "locale" / "vi" / "LC_MESSAGES" / f"{domain}.mo"
    with path.open("rb") as fp:
        return gettext.GNUTranslations(fp)


def _ours(msgid, domain="django"):
    return {e.msgid: e.msgstr[0] for e in parse_po(OVERRIDE_DIR / f"{domain}.po")}[msgid]


# Dashboard/menu strings that Wagtail's own vi catalogue leaves in English.
ADMIN_PAGE_STRINGS = ["Skip to main content", "Site summary"]


@pytest.mark.parametrize("msgid", ADMIN_PAGE_STRINGS)
def test_wagtail_vi_lacks_these_strings(msgid):
    assert _wagtail_vi().gettext(msgid) == msgid


def test_dashboard_is_served_in_our_vietnamese(db, client):
    user = UserFactory(is_superuser=True)
    client.force_login(user)
    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    html = response.content.decode()
    for msgid in ADMIN_PAGE_STRINGS:
        assert _ours(msgid) in html, msgid
        assert msgid not in html, msgid
    # Our term, not Wagtail's older "Trang tổng quan".
    assert "Bảng điều khiển" in html


def test_admin_javascript_catalogue_uses_our_translations(db, client):
    msgid = "Toggle sidebar"
    assert _wagtail_vi("djangojs").gettext(msgid) == msgid
    user = UserFactory(is_superuser=True)
    client.force_login(user)
    response = client.get("/admin/jsi18n/")
    assert response.status_code == 200
    body = response.content.decode()
    ours = _ours(msgid, "djangojs")
    assert json.dumps(ours) in body or ours in body
