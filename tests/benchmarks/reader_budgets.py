"""The reader app's budgets (issue 16) against a running site, beside the
plain Wagtail page the same address serves without JavaScript.

A script, not a test (the same checks run in tests/reader/test_budgets.py on
the test server). Start the demo with `make run`, then:

    uv run python tests/benchmarks/reader_budgets.py            # http://127.0.0.1:8000
    uv run python tests/benchmarks/reader_budgets.py --url URL --member USER --password PASS

It prints the first load's compressed bytes, seconds to the first feed item
on a throttled 400 kbit/s, 400 ms round-trip network (first visit; a
returning member with the service worker), Chromium's installability
verdict, and Lighthouse's mobile scores. "Plain page" is the site's own
Wagtail template at the same address with JavaScript off (stock Wagtail has
no reader app: this is what a member got before).
"""

import argparse
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.reader.budgets import (
    CHROMIUM,
    SLOW_NETWORK,
    first_load,
    installability_errors,
    lighthouse,
    seconds_to_feed,
)

PHONE = {"width": 360, "height": 740}


def plain_page(browser, url):
    """Bytes and seconds to the first link of the page with JavaScript off."""
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    sizes = []
    page.on("response", lambda response: sizes.append(len(response.body())))
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", SLOW_NETWORK)
    started = time.monotonic()
    page.goto(url, wait_until="commit")
    page.locator("main a").first.wait_for()
    seconds = time.monotonic() - started
    context.close()
    return sum(sizes), seconds


def returning_member(browser, url, username, password):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", service_workers="allow")
    page = context.new_page()
    page.goto(f"{url}/#/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.locator("form").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_selector("[data-feed^=unit-]")
    page.evaluate("navigator.serviceWorker.ready")
    page.close()
    seconds = seconds_to_feed(context, f"{url}/")
    context.close()
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--member", default="tn-02-001-01-001", help="make run's demo member")
    parser.add_argument("--password", default="demo12345")
    args = parser.parse_args()
    url = args.url.rstrip("/")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport=PHONE, locale="vi-VN")
        load = first_load(context, f"{url}/")
        context.close()
        context = browser.new_context(viewport=PHONE, locale="vi-VN")
        first_visit = seconds_to_feed(context, f"{url}/")
        context.close()
        returning = returning_member(browser, url, args.member, args.password)
        plain_bytes, plain_seconds = plain_page(browser, f"{url}/")
        errors = installability_errors(playwright.chromium, f"{url}/", viewport=PHONE)
        browser.close()
    scores = lighthouse(f"{url}/")

    print(f"Reader app budgets at {url} (Chromium, 360x740, 400 kbit/s, 400 ms RTT)\n")
    print("| measure | reader app | plain page | budget |")
    print("| --- | --- | --- | --- |")
    kb = load["bytes"] / 1024
    print(f"| first load, compressed | {kb:.1f} KB | {plain_bytes / 1024:.1f} KB | ≤ 150 KB |")
    print(f"| first visit to first item | {first_visit:.2f} s | {plain_seconds:.2f} s | ≤ 6 s |")
    print(f"| returning member to feed | {returning:.2f} s | – | ≤ 3 s |")
    print(f"| installable | {errors or 'yes'} | no | yes |")
    for name, budget in (
        ("performance", "≥ 90"),
        ("accessibility", "100"),
        ("best-practices", "≥ 95"),
    ):
        print(f"| Lighthouse {name} | {scores[name]} | – | {budget} |")
    print("\nFirst load, request by request:")
    for path, kind, size in load["requests"]:
        print(f"  {size / 1024:7.1f} KB  {kind:28} {path}")


if __name__ == "__main__":
    main()
