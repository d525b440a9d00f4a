"""Load-test the reader API with wrk against gunicorn (2 workers) on loopback.

A script, not a test (pytest ignores tests/benchmarks/). On the database
DATABASE_URL names it migrates, seeds the province (`seed_demo --size
province`, idempotent), imports 20,000 news items and 5,000 documents with
`import_content` (skipped when they are there already), makes a quiz with one
started attempt for each of --attempts members, then serves the app with
gunicorn (cms.settings.benchmark, 2 workers, 127.0.0.1) and drives it with wrk
(32 connections, --seconds per case), printing requests/s, p50 and p95:

  news listing (20 items), news detail, documents of a unit subtree, the same
  revalidated with its ETag (304), sync since a day ago, quiz answer
  submission, and the stock Wagtail API v2 listing (unmodified
  PagesAPIViewSet, fields=*) of the same news; first, as a baseline for the
  machine's load at that moment, the trivial `GET /healthz` through the same
  middleware.

`--cases quiz` (or `news,sync`...: words matched against the case labels)
runs only those cases, and the baseline.

    uv run bash scripts/test-services.sh uv run python tests/benchmarks/api_load.py
    # quicker, on the small demo tree and fewer items
    uv run bash scripts/test-services.sh uv run python tests/benchmarks/api_load.py \
        --tree small --news 2000 --documents 500
    # only the quiz submission (and the baseline), as issue 19 measures it: one
    # attempt per member, so the province (the small tree has 72 members)
    uv run python tests/benchmarks/api_load.py --tree province --news 2000 \
        --documents 500 --cases quiz

wrk comes from Debian (`apt-get install wrk`, done here when missing).
"""

import argparse
import datetime
import io
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.benchmark"

from tests.benchmarks.common import create_database_if_missing  # noqa: E402

CONNECTIONS = 32

WRK_SCRIPT = r"""
-- Requests from a file of "METHOD PATH TOKEN BODY" lines (one per request,
-- split between the threads), or the command line's URL; counts statuses.
local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

local lines = {}
local position = 0
statuses = {}
fresh = 0

function init(args)
  local file = args[1]
  local i = 0
  if file ~= nil then
    for line in io.lines(file) do
      i = i + 1
      if (i % NTHREADS) == (tid % NTHREADS) then table.insert(lines, line) end
    end
  end
end

function request()
  if #lines == 0 then return wrk.request() end
  position = position + 1
  local index = position
  if index > #lines then index = #lines else fresh = fresh + 1 end
  local method, path, auth, body = lines[index]:match("^(%S+) (%S+) (%S+) (.*)$")
  local headers = {["Content-Type"] = "application/json", ["Accept-Encoding"] = "gzip"}
  if auth ~= "-" then headers["Authorization"] = "Bearer " .. auth end
  if body == "-" then body = nil end
  return wrk.format(method, path, headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged, total_fresh = {}, 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      merged[tostring(status)] = (merged[tostring(status)] or 0) + count
    end
    total_fresh = total_fresh + thread:get("fresh")
  end
  local parts = {}
  for status, count in pairs(merged) do
    table.insert(parts, string.format('"%s": %d', status, count))
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %f, "p50_ms": %f, "p95_ms": %f, "errors": %d, '
    .. '"fresh": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, errors, total_fresh, table.concat(parts, ", ")))
end
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_wrk():
    if shutil.which("wrk"):
        return
    print("installing wrk (apt-get)", flush=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL
    )


def load_content(args):
    """Province seed plus the archive, each step skipped when already done."""
    from django.core.management import call_command
    from django.db.models import Max

    from content_types.models import NewsArticle, PartyDocument
    from editorial.models import Unit
    from tests.benchmarks.import_content import ItemMaker, write_jsonl

    started = time.perf_counter()
    call_command("seed_demo", size=args.tree, no_progress=True, stdout=io.StringIO())
    print(f"seed_demo --size {args.tree}: {time.perf_counter() - started:.0f}s", flush=True)
    wanted = {
        "news": args.news - NewsArticle.objects.count(),
        "document": args.documents - PartyDocument.objects.count(),
    }
    if max(wanted.values()) <= 0:
        news, documents = NewsArticle.objects.count(), PartyDocument.objects.count()
        print(f"content present: {news} news, {documents} documents")
        return
    units = list(Unit.objects.filter(home_page__isnull=False).order_by("path"))
    folder = Path(tempfile.mkdtemp(prefix="api-bench-"))
    highest = PartyDocument.objects.aggregate(highest=Max("number_value"))["highest"] or 0
    maker = ItemMaker(units, folder, run=int(time.time()), first_number=highest + 1)
    lines, n = [], 0
    while max(wanted.values()) > 0:
        line = maker.make(n)
        n += 1
        if wanted[line["kind"]] > 0:
            wanted[line["kind"]] -= 1
            # Some recent news: "sync since a day ago" has something to send.
            if line["kind"] == "news" and n % 50 == 0:
                line["published_at"] = datetime.datetime.now(datetime.UTC).isoformat()
            lines.append(line)
    path = folder / "archive.jsonl"
    write_jsonl(path, lines)
    started = time.perf_counter()
    call_command("import_content", str(path), publish=True, stdout=io.StringIO(), progress=True)
    print(
        f"import_content: {len(lines)} items in {time.perf_counter() - started:.0f}s", flush=True
    )


def make_quiz_attempts(count, folder):
    """A members' quiz with a fresh attempt (and token) for ``count`` members;
    returns the wrk request lines, one attempt each."""
    from django.db import transaction
    from django.utils import timezone
    from wagtail.models import Page

    from api.models import ReaderToken, sign_in_stamp, token_digest
    from content_types.models import (
        Audience,
        LearningIndexPage,
        QuestionCategory,
        Quiz,
        QuizAttempt,
        QuizChoice,
        QuizDrawRule,
        QuizQuestion,
    )
    from content_types.quizzes import start_attempt
    from content_types.quizzes.drawing import draw_questions
    from editorial.models import Member, Unit

    province = Unit.objects.filter(depth=1).order_by("path").first()
    category, _ = QuestionCategory.objects.get_or_create(name="Benchmark")
    if QuizQuestion.objects.filter(unit=province, category=category).count() < 3:
        for n in range(3):
            question = QuizQuestion(unit=province, category=category, text=f"Câu hỏi đo tải {n}")
            question.choices = [
                QuizChoice(text="Đúng", is_correct=True),
                QuizChoice(text="Sai", is_correct=False),
            ]
            question.save()
    now = timezone.now()
    quiz = Quiz(
        title=f"Đo tải {int(time.time())}",
        audience=Audience.MEMBERS,
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=1),
        time_limit_minutes=120,
        attempts_allowed=1,
    )
    quiz.draw_rules = [QuizDrawRule(category=category, difficulty="", count=3)]
    index = LearningIndexPage.objects.child_of(Page.objects.get(pk=province.home_page_id)).get()
    index.add_child(instance=quiz)
    quiz.save_revision().publish()
    quiz = Quiz.objects.get(pk=quiz.pk)

    members = list(
        Member.objects.active().select_related("user", "user__member").order_by("pk")[:count]
    )
    if len(members) < count:
        print(f"only {len(members)} active members: {len(members)} attempts", flush=True)
    started = time.perf_counter()
    # The first through the service (it must accept these members); the rest in
    # bulk, as start_attempt makes them: its own draw, the clock from now.
    first = start_attempt(quiz, members[0].user)
    attempts, tokens, raws = [first], [], []
    for member in members[1:]:
        drawn = draw_questions(quiz)
        attempts.append(
            QuizAttempt(
                quiz=quiz,
                member=member,
                number=1,
                started_at=now,
                deadline=first.deadline,
                drawn=drawn,
                max_score=len(drawn),
            )
        )
    with transaction.atomic():
        QuizAttempt.objects.bulk_create(attempts[1:])
        for member in members:
            raw = secrets.token_urlsafe(32)
            raws.append(raw)
            tokens.append(
                ReaderToken(
                    user=member.user,
                    digest=token_digest(raw),
                    name="benchmark",
                    sign_in_stamp=sign_in_stamp(member.user),
                    last_used_on=timezone.localdate(),
                )
            )
        ReaderToken.objects.bulk_create(tokens)
    lines = []
    for attempt, raw in zip(attempts, raws, strict=True):
        answers = {str(item["question"]): [item["choices"][0]] for item in attempt.drawn}
        body = json.dumps(
            {"answers": answers, "key": f"bench-{attempt.pk}"}, separators=(",", ":")
        )
        lines.append(f"POST /api/attempts/{attempt.pk}/submit/ {raw} {body}")
    print(
        f"{len(lines)} quiz attempts started in {time.perf_counter() - started:.0f}s", flush=True
    )
    path = folder / "quiz.txt"
    path.write_text("\n".join(lines) + "\n")
    return quiz, path


def serve(port, log):
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "cms.wsgi:application",
        "--workers",
        "2",
        # Threads overlap the workers' database waits (the GIL is released there).
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        "/dev/null",
    ]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.benchmark"}
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/pages/?limit=1", timeout=2)
            return process
        except Exception:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"gunicorn did not answer; see {log.name}")


def run_wrk(base, case, script, seconds, lines_file=None, headers=()):
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", str(script)]
    for header in headers:
        command += ["-H", header]
    command.append(base + case)
    if lines_file:
        command += ["--", str(lines_file)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = next(line for line in output.splitlines() if line.startswith("RESULT "))
    figures = json.loads(result[len("RESULT ") :])
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, dict(response.headers), response.read()


def report_quiz(quiz, figures, baseline):
    """Sent, stored, lost and doubled submissions of the benchmark's quiz."""
    from content_types.models import QuizAttempt

    attempts = QuizAttempt.objects.filter(quiz=quiz)
    stored = attempts.filter(submitted_at__isnull=False)
    submitted = stored.count()
    ok = int(figures["statuses"].get("200", 0))
    fresh = figures["fresh"]
    # The rate is of distinct attempts stored: a wrk thread that runs out of
    # attempts sends its last one again, which only reads the stored result.
    print(
        f"quiz submission: {submitted / figures['seconds']:.0f} stored/s (target 500), "
        f"{figures['rps']:.0f} requests/s, baseline /healthz {baseline['rps']:.0f}/s in the "
        f"same run; {fresh} distinct attempts sent, {ok} answered 200, {submitted} stored"
    )
    if ok > fresh:
        print(f"quiz: {ok - fresh} requests repeated a last attempt: raise --attempts")
    # Each attempt has its own key bench-<id>: a stored submission under another
    # key, or a second attempt of a member, would be doubled; one sent but not
    # stored, lost. Requests still in flight when wrk stops (at most one per
    # connection) are not answered.
    doubled = sum(
        1 for pk, key in stored.values_list("pk", "submission_key") if key != f"bench-{pk}"
    ) + (attempts.count() - attempts.values("member").distinct().count())
    unanswered = fresh - submitted
    sound = doubled == 0 and 0 <= unanswered <= CONNECTIONS
    print(
        f"quiz: none lost or doubled ({unanswered} sent, not stored: in flight when wrk stopped)"
        if sound
        else f"quiz: MISMATCH ({unanswered} sent but not stored, {doubled} doubled)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", choices=["province", "small"], default="province")
    parser.add_argument("--news", type=int, default=20_000)
    parser.add_argument("--documents", type=int, default=5_000)
    parser.add_argument("--attempts", type=int, default=12_000, help="quiz attempts to submit")
    parser.add_argument("--seconds", type=int, default=10, help="per case")
    parser.add_argument(
        "--cases",
        default="",
        help="comma-separated words; only the cases whose label contains one (default: all)",
    )
    args = parser.parse_args()
    ensure_wrk()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from api.models import PageChange
    from content_types.models import NewsArticle, PageAudience
    from editorial.models import Unit

    create_database_if_missing(connection)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}", flush=True)
    call_command("migrate", verbosity=0)
    load_content(args)
    folder = Path(tempfile.mkdtemp(prefix="api-load-"))
    quiz, quiz_lines = make_quiz_attempts(args.attempts, folder)

    # The district with the most documents (public ones count for anonymous callers).
    district_path = (
        PageAudience.objects.filter(page__content_type__model="partydocument", audience="public")
        .values("unit_path")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()["unit_path"][:8]
    )
    district = Unit.objects.get(path=district_path)
    news_ids = list(
        NewsArticle.objects.live()
        .filter(audience_row__audience="public")
        .values_list("pk", flat=True)[:1]
    )
    connection.close()

    script = folder / "bench.lua"
    script.write_text(WRK_SCRIPT.replace("NTHREADS", "2"))
    port = free_port()
    log = (folder / "gunicorn.log").open("w")
    server = serve(port, log)
    base = f"http://127.0.0.1:{port}"
    day_ago = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)).strftime(
        "%Y-%m-%dT%H:%M:%S"
    )
    documents = f"/api/v2/pages/?type=content_types.PartyDocument&unit={district.pk}&subtree=true"
    _status, headers, _body = fetch(base + documents, {"Accept-Encoding": "gzip"})
    etag = headers["ETag"]
    listing = "/api/v2/pages/?type=content_types.NewsArticle&limit=20"
    stock = "/api/stock/v2/pages/?type=content_types.NewsArticle&limit=20&fields=*"
    _s, _h, ours_body = fetch(base + listing)
    _s, _h, stock_body = fetch(base + stock)
    print(
        f"\nnews listing bytes: ours {len(ours_body)}, stock fields=* {len(stock_body)}; "
        f"documents of {district.code} subtree; quiz {quiz.pk}",
        flush=True,
    )
    # Distinct URLs (Wagtail's cache-busting "_" parameter): every request renders.
    uncached = folder / "uncached.txt"
    uncached.write_text("".join(f"GET {documents}&_={n} - -\n" for n in range(50_000)))
    cases = [
        ("baseline: GET /healthz", "/healthz", None, ()),
        ("news listing (20 items)", listing, None, ()),
        ("news detail", f"/api/v2/pages/{news_ids[0]}/", None, ()),
        ("documents, unit subtree", documents, None, ()),
        ("same, revalidated (304)", documents, None, (f"If-None-Match: {etag}",)),
        ("same, uncached (distinct URLs)", "/", uncached, ()),
        ("sync since a day ago", f"/api/sync/?since={day_ago}", None, ()),
        ("quiz answer submission", "/", quiz_lines, ()),
        ("stock Wagtail v2 listing fields=*", stock, None, ()),
    ]
    wanted = [word.strip().lower() for word in args.cases.split(",") if word.strip()]
    if wanted:
        cases = [
            case
            for case in cases
            if case[0].startswith("baseline") or any(word in case[0].lower() for word in wanted)
        ]
    results = {}
    try:
        for label, path, lines_file, extra in cases:
            figures = run_wrk(
                base, path, script, args.seconds, lines_file, ("Accept-Encoding: gzip", *extra)
            )
            results[label] = figures
            print(
                f"{label:36s} {figures['rps']:8.1f} req/s   p50 {figures['p50_ms']:7.1f} ms   "
                f"p95 {figures['p95_ms']:7.1f} ms   statuses {figures['statuses']}",
                flush=True,
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    print()
    ratios = [
        (
            "news listing (20 items)",
            "stock Wagtail v2 listing fields=*",
            "our listing / stock fields=* listing",
            " (target 5x)",
        ),
        (
            "same, revalidated (304)",
            "documents, unit subtree",
            "304 / full documents listing",
            " (target 3x)",
        ),
        (
            "same, revalidated (304)",
            "same, uncached (distinct URLs)",
            "304 / documents listing rendered each time",
            "",
        ),
    ]
    for top, bottom, label, target in ratios:
        if top in results and bottom in results:
            print(f"{label}: {results[top]['rps'] / results[bottom]['rps']:.1f}x{target}")
    if "quiz answer submission" in results:
        report_quiz(quiz, results["quiz answer submission"], results["baseline: GET /healthz"])
    print(f"sync log rows: {PageChange.objects.count()}")


if __name__ == "__main__":
    main()
