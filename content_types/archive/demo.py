"""A demo archive of generated news and documents, written as an import writes it.

``seed_demo_archive`` (the city size of ``seed_demo``) spreads N news items
and M documents over the units with a home page: more of them at the top
(the province, then each district), over three years before a fixed day,
with every audience, category, document type and status. Everything is drawn
from generators seeded with the item's chunk, so a re-run plans the same
lines; each chunk is checked and written by the archive importer's own
classes in one transaction, and a chunk whose last item is in the database
is skipped, so a re-run creates only what is missing.
"""

import datetime
import json
import random
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from wagtail.models import Page

from editorial.models import UnitLevel

from ..models import Audience, DocumentStatus, NewsArticle, NewsCategory, PartyDocument
from ..signals import pages_bulk_written
from ..symbols import DocumentType
from .context import provide_listings
from .importer import ArchiveImporter, deferred_indexing
from .writing import ArchiveWriter

#: Items per chunk: one file checked and one transaction written. Large,
#: since each chunk reads the existing children of the lists it adds to.
CHUNK = 20000
#: The archive ends the day before this one and spans three years.
LAST_DAY = datetime.date(2025, 12, 31)
SPAN_DAYS = 3 * 365
#: How many times more items a unit of each level gets than a grassroots unit.
LEVEL_WEIGHTS = {
    UnitLevel.PROVINCE: 60,
    UnitLevel.DISTRICT: 16,
    UnitLevel.BLOC: 16,
    UnitLevel.GRASSROOTS: 1,
    UnitLevel.BRANCH: 1,
}
AUDIENCES = [(Audience.PUBLIC, 55), (Audience.MEMBERS, 30), (Audience.UNIT, 15)]
CATEGORIES = [(NewsCategory.PROVINCE, 70), (NewsCategory.COUNTRY, 20), (NewsCategory.WORLD, 10)]
STATUSES = [
    (DocumentStatus.IN_FORCE, 70),
    (DocumentStatus.AMENDED, 10),
    (DocumentStatus.REPLACED, 10),
    (DocumentStatus.EXPIRED, 10),
]
DOCUMENT_TYPES = [
    (DocumentType.RESOLUTION, 20),
    (DocumentType.DECISION, 15),
    (DocumentType.DIRECTIVE, 8),
    (DocumentType.CONCLUSION, 8),
    (DocumentType.RULES, 4),
    (DocumentType.REGULATION, 4),
    (DocumentType.ANNOUNCEMENT, 6),
    (DocumentType.INSTRUCTION, 10),
    (DocumentType.REPORT, 25),
]
TYPE_NAMES = {
    DocumentType.RESOLUTION: "Nghị quyết",
    DocumentType.DECISION: "Quyết định",
    DocumentType.DIRECTIVE: "Chỉ thị",
    DocumentType.CONCLUSION: "Kết luận",
    DocumentType.RULES: "Quy chế",
    DocumentType.REGULATION: "Quy định",
    DocumentType.ANNOUNCEMENT: "Thông tri",
    DocumentType.INSTRUCTION: "Hướng dẫn",
    DocumentType.REPORT: "Báo cáo",
}
SIGNERS = ["Nguyễn Văn An", "Trần Thị Hoa", "Lê Đức Minh", "Hoàng Văn Sơn", "Ma Thị Lan"]
EVENTS = [
    "Hội nghị quán triệt, triển khai",
    "Sơ kết việc thực hiện",
    "Tổng kết công tác",
    "Học tập và làm theo",
    "Kiểm tra, giám sát việc thực hiện",
    "Ra quân thực hiện",
    "Tuyên truyền kỷ niệm",
    "Trao Huy hiệu Đảng và triển khai",
]
TOPICS = [
    "Nghị quyết Đại hội Đảng bộ nhiệm kỳ 2025 - 2030",
    "chuyển đổi số trong công tác xây dựng Đảng",
    "xây dựng nông thôn mới nâng cao",
    "phong trào thi đua yêu nước",
    "công tác phát triển đảng viên",
    "tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "cải cách hành chính và an sinh xã hội",
    "công tác kiểm tra, giám sát của chi bộ",
    "bảo vệ nền tảng tư tưởng của Đảng",
    "chương trình mục tiêu quốc gia giảm nghèo bền vững",
]
WORDS = [
    "đảng", "bộ", "chi", "bộ", "nghị", "quyết", "hội", "nghị", "quán", "triệt", "triển",
    "khai", "thực", "hiện", "kế", "hoạch", "công", "tác", "kiểm", "tra", "giám", "sát",
    "đảng", "viên", "cấp", "ủy", "nhiệm", "kỳ", "chuyển", "đổi", "số", "xây", "dựng", "chỉnh",
    "đốn", "phong", "trào", "thi", "đua", "học", "tập", "tư", "tưởng", "đạo", "đức", "phong",
    "cách", "tỉnh", "huyện", "xã", "phường", "năm", "tháng", "kết", "quả", "đánh", "giá",
    "tổ", "chức", "cơ", "sở", "vững", "mạnh", "an", "sinh", "xã", "hội", "nông", "thôn",
    "mới", "nhân", "dân",
]  # fmt: skip


class DemoArchiveError(Exception):
    """A generated line did not pass the import's checks."""


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    short_name: str
    level: str


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def _words(rng, count):
    return " ".join(rng.choices(WORDS, k=count))


def _day(rng):
    return LAST_DAY - datetime.timedelta(days=rng.randint(1, SPAN_DAYS))


class DemoArchive:
    """The planned lines: ``chunks(kind)`` numbers the chunks of a kind and
    ``lines(kind, chunk)`` gives one chunk's lines (dicts, as in a JSONL file)."""

    def __init__(self, units, *, news, documents):
        self.units = sorted(units, key=lambda unit: unit.code)
        self.weights = [LEVEL_WEIGHTS.get(unit.level, 1) for unit in self.units]
        self.counts = {"news": news, "document": documents}
        self._numbers = None

    def chunks(self, kind):
        return range((self.counts[kind] + CHUNK - 1) // CHUNK)

    def lines(self, kind, chunk):
        first = chunk * CHUNK
        count = min(CHUNK, self.counts[kind] - first)
        if kind == "news":
            return [self._news(first + n) for n in range(count)]
        return [self._document(first + n) for n in range(count)]

    def _unit(self, rng):
        return rng.choices(self.units, self.weights)[0]

    def _news(self, n):
        rng = random.Random(f"news:{n}")
        unit = self._unit(rng)
        day = _day(rng)
        paragraphs = "".join(f"<p>{_words(rng, 40).capitalize()}.</p>" for _ in range(5))
        return {
            "kind": "news",
            "unit": unit.code,
            "title": f"{unit.name}: {rng.choice(EVENTS).lower()} {rng.choice(TOPICS)}",
            "summary": _words(rng, 25).capitalize() + ".",
            "body": paragraphs,
            "category": _pick(rng, CATEGORIES),
            "audience": _pick(rng, AUDIENCES),
            "source_url": f"https://tin.thainguyen.example/{day:%Y/%m}/tin-{n + 1}.html",
            "published_at": f"{day.isoformat()}T{rng.randint(7, 17):02d}:30:00+07:00",
        }

    def _document_heads(self):
        """(unit, type, issue day, number) of every document, numbered in
        order within each type, issuer abbreviation and year, as issuers do."""
        if self._numbers is None:
            counters = Counter()
            self._numbers = []
            for n in range(self.counts["document"]):
                rng = random.Random(f"document:{n}")
                unit = self._unit(rng)
                document_type = _pick(rng, DOCUMENT_TYPES)
                day = _day(rng)
                key = (document_type, unit.short_name, day.year)
                counters[key] += 1
                self._numbers.append((unit, document_type, day, counters[key]))
        return self._numbers

    def _document(self, n):
        unit, document_type, day, number = self._document_heads()[n]
        rng = random.Random(f"document-text:{n}")
        topic = rng.choice(TOPICS)
        label = TYPE_NAMES[document_type]
        return {
            "kind": "document",
            "unit": unit.code,
            "title": f"{label} về {topic} ({unit.name})",
            "number": f"{number}-{document_type}/{unit.short_name}",
            "document_type": document_type,
            "issued_on": day.isoformat(),
            "status": _pick(rng, STATUSES),
            "signer": f"{rng.choice(SIGNERS)}, Bí thư",
            "summary": _words(rng, 25).capitalize() + ".",
            "body": "\n\n".join(_words(rng, 40).capitalize() + "." for _ in range(5)),
            "audience": _pick(rng, AUDIENCES),
        }

    def written(self, kind, chunk):
        """Whether the chunk's last item is in the database. Chunks are written
        whole, in one transaction; a chunk cut short by a smaller count before
        is checked again, and the importer leaves its existing items alone."""
        last = min((chunk + 1) * CHUNK, self.counts[kind]) - 1
        if kind == "news":
            line = self._news(last)
            return NewsArticle.objects.filter(source_url=line["source_url"]).exists()
        line = self._document(last)
        return PartyDocument.objects.filter(
            number=line["number"], issued_on=line["issued_on"]
        ).exists()


def write_jsonl(path, lines):
    with path.open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


def write_chunk(path, lines):
    """Check ``lines`` as an import would and write them, published, in one
    transaction; return the number of pages written.

    The search records are refreshed once the transaction commits (the
    search outbox, as after any bulk write); Wagtail's own search index and
    reference index are left to ``rebuild_search_index`` / ``update_index``."""
    write_jsonl(path, lines)
    importer = ArchiveImporter(path, publish=True)
    errors = importer.validate()
    if errors:
        raise DemoArchiveError("; ".join(str(error) for error in errors[:5]))
    writer = ArchiveWriter(importer.items, publish=True)
    with transaction.atomic(), deferred_indexing():
        provide_listings(writer.created)
        page_ids = writer.write()
        pages_bulk_written.send(sender=Page, page_ids=page_ids)
    return len(page_ids)
