"""Read-aloud benchmark: what making the audio costs, and how soon it plays.

A script, not a test (pytest ignores tests/benchmarks/). On the PostgreSQL
database DATABASE_URL names (created when missing, migrated), with
``cms.settings.benchmark`` and a fresh media folder of its own, it measures:

1. seconds of audio made per CPU second (espeak-ng and ffmpeg, child
   processes, plus this process: normalising, SSML) for three texts of real
   length: a 300-word news article, a 1,500-word study lesson and a 5,000-word
   party document, each made --repeat times;
2. bytes of the encoded Opus per minute of audio, for the same texts;
3. the time from publish to audio available: a real ``manage.py db_worker``
   (TASKS_BACKEND=database, default --interval of 1 s) runs on the same
   database; a 300-word article is published (READALOUD_ON_PUBLISH on) and
   ``/api/v2/pages/<id>/`` is read through Django's test client every 50 ms
   until its ``audio`` is not null; p50 and max over --publishes publishes;
4. the backfill rate of ``manage.py make_audio --missing``: over the demo
   archive (``seed_demo --size small`` + ``seed_demo_content``, published with
   READALOUD_ON_PUBLISH off, so without audio), then over --articles generated
   news articles of 150-400 words (imported with ``import_content
   --publish``, which makes no audio either) with dates, times, percentages,
   document symbols, Roman numerals, units and abbreviations for the
   normaliser; pages per second and seconds of audio per CPU second.

A re-run on the same database first deletes the articles an earlier run
generated and every page's audio, so each run starts from the same state.
Stock Wagtail has no read-aloud: there is nothing to compare against.

    source /tmp/svc.env   # or: uv run bash scripts/test-services.sh ...
    DATABASE_URL=${DATABASE_URL%/*}/stdv_readaloud_bench \\
        .venv/bin/python tests/benchmarks/readaloud_bench.py
    # smoke run: 50 articles, 3 publishes, each text made once
    ... tests/benchmarks/readaloud_bench.py --quick
"""

import argparse
import datetime
import io
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.benchmark"
os.environ["READALOUD_ON_PUBLISH"] = "false"
os.environ["TASKS_BACKEND"] = "immediate"
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="readaloud-bench-media-"))

from tests.benchmarks.common import create_database_if_missing  # noqa: E402

#: Generated pages carry this source address, so that a re-run finds them.
MARK = "https://benchmark.invalid/readaloud/"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

PLAIN = [
    "Đảng bộ tỉnh tiếp tục đẩy mạnh công tác xây dựng, chỉnh đốn Đảng và hệ thống chính trị",
    "các cấp ủy tập trung lãnh đạo thực hiện thắng lợi nhiệm vụ phát triển kinh tế xã hội",
    "đồng chí Bí thư nhấn mạnh yêu cầu nâng cao chất lượng sinh hoạt chi bộ ở cơ sở",
    "hội nghị đã thảo luận, thống nhất những giải pháp trọng tâm trong thời gian tới",
    "công tác kiểm tra, giám sát được thực hiện thường xuyên, đúng quy định của Điều lệ Đảng",
    "phong trào thi đua yêu nước lan tỏa rộng khắp trong cán bộ, đảng viên và nhân dân",
    "việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh đi vào chiều sâu",
    "chuyển đổi số trong các cơ quan đảng được triển khai đồng bộ từ tỉnh đến cơ sở",
    "chương trình xây dựng nông thôn mới đạt nhiều kết quả quan trọng",
    "đời sống vật chất và tinh thần của nhân dân từng bước được nâng lên",
    "các tổ chức cơ sở đảng phát huy vai trò hạt nhân chính trị ở địa phương",
    "ban thường vụ yêu cầu các đảng bộ trực thuộc khẩn trương xây dựng kế hoạch thực hiện",
]
WITH_FIGURES = [
    "Ngày {date}, {abbr} tổ chức hội nghị quán triệt Nghị quyết số {n}-NQ/TU với {big} "
    "đảng viên tham dự",
    "tỷ lệ đảng viên hoàn thành tốt nhiệm vụ đạt {pct}%, tăng {small},{digit}% so với năm {year}",
    "lúc {hour}h{minute:02d} ngày {date}, đồng chí Bí thư chủ trì buổi làm việc tại trụ sở {abbr}",
    "toàn huyện đã làm mới {small} km đường giao thông nông thôn và trồng {big} ha rừng",
    "thực hiện Chỉ thị số {n}-CT/TW của Ban Bí thư, {abbr} đã ban hành kế hoạch triển khai",
    "trong quý {roman}, UBND xã đã giải ngân {big} triệu đồng cho {small} hộ nghèo",
    "Hội nghị lần thứ {roman} Ban Chấp hành Đảng bộ tỉnh khóa XX thống nhất {small} chỉ tiêu",
    "theo Kết luận số {n}-KL/TW ngày {date}, HĐND tỉnh giao chỉ tiêu thu ngân sách {big} tỷ đồng",
    "kết nạp {small} đảng viên mới trong {small2} tháng đầu năm {year}, đạt {pct}% kế hoạch",
]
ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
ABBREVIATIONS = ["UBND tỉnh", "HĐND huyện", "MTTQ", "Huyện ủy", "Đảng ủy xã", "BCH"]


class Prose:
    """Vietnamese prose of the party's kind, about a third of its sentences
    with figures the normaliser must spell out."""

    def __init__(self, seed):
        self.rng = random.Random(seed)

    def sentence(self):
        rng = self.rng
        if rng.random() < 0.35:
            day = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randrange(2000))
            text = rng.choice(WITH_FIGURES).format(
                date=day.strftime("%d/%m/%Y"),
                year=day.year,
                abbr=rng.choice(ABBREVIATIONS),
                n=rng.randrange(1, 120),
                big=rng.randrange(100, 98_000),
                small=rng.randrange(2, 95),
                small2=rng.randrange(2, 11),
                digit=rng.randrange(10),
                pct=rng.randrange(60, 100),
                hour=rng.randrange(7, 18),
                minute=rng.choice([0, 15, 30, 45]),
                roman=rng.choice(ROMANS),
            )
        else:
            text = ", ".join(rng.sample(PLAIN, rng.choice([1, 1, 2])))
        return text[0].upper() + text[1:] + "."

    def words(self, count):
        """Sentences adding up to about ``count`` words (syllables)."""
        sentences, total = [], 0
        while total < count:
            sentence = self.sentence()
            sentences.append(sentence)
            total += len(sentence.split())
        return " ".join(sentences)

    def paragraphs(self, count, per=60):
        """About ``count`` words in paragraphs of about ``per`` words."""
        paragraphs, current, total = [], [], 0
        while total < count:
            sentence = self.sentence()
            current.append(sentence)
            total += len(sentence.split())
            if len(" ".join(current).split()) >= per:
                paragraphs.append(" ".join(current))
                current = []
        return [*paragraphs, " ".join(current)] if current else paragraphs


def body_json(paragraphs, headings_every=0):
    blocks = []
    for n, text in enumerate(paragraphs):
        if headings_every and n % headings_every == 0:
            blocks.append(
                {"type": "heading", "value": f"Phần {ROMANS[(n // headings_every) % 12]}"}
            )
        blocks.append({"type": "paragraph", "value": f"<p>{text}</p>"})
    return json.dumps(blocks)


def cpu_seconds():
    from readaloud.backfill import cpu_seconds as measured

    return measured()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# 1 and 2: synthesis alone


def sample_pages(prose):
    """Unsaved pages of real length: (label, page)."""
    from content_types.models import NewsArticle, PartyDocument, StudyLesson

    article = NewsArticle(
        title="Hội nghị quán triệt nghị quyết của Tỉnh ủy",
        lead=prose.words(40),
        body=body_json(prose.paragraphs(255)),
    )
    lesson = StudyLesson(
        title="Bài 3: Nguyên tắc tập trung dân chủ",
        body=body_json(prose.paragraphs(1490), headings_every=5),
    )
    document = PartyDocument(
        title="Nghị quyết về xây dựng tổ chức cơ sở đảng trong sạch, vững mạnh",
        number="05-NQ/TU",
        issued_on=datetime.date(2025, 3, 12),
        summary=prose.words(60),
        body=body_json(prose.paragraphs(4920), headings_every=8),
    )
    return [("article", article), ("lesson", lesson), ("document", document)]


def spoken_words(page):
    from readaloud.script import page_texts

    return sum(len((text or "").split()) for text, _heading in page_texts(page))


def measure_synthesis(seed, repeat, tries=5):
    """Each sample made ``repeat`` times. A sample espeak-ng crashes on (1.51
    does, on some texts: docs/read-aloud.md) is reported and drawn again."""
    from readaloud.script import page_script
    from readaloud.synthesis import SpeechError, speak_to_file

    rows = []
    for index in range(3):
        for attempt in range(tries):
            label, page = sample_pages(Prose(seed + 100 * attempt))[index]
            try:
                with speak_to_file(page_script(page)):
                    pass
                break
            except SpeechError as error:
                print(f"{label} (text {attempt + 1}): espeak-ng FAILED: {error}", flush=True)
        else:
            raise SystemExit(f"espeak-ng failed on {tries} {label} texts")
        cpu = wall = audio = size = 0.0
        for _ in range(repeat):
            started, cpu_started = time.perf_counter(), cpu_seconds()
            with speak_to_file(page_script(page)) as made:
                audio += made.duration_seconds
                size += made.bytes
            cpu += cpu_seconds() - cpu_started
            wall += time.perf_counter() - started
        rows.append(
            {
                "label": label,
                "words": spoken_words(page),
                "audio": audio / repeat,
                "cpu": cpu / repeat,
                "wall": wall / repeat,
                "per_cpu": audio / cpu,
                "bytes_per_minute": size / (audio / 60),
                "failed_texts": attempt,
            }
        )
        print(
            f"{label}: {rows[-1]['words']} words, {rows[-1]['audio']:.0f} s of audio in "
            f"{rows[-1]['cpu']:.1f} CPU s",
            flush=True,
        )
    return rows


# 4: backfill


def clean_slate():
    """Forget what an earlier run made: its generated pages, every page's audio."""
    from wagtail.models import Page

    from content_types.models import NewsArticle
    from readaloud.models import PageAudio

    generated = list(
        NewsArticle.objects.filter(source_url__startswith=MARK).values_list("pk", flat=True)
    )
    if generated:
        Page.objects.filter(pk__in=generated).delete()
    PageAudio.objects.all().delete()
    print(f"clean slate: {len(generated)} generated pages of an earlier run deleted", flush=True)


def seed_demo():
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("seed_demo", size="small", no_progress=True, stdout=io.StringIO())
    call_command("seed_demo_content", stdout=io.StringIO())
    print(
        f"seed_demo small + seed_demo_content: {time.perf_counter() - started:.0f} s", flush=True
    )


def import_articles(count, prose):
    """``count`` news articles of 150-400 words, published by import_content."""
    from django.core.management import call_command

    from editorial.models import Unit

    units = list(Unit.objects.filter(home_page__isnull=False).order_by("path"))
    rng = prose.rng
    path = Path(tempfile.mkdtemp(prefix="readaloud-bench-")) / "articles.jsonl"
    run = int(time.time())
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            words = rng.randrange(150, 401)
            lead = prose.words(min(35, words // 5))
            paragraphs = prose.paragraphs(words - len(lead.split()), per=rng.randrange(40, 90))
            day = datetime.date(2021, 1, 1) + datetime.timedelta(days=rng.randrange(1500))
            line = {
                "kind": "news",
                "unit": units[n % len(units)].code,
                "title": f"{prose.words(9)[:-1]} ({n + 1})",
                "summary": lead,
                "body": "".join(f"<p>{text}</p>" for text in paragraphs),
                "audience": "public",
                "source_name": "readaloud_bench",
                "source_url": f"{MARK}{run}/{n}",
                "published_at": f"{day.isoformat()}T08:00:00+07:00",
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    started = time.perf_counter()
    call_command("import_content", str(path), publish=True, progress=False, stdout=io.StringIO())
    print(f"import_content: {count} articles in {time.perf_counter() - started:.0f} s", flush=True)


def measure_backfill(label):
    """Run ``make_audio --missing`` here; its figures."""
    from django.core.management import call_command
    from django.utils import timezone

    from readaloud.models import AudioState, PageAudio

    since = timezone.now()
    out = io.StringIO()
    started, cpu_started = time.perf_counter(), cpu_seconds()
    call_command("make_audio", "--missing", stdout=out, stderr=io.StringIO())
    wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
    done = PageAudio.objects.filter(changed_at__gte=since)
    made = done.filter(state=AudioState.MADE)
    # A file shared by pages (an English mirror) was made once.
    files = dict(made.values_list("file", "duration_seconds"))
    audio = sum(seconds or 0 for seconds in files.values())
    print(f"\n== make_audio --missing, {label}\n{out.getvalue().rstrip()}", flush=True)
    return {
        "label": label,
        "pages": done.count(),
        "failed": done.filter(state=AudioState.FAILED).count(),
        "wall": wall,
        "cpu": cpu,
        "audio": audio,
    }


# 3: publish to audio under a worker


def start_worker(folder):
    from jobs.models import WorkerHeartbeat

    env = {
        **os.environ,
        "TASKS_BACKEND": "database",
        "READALOUD_ON_PUBLISH": "true",
        "TASKS_WORKER_HEARTBEAT_EVERY": "0.5",
        "PYTHONUNBUFFERED": "1",
    }
    log = (folder / "worker.log").open("w")
    worker_id = f"readaloud-bench-{os.getpid()}"
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--queue-name",
            "*",
            "--worker-id",
            worker_id,
            "--no-reload",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not WorkerHeartbeat.objects.filter(worker_id=worker_id).exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the worker did not start; see {log.name}")
        time.sleep(0.2)
    return process


def drain_queue(timeout=300):
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + timeout
    while DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists():
        if time.monotonic() > deadline:
            raise SystemExit("the worker did not empty the queue")
        time.sleep(0.5)


def measure_publish_to_audio(count, prose):
    from django.test import Client
    from django.test.utils import override_settings

    from content_types.factories import publish_news
    from editorial.models import Unit

    unit = Unit.objects.filter(home_page__isnull=False).order_by("path").first()
    client = Client(HTTP_HOST="localhost")
    folder = Path(tempfile.mkdtemp(prefix="readaloud-bench-worker-"))
    worker = start_worker(folder)
    latencies = []
    try:
        drain_queue()
        with override_settings(READALOUD_ON_PUBLISH=True, TASKS=DATABASE_TASKS):
            for n in range(count):
                started = time.perf_counter()
                article = publish_news(
                    unit,
                    f"Tin đo thời gian {n + 1}: {prose.words(8)}",
                    lead=prose.words(40),
                    body=body_json(prose.paragraphs(255)),
                    source_name="readaloud_bench",
                    source_url=f"{MARK}publish/{time.time_ns()}",
                )
                published = time.perf_counter()
                while True:
                    detail = client.get(f"/api/v2/pages/{article.pk}/")
                    if detail.status_code == 200 and detail.json().get("audio"):
                        break
                    if time.perf_counter() - published > 300:
                        raise SystemExit(f"no audio for page {article.pk} after 300 s")
                    time.sleep(0.05)
                latencies.append(time.perf_counter() - published)
                print(
                    f"publish {n + 1}: published in {published - started:.2f} s, audio "
                    f"{latencies[-1]:.2f} s after",
                    flush=True,
                )
                time.sleep(0.5)  # not in step with the worker's polling
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
    return latencies


# The table


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def program_versions():
    espeak = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout
    ffmpeg = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout
    return f"{espeak.strip()}; {ffmpeg.splitlines()[0]}"


def print_table(synthesis, latencies, backfills, args):
    from django.conf import settings

    print("\n## Read-aloud benchmark")
    print(f"date: {datetime.date.today().isoformat()}; machine: {machine()}")
    print(f"programs: {program_versions()}")
    print(
        f"voice {settings.READALOUD_VOICE}, {settings.READALOUD_WORDS_PER_MINUTE} words/min, "
        f"Opus {settings.READALOUD_BITRATE}; "
        f"command: tests/benchmarks/readaloud_bench.py {' '.join(sys.argv[1:])}".rstrip()
    )
    print(
        "\n| text | words | audio | CPU s | audio s per CPU s | bytes per minute "
        "| texts espeak-ng crashed on first |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in synthesis:
        print(
            f"| {row['label']} | {row['words']:,} | {row['audio'] / 60:.1f} min | "
            f"{row['cpu']:.1f} | {row['per_cpu']:.0f} | {row['bytes_per_minute'] / 1000:.0f} kB | "
            f"{row['failed_texts']} |"
        )
    print(f"\n| publish to audio in the API, db_worker ({len(latencies)} publishes) | seconds |")
    print("| --- | ---: |")
    print(f"| p50 | {percentile(latencies, 0.5):.2f} |")
    print(f"| max | {max(latencies):.2f} |")
    print(f"| mean | {statistics.mean(latencies):.2f} |")
    print(
        "\n| make_audio --missing | pages | failed | elapsed s | pages/s | audio | "
        "audio s per CPU s |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in backfills:
        print(
            f"| {row['label']} | {row['pages']:,} | {row['failed']} | {row['wall']:.0f} | "
            f"{row['pages'] / row['wall']:.2f} | {row['audio'] / 3600:.1f} h | "
            f"{row['audio'] / row['cpu']:.0f} |"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--publishes", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3, help="times each sample text is made")
    parser.add_argument(
        "--quick", action="store_true", help="50 articles, 3 publishes, each text made once"
    )
    args = parser.parse_args()
    if args.quick:
        args.articles, args.publishes, args.repeat = 50, 3, 1

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    create_database_if_missing(connection)
    print(
        f"database: {connection.settings_dict['NAME']}; media: {os.environ['MEDIA_ROOT']}",
        flush=True,
    )
    call_command("migrate", verbosity=0)
    prose = Prose(17)

    synthesis = measure_synthesis(17, args.repeat)
    clean_slate()
    seed_demo()
    backfills = [measure_backfill("demo archive (seed_demo small + seed_demo_content)")]
    import_articles(args.articles, prose)
    backfills.append(measure_backfill(f"{args.articles:,} generated articles, 150-400 words"))
    latencies = measure_publish_to_audio(args.publishes, prose)
    print_table(synthesis, latencies, backfills, args)


if __name__ == "__main__":
    main()
