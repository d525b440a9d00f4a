"""What the search benchmark asks of an archive it did not write itself
(``search_bench.py --existing``, e.g. the city of ``seed_demo --size city``).

The queries are drawn from the database, so that they find things as a
member's queries would: words a member remembers from an item (a few words
running on from a place in its title or text), two words of a title in
quotes, document numbers from ``PartyDocument``, the units and years items
are filed under (drawn from items, so a busy unit is drawn more often), the
document types in use, and the Bearer token of an active member who has an
account. Nothing is written but that token.
"""

import random
import re
from collections import Counter
from dataclasses import dataclass

from api.models import ReaderToken
from content_types.models import PartyDocument
from editorial.models import Member
from search.models import SearchRecord

#: Words as a member types them: letters and digits, lower case.
WORD = re.compile(r"[^\W_]+")
#: A number the mix can type four ways: ``12-NQ/ĐUK``.
NUMBER = re.compile(r"^\d+-[^/\s]+/\S+$")


class RecordWords:
    """Query words taken from the records themselves: ``query_words(n)`` gives
    ``n`` words running on from a random place in the title (one time in two)
    or the text of a sampled record. Every word then occurs in some item, and
    a query is as selective as the archive's own words are."""

    def __init__(self, records, rng):
        self.titles = [WORD.findall(title.lower()) for title, _text in records]
        self.texts = [WORD.findall(text.lower()) for _title, text in records]
        self.rng = rng

    def query_words(self, count):
        n = self.rng.randrange(len(self.titles))
        words = self.titles[n] if self.rng.random() < 0.5 else self.texts[n]
        if len(words) <= count:
            return " ".join(words)
        start = self.rng.randrange(len(words) - count + 1)
        return " ".join(words[start : start + count])


@dataclass
class ArchiveSample:
    numbers: list
    titles: list
    units: list
    years: list
    document_types: list
    vocabulary: RecordWords
    record_count: int
    member_user: object
    token: str


def _sample_ids(queryset, rng, count):
    # In id order: the same seed draws the same rows after a rebuild rewrote them.
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    return rng.sample(ids, min(count, len(ids)))


def issue_member_token(rng):
    """``(user, Bearer token)`` of an active member who has an account (the
    city seeds a few)."""
    members = Member.objects.active().filter(user__isnull=False)
    member = members.select_related("user").get(pk=rng.choice(_sample_ids(members, rng, 50)))
    _token, raw = ReaderToken.objects.issue(member.user, name="search benchmark")
    return member.user, raw


def sample_archive(rng, size=400):
    """Draw the benchmark's material from ``size`` random search records and
    100 random documents of the database."""
    record_ids = _sample_ids(SearchRecord.objects.filter(kind__in=["news", "document"]), rng, size)
    rows = list(
        SearchRecord.objects.filter(pk__in=record_ids)
        .order_by("pk")
        .values_list("title", "text", "unit_id", "date")
    )
    document_ids = _sample_ids(PartyDocument.objects.filter(live=True), rng, 100)
    numbers = [
        number
        for number in PartyDocument.objects.filter(pk__in=document_ids)
        .order_by("pk")
        .values_list("number", flat=True)
        if NUMBER.match(number)
    ]
    types = Counter(
        PartyDocument.objects.filter(pk__in=document_ids).values_list("document_type", flat=True)
    )
    member_user, token = issue_member_token(rng)
    return ArchiveSample(
        numbers=numbers,
        titles=[title for title, *_rest in rows],
        units=[unit for _title, _text, unit, _date in rows if unit],
        years=sorted({day.year for *_rest, day in rows if day}),
        document_types=[name for name, _count in types.most_common(3)],
        vocabulary=RecordWords([(title, text) for title, text, *_rest in rows], random.Random(11)),
        record_count=SearchRecord.objects.count(),
        member_user=member_user,
        token=token,
    )
