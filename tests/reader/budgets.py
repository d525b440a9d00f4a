"""Measuring the reader app's budgets (issue 16), shared by the tests and by
``tests/benchmarks/reader_budgets.py``.

- The first load: every response until the network is quiet, each counted
  compressed as nginx and whitenoise send it (gzip level 6 for text; images
  and audio as they are).
- A slow phone network: Chromium's own throttling (Chrome DevTools Protocol
  ``Network.emulateNetworkConditions``) at 400 kbit/s and a 400 ms round trip;
  the time from navigation until the first feed's first item is on screen.
- Lighthouse 12 (npm, ``reader/frontend/node_modules``) in Debian's Chromium.
"""

import gzip
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin

FRONTEND = Path(__file__).resolve().parents[2] / "reader" / "frontend"
CHROMIUM = "/usr/bin/chromium"
SLOW_NETWORK = {
    "offline": False,
    "latency": 400,  # ms, round trip
    "downloadThroughput": 400 * 1000 / 8,  # bytes/s
    "uploadThroughput": 400 * 1000 / 8,
}
TEXT_TYPES = ("text/", "javascript", "json", "manifest", "svg", "xml")
FEED_ITEM = "[data-feed] .item"
MANIFEST = "/manifest.webmanifest"


def compressed_size(content_type, body):
    if any(kind in content_type for kind in TEXT_TYPES):
        return len(gzip.compress(body, compresslevel=6))
    return len(body)


def first_load(context, url):
    """``{"requests": [(path, type, compressed bytes)], "bytes": total}`` of
    opening ``url`` in a fresh ``context`` until the network is quiet."""
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url, wait_until="networkidle")
    page.locator(FEED_ITEM).first.wait_for()
    page.wait_for_load_state("networkidle")
    requests = []
    for response in responses:
        if response.request.method != "GET" or response.status in (204, 304):
            continue
        try:
            body = response.body()
        except Exception:  # a redirect or an aborted request has no body
            continue
        kind = response.headers.get("content-type", "")
        path = response.url.split("://", 1)[1].split("/", 1)[1]
        requests.append((f"/{path}", kind.split(";")[0], compressed_size(kind, body)))
    # Chromium reads the manifest only when it considers installing: count it anyway.
    if not any(path == MANIFEST for path, *_rest in requests):
        manifest = page.request.get(urljoin(url, MANIFEST))
        kind = manifest.headers["content-type"]
        requests.append((MANIFEST, kind, compressed_size(kind, manifest.body())))
    page.close()
    return {"requests": requests, "bytes": sum(size for *_rest, size in requests)}


def seconds_to_feed(context, url):
    """Seconds from navigation to the first feed item on screen, on the slow network."""
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", SLOW_NETWORK)
    started = time.monotonic()
    page.goto(url, wait_until="commit", timeout=60_000)
    page.locator(FEED_ITEM).first.wait_for(timeout=60_000)
    seconds = time.monotonic() - started
    session.send(
        "Network.emulateNetworkConditions",
        {**SLOW_NETWORK, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    page.close()
    return seconds


def installability_errors(browser_type, url, **options):
    """Chromium's own reasons not to offer "Install app" for ``url``, in a
    profile on disk (a private window is never offered it)."""
    with tempfile.TemporaryDirectory() as profile:
        context = browser_type.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=["--no-sandbox"], **options
        )
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        page.evaluate("navigator.serviceWorker.ready")
        session = context.new_cdp_session(page)
        errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
        context.close()
    return errors


def axe_violations(page):
    """axe-core's serious and critical violations on the page as it is now
    (the page's context needs ``bypass_csp``: the script is added inline)."""
    page.add_script_tag(path=str(FRONTEND / "node_modules" / "axe-core" / "axe.min.js"))
    found = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        (violation["id"], violation["impact"], len(violation["nodes"]))
        for violation in found["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def lighthouse(url, attempts=3):
    """Lighthouse's mobile category scores (0-100) for ``url``.

    On a loaded machine Lighthouse sometimes fails a run of its own: it exits
    non-zero after writing its report (Chrome's profile folder not removed in
    time), or it reports a category without a score (a runtime error such as
    ``NO_FCP``, or an audit it could not measure). Such a run is tried again,
    up to ``attempts`` runs; the last one's reason is what the failure says.
    A run that measured is what counts, whatever its exit code."""
    problem = ""
    for _attempt in range(attempts):
        with tempfile.TemporaryDirectory() as folder:
            report = Path(folder) / "report.json"
            run = subprocess.run(
                [
                    str(FRONTEND / "node_modules" / ".bin" / "lighthouse"),
                    url,
                    "--quiet",
                    "--form-factor=mobile",
                    "--only-categories=performance,accessibility,best-practices",
                    "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
                    "--output=json",
                    f"--output-path={report}",
                ],
                env={**os.environ, "CHROME_PATH": CHROMIUM},
                timeout=240,
                capture_output=True,
                text=True,
            )
            if not report.exists():
                problem = f"no report (exit {run.returncode}):\n{run.stderr[-3000:]}"
                continue
            result = json.loads(report.read_text())
        scores = {name: category["score"] for name, category in result["categories"].items()}
        if None not in scores.values():
            return {name: round(100 * score) for name, score in scores.items()}
        problem = f"categories without a score {scores}: {unmeasured(result)}"
    raise AssertionError(f"lighthouse did not measure in {attempts} runs; last: {problem}")


def unmeasured(result):
    """Why a Lighthouse report has a category without a score."""
    reasons = [result.get("runtimeError") or {}]
    reasons += [
        {"audit": name, "error": audit.get("errorMessage")}
        for name, audit in result.get("audits", {}).items()
        if audit.get("scoreDisplayMode") == "error"
    ]
    return [reason for reason in reasons if reason][:10]
