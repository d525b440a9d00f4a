"""The archives the search benchmark (``search_bench.py``) searches, and the
queries it asks of them.

``SeededArchive`` is the benchmark's own: a small unit tree and generated
items (``Vocabulary``: Vietnamese-like syllables drawn by Zipf's law),
imported up to the size each phase asks for. ``ExistingArchive`` is one
seeded beforehand, such as the city (``--existing``): nothing is imported and
the queries are drawn from its records (``search_sample``). Both give the
same shapes of query (``query_mix``) and of autocomplete (``suggest_mix``).
"""

import io
import itertools
import random
import tempfile
import time
import unicodedata
from pathlib import Path

from tests.benchmarks.import_content import WORDS, ItemMaker, import_file, write_jsonl

FOLD = str.maketrans(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ",
    "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd",
)


ONSETS = "- b c ch d đ g gi h k kh l m n ng nh p ph qu r s t th tr v x"
RHYMES = (
    "a ai am an ang anh ao au ay ăm ăn ăng âm ân âng âu ây e em en eo ê êm ên ênh êu i im in "
    "inh iu o oa oai oan oang oanh oi om on ong ô ôi ôm ôn ông ơ ơi ơm ơn u ui um un ung uy "
    "uyên ư ưa ưng ươi ương ươn iêm iên iêng iêu uôi uôn uông"
)
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]


def _syllable(onset, rhyme, tone):
    # The tone mark goes on the rhyme's last vowel before a final consonant, near enough.
    vowels = [i for i, char in enumerate(rhyme) if char in "aăâeêioôơuưy"]
    at = vowels[-1] if len(vowels) == 1 or rhyme[-1] not in "aăâeêioôơuưy" else vowels[-2]
    return unicodedata.normalize("NFC", onset + rhyme[: at + 1] + tone + rhyme[at + 1 :])


class Vocabulary:
    """Vietnamese-like text: 6,000 syllables drawn by Zipf's law, with the
    party's own words among the most frequent, so that a common word is in
    most items and a rarer one in a few percent of them, as in a real archive
    (the import benchmark's 60 words put every word in every item)."""

    size = 6000

    def __init__(self, rng):
        made = {
            _syllable(onset.strip("-"), rhyme, tone)
            for onset in ONSETS.split()
            for rhyme in RHYMES.split()
            for tone in TONES
        }
        made -= set(WORDS)
        synthetic = sorted(made)
        rng.shuffle(synthetic)
        ranked = synthetic[: self.size - len(WORDS)]
        # The domain words take ranks 5, 10, 15, ... 300.
        for n, word in enumerate(WORDS):
            ranked.insert(5 * (n + 1), word)
        self.ranked = ranked
        self.cumulative = list(
            itertools.accumulate(1 / rank for rank in range(1, len(ranked) + 1))
        )
        self.rng = rng

    def words(self, count):
        return " ".join(self.rng.choices(self.ranked, cum_weights=self.cumulative, k=count))

    def query_words(self, count):
        """What a member types: topical words (ranks 20 to 2,000), not the commonest."""
        return " ".join(self.rng.choice(self.ranked[20:2000]) for _ in range(count))


class ArchiveItemMaker(ItemMaker):
    def __init__(self, *args, vocabulary, **kwargs):
        super().__init__(*args, **kwargs)
        self.vocabulary = vocabulary

    def words(self, count):
        return self.vocabulary.words(count)


def query_mix(
    numbers,
    titles,
    units,
    vocabulary,
    rng,
    size=200,
    years=(2021, 2022, 2023, 2024),
    document_types=("NQ", "KH", "BC"),
):
    """200 realistic requests as (params, with_token)."""
    mix = []
    for n in range(size):
        shape = n % 10
        words = vocabulary.query_words(rng.choice([1, 2, 2, 3]))
        if shape in (0, 1, 2):
            params = {"q": words}
        elif shape in (3, 4):
            params = {"q": words.translate(FOLD)}
        elif shape == 5:
            # Two words a member remembers from a title, in quotes.
            title = rng.choice(titles).split(" (")[0].split()
            start = rng.randrange(len(title) - 1)
            params = {"q": f'"{" ".join(title[start : start + 2]).lower()}"'}
        elif shape == 6:
            number = rng.choice(numbers)
            value, rest = number.split("-", 1)
            kind, issuer = rest.split("/", 1)
            params = {
                "q": rng.choice(
                    [
                        number,
                        f"{value}/{kind}",
                        f"{value} {kind.lower()} {issuer.lower()}",
                        f"{kind}/{issuer} {value}",
                    ]
                )
            }
        elif shape == 7:
            params = {"q": rng.choice(numbers).split("-")[0]}
        elif shape == 8:
            params = {
                "q": words,
                "kind": "document",
                "document_type": rng.choice(document_types),
            }
        else:
            params = {
                "q": words.translate(FOLD),
                "unit": rng.choice(units),
                "include_subunits": "true",
                "year": rng.choice(years),
            }
        mix.append((params, n % 4 == 0))
    return mix


SUGGEST = "/api/search/suggest/"


def suggest_mix(titles, rng, size=200):
    """What a member has typed when autocomplete answers: the first words of a
    title and part of the next, with or without diacritics."""
    mix = []
    for n in range(size):
        words = titles[n % len(titles)].split(" (")[0].lower().split()
        whole = rng.randrange(0, 3)
        typed = " ".join([*words[:whole], words[whole][: rng.randrange(1, 4)]])
        mix.append(({"q": typed.translate(FOLD) if n % 2 else typed}, n % 4 == 0))
    return mix


class SeededArchive:
    """The benchmark's own archive: a small unit tree and generated items,
    imported up to the number each phase asks for."""

    def __init__(self, rng):
        from django.core.management import call_command
        from django.db.models import Max

        from api.models import ReaderToken
        from content_types.models import PartyDocument
        from editorial.models import Member, Unit

        call_command("migrate", verbosity=0)
        call_command("seed_demo", size="small", no_progress=True, stdout=io.StringIO())
        self.units = list(Unit.objects.filter(home_page__isnull=False).order_by("path"))
        member = Member.objects.active().select_related("user").first()
        self.user = member.user
        _token, self.token = ReaderToken.objects.issue(member.user, name="search benchmark")
        self.folder = Path(tempfile.mkdtemp(prefix="search-bench-"))
        highest = PartyDocument.objects.aggregate(highest=Max("number_value"))["highest"] or 0
        self.rng = rng
        self.vocabulary = Vocabulary(random.Random(11))
        self.maker = ArchiveItemMaker(
            self.units,
            self.folder,
            run=int(time.time()),
            first_number=highest + 1,
            vocabulary=self.vocabulary,
        )

    @staticmethod
    def size():
        from content_types.models import NewsArticle, PartyDocument

        return sum(
            model.objects.filter(live=True, alias_of__isnull=True).count()
            for model in (NewsArticle, PartyDocument)
        )

    def import_up_to(self, total):
        # A re-run on the same database imports only what is missing.
        start = self.size()
        if start >= total:
            print(f"{start} items already imported", flush=True)
            return
        path = self.folder / f"items-{start}.jsonl"
        write_jsonl(path, (self.maker.make(n) for n in range(start, total)))
        seconds, _queries = import_file(path, f"import_content --publish, {total - start} items")
        print(f"imported {total - start} items in {seconds:.0f} s", flush=True)

    def mixes(self):
        """(measured mix, warm-up mix, autocomplete mix)."""
        from wagtail.models import Page

        from content_types.models import NewsArticle, PartyDocument

        def sample(queryset, field, count=100):
            values = list(queryset.order_by("pk").values_list(field, flat=True))
            return self.rng.sample(values, min(count, len(values)))

        numbers = sample(PartyDocument.objects.filter(live=True), "number")
        titles = sample(Page.objects.type(NewsArticle, PartyDocument).live(), "title")
        units = [u.pk for u in self.units]
        # Other queries of the same shapes, run before timing: a fresh node compiles
        # its hot paths and loads its caches in its first minute of traffic.
        return (
            query_mix(numbers, titles, units, self.vocabulary, self.rng),
            query_mix(numbers, titles, units, self.vocabulary, random.Random(99)),
            suggest_mix(titles, self.rng),
        )


class ExistingArchive:
    """An archive seeded beforehand (``--existing``): nothing is imported, the
    records are there, and the queries come from them (``search_sample``)."""

    def __init__(self, rng):
        from tests.benchmarks.search_sample import sample_archive

        self.rng = rng
        self.sample = sample_archive(rng)
        self.user = self.sample.member_user
        self.token = self.sample.token
        print(
            f"existing archive: {self.sample.record_count} search records; queries from "
            f"{len(self.sample.titles)} of them, {len(self.sample.numbers)} document numbers, "
            f"years {self.sample.years}, document types {self.sample.document_types}",
            flush=True,
        )

    def import_up_to(self, total):
        pass

    def mixes(self):
        sample = self.sample
        shared = {"years": sample.years, "document_types": sample.document_types}
        material = (sample.numbers, sample.titles, sample.units, sample.vocabulary)
        return (
            query_mix(*material, self.rng, **shared),
            query_mix(*material, random.Random(99), **shared),
            suggest_mix(sample.titles, self.rng),
        )
