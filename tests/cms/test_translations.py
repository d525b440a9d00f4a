"""The Vietnamese catalogue is complete, keeps every placeholder, and is the
one Django actually loads.

The .po files are parsed here with the standard library only, so the checks
run on a machine without gettext tools installed.
"""

import ast
import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from editorial.models import BoardRole, MemberStatus, UnitLevel

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
VI_PO = LOCALE_DIR / "vi" / "LC_MESSAGES" / "django.po"
VI_MO = LOCALE_DIR / "vi" / "LC_MESSAGES" / "django.mo"
EN_PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"

# printf-style conversions, named or not (%(name)s, %(byte)02X, %d, %%), and
# str.format fields ({name}, {0}, {}).
PRINTF = re.compile(r"%(?:\((\w+)\))?[#0\- +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
BRACES = re.compile(r"(?<!\{)\{(\w*)(?:![rsa])?(?::[^{}]*)?\}(?!\})")


@dataclass
class Entry:
    line: int
    flags: set = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict = field(default_factory=dict)  # index (0 for singular) -> text

    @property
    def is_header(self):
        return self.msgid == "" and self.msgctxt is None


def _unquote(text, path, lineno):
    text = text.strip()
    if not (len(text) >= 2 and text[0] == '"' and text[-1] == '"'):
        raise ValueError(f"{path}:{lineno}: expected a quoted string, got {text!r}")
    # PO escapes are a subset of Python's; ast keeps the non-ASCII text intact.
    return ast.literal_eval(text)


def parse_po(path):
    """A small PO reader: flags, msgctxt, msgid, msgid_plural, msgstr[n].
    Obsolete (#~) entries are skipped."""
    entries = []
    entry = None
    current = None  # (attribute, index) that continuation lines extend
    keyword = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")\s*$")

    def finish():
        if entry is not None and (entry.msgstr or entry.msgid):
            entries.append(entry)

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            current = None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and (entry.msgstr or current is not None):
                finish()
                entry = None
                current = None
            if entry is None:
                entry = Entry(line=lineno)
            if line.startswith("#,"):
                entry.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        match = keyword.match(line)
        if match:
            name, index, value = match.groups()
            value = _unquote(value, path, lineno)
            starts_new = name in ("msgctxt", "msgid") and (
                entry is None or entry.msgstr or (name == "msgctxt" and current is not None)
            )
            if starts_new:
                finish()
                entry = Entry(line=lineno)
            if name == "msgstr":
                key = int(index) if index is not None else 0
                entry.msgstr[key] = value
                current = ("msgstr", key)
            else:
                setattr(entry, name, value)
                current = (name, None)
            continue
        if line.startswith('"') and entry is not None and current is not None:
            name, key = current
            value = _unquote(line, path, lineno)
            if name == "msgstr":
                entry.msgstr[key] += value
            else:
                setattr(entry, name, getattr(entry, name) + value)
            continue
        raise ValueError(f"{path}:{lineno}: cannot parse {raw!r}")
    finish()
    return entries


def header_fields(entries):
    header = next(e for e in entries if e.is_header)
    fields = {}
    for line in header.msgstr[0].splitlines():
        name, _, value = line.partition(":")
        fields[name.strip()] = value.strip()
    return header, fields


def placeholders(text):
    printf = Counter(m.group(0) for m in PRINTF.finditer(text) if m.group(0) != "%%")
    braces = Counter(m.group(0) for m in BRACES.finditer(text))
    return printf + braces


def _label(entry):
    return f"line {entry.line}: {entry.msgid!r}"


@pytest.fixture(scope="module")
def vi_entries():
    return parse_po(VI_PO)


@pytest.fixture(scope="module")
def vi_messages(vi_entries):
    return [e for e in vi_entries if not e.is_header]


def test_vi_header(vi_entries):
    header, fields = header_fields(vi_entries)
    assert "fuzzy" not in header.flags
    assert fields["Language"] == "vi"
    assert "charset=UTF-8" in fields["Content-Type"]
    assert fields["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"


def test_vi_catalogue_is_not_empty(vi_messages):
    assert len(vi_messages) > 100


def test_every_vi_message_is_translated(vi_messages):
    untranslated = []
    for entry in vi_messages:
        expected_forms = [0]  # nplurals=1
        if sorted(entry.msgstr) != expected_forms or not all(
            entry.msgstr[i].strip() for i in expected_forms
        ):
            untranslated.append(_label(entry))
    assert not untranslated, "untranslated or wrong plural forms:\n" + "\n".join(untranslated)


def test_no_vi_message_is_fuzzy(vi_messages):
    fuzzy = [_label(e) for e in vi_messages if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy entries:\n" + "\n".join(fuzzy)


def test_vi_placeholders_match(vi_messages):
    mismatched = []
    for entry in vi_messages:
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        # Plural forms may drop a placeholder only if some source form also does.
        wanted = [placeholders(s) for s in sources]
        for translated in entry.msgstr.values():
            if placeholders(translated) not in wanted:
                mismatched.append(
                    f"{_label(entry)}: {dict(wanted[0])} != {dict(placeholders(translated))}"
                )
    assert not mismatched, "placeholder mismatch:\n" + "\n".join(mismatched)


def test_vi_keeps_surrounding_whitespace(vi_messages):
    def edges(text):
        return re.match(r"\s*", text).group(0), re.search(r"\s*$", text).group(0)

    wrong = [
        _label(e)
        for e in vi_messages
        for translated in e.msgstr.values()
        if edges(translated) != edges(e.msgid)
    ]
    assert not wrong, "leading/trailing whitespace differs:\n" + "\n".join(wrong)


def test_vi_mo_is_compiled_from_the_po(vi_messages):
    """A stale .mo would serve old or missing strings; compare it to the .po."""
    assert VI_MO.exists(), "run: python manage.py compilemessages"
    with VI_MO.open("rb") as fp:
        catalogue = gettext.GNUTranslations(fp)
    stale = []
    for entry in vi_messages:
        wanted = entry.msgstr[0]
        if entry.msgid_plural is not None:
            got = (
                catalogue.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
                if entry.msgctxt is not None
                else catalogue.ngettext(entry.msgid, entry.msgid_plural, 1)
            )
        elif entry.msgctxt is not None:
            got = catalogue.pgettext(entry.msgctxt, entry.msgid)
        else:
            got = catalogue.gettext(entry.msgid)
        if got != wanted:
            stale.append(_label(entry))
    assert not stale, "django.mo is out of date; run compilemessages:\n" + "\n".join(stale)


def test_en_header_is_valid():
    entries = parse_po(EN_PO)
    header, fields = header_fields(entries)
    assert "fuzzy" not in header.flags
    assert fields["Language"] == "en"
    assert "charset=UTF-8" in fields["Content-Type"]
    assert fields["Plural-Forms"]


def test_django_serves_the_vietnamese_catalogue(vi_messages):
    msgstr = {e.msgid: e.msgstr[0] for e in vi_messages if e.msgctxt is None}
    with translation.override("vi"):
        expelled = str(MemberStatus.EXPELLED.label)
        branch = str(UnitLevel.BRANCH.label)
        editor = str(BoardRole.EDITOR.label)
    assert expelled != "Expelled"
    assert expelled == msgstr["Expelled"]
    assert branch == msgstr["Branch"]
    assert editor == msgstr["Editor"]


def test_django_serves_vietnamese_plurals(vi_messages):
    singular = "%(file)s was rejected: %(count)d error; nothing was written."
    plural = "%(file)s was rejected: %(count)d errors; nothing was written."
    with translation.override("vi"):
        for count in (1, 2, 5):
            text = translation.ngettext(singular, plural, count)
            text %= {"file": "a.csv", "count": count}
            assert "a.csv" in text
            assert str(count) in text
            assert "rejected" not in text


def test_english_falls_back_to_the_source_text():
    with translation.override("en"):
        assert str(MemberStatus.EXPELLED.label) == "Expelled"
