"""The reader app's budgets (issue 16), measured in Debian's Chromium: the
first load's compressed bytes, the feed's arrival on a throttled 400 kbit/s,
400 ms network, installability, axe-core on every screen and Lighthouse.

Timing-sensitive: `make test` runs this module alone after the suite
(``pytest -p no:xdist tests/reader/test_budgets.py``)."""

import pytest

from .budgets import (
    axe_violations,
    first_load,
    installability_errors,
    lighthouse,
    seconds_to_feed,
)
from .conftest import PASSWORD, PHONE, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

FIRST_LOAD_BUDGET = 150 * 1024


def new_phone(browser, live_server, **options):
    return browser.new_context(viewport=PHONE, locale="vi-VN", base_url=live_server.url, **options)


def test_the_first_load_is_at_most_150_kb_compressed(world, browser, live_server):
    context = new_phone(browser, live_server)
    load = first_load(context, f"{live_server.url}/")
    paths = [path for path, _kind, _size in load["requests"]]
    assert any(path.startswith("/static/reader/app-") for path in paths)
    assert "/manifest.webmanifest" in paths
    assert 0 < load["bytes"] <= FIRST_LOAD_BUDGET, load
    context.close()


def test_a_first_visit_within_6_s_and_a_returning_member_within_3_s_on_slow_3g(
    world, browser, live_server
):
    context = new_phone(browser, live_server, service_workers="allow")
    assert seconds_to_feed(context, f"{live_server.url}/") <= 6
    page = context.new_page()
    sign_in(page, "dv-an", PASSWORD)
    page.evaluate("navigator.serviceWorker.ready")
    page.close()
    assert seconds_to_feed(context, f"{live_server.url}/") <= 3
    context.close()


def test_the_app_is_installable(world, browser, live_server):
    errors = installability_errors(
        browser.browser_type, f"{live_server.url}/", viewport=PHONE, locale="vi-VN"
    )
    assert errors == []


SCREENS = ["/", "/#/van-ban", "/#/tim-kiem/nghi%20quyet", "/#/dang-nhap", "/#/cai-dat"]


def test_axe_finds_nothing_serious_on_any_screen(world, browser, live_server):
    context = new_phone(browser, live_server, bypass_csp=True)
    page = context.new_page()
    found = {}
    for screen in SCREENS:
        page.goto(screen)
        page.wait_for_load_state("networkidle")
        found[screen] = axe_violations(page)
    page.goto(f"/#/muc/{world['resolution'].pk}")
    page.get_by_test_id("number").wait_for()
    found["document"] = axe_violations(page)
    page.get_by_role("link", name="Cài đặt").first.wait_for()
    page.goto("/#/cai-dat")
    page.get_by_label("Tương phản cao").check()
    page.goto("/")
    page.locator("[data-feed] .item").first.wait_for()
    found["home, high contrast"] = axe_violations(page)
    assert not any(found.values()), found
    context.close()


def test_lighthouse_mobile_scores(world, live_server):
    scores = lighthouse(f"{live_server.url}/")
    assert scores["performance"] >= 90, scores
    assert scores["accessibility"] == 100, scores
    assert scores["best-practices"] >= 95, scores
