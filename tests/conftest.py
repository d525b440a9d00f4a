import itertools
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright
from wagtail.models import Collection, Locale, Page
from wagtail.users.models import UserProfile

from editorial.factories import UserFactory, make_unit
from editorial.models import BoardRole, UnitLevel
from editorial.provisioning import add_board_member, clear_permission_cache, provision_board
from tests.live_server import wait_for_requests_to_finish
from tests.shared_tree import SHARED, mark_sharing


@pytest.fixture(autouse=True)
def _migration_rows_after_a_flush(request):
    """A test with ``transaction=True`` empties the database when it ends, so
    the rows Wagtail's migrations made (the default locale, the root
    collection and root page) are gone for the transactional tests after it
    (any of the e2e, worker and scheduler tests, in any order): put them back."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    if not Locale.objects.exists():
        Locale.objects.create(language_code=settings.LANGUAGE_CODE)
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    if not Page.objects.exists():
        Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.get_default()))


@pytest.fixture(autouse=True)
def _live_server_requests_done(request):
    """Before a browser test's database is emptied, the live server's requests
    finish (``tests/live_server.py``)."""
    if "live_server" not in request.fixturenames:
        yield
        return
    # Set up the database first, so that its flush is torn down after this.
    request.getfixturevalue("transactional_db")
    yield
    wait_for_requests_to_finish()


@pytest.fixture(autouse=True)
def _fresh_permission_cache():
    # Permission ids differ between test databases; never reuse them.
    clear_permission_cache()
    yield
    clear_permission_cache()


def build_unit_tree(*, board_on_branch=False):
    """A small province: two districts, two grassroots units under the first
    district, and two branches under the first grassroots unit. Every unit
    except the branches has a board (the first branch too, if asked)."""
    province = make_unit(
        "TN", level=UnitLevel.PROVINCE, name="Tỉnh ủy Thái Nguyên", short_name="TU"
    )
    district = make_unit("DT", parent=province, level=UnitLevel.DISTRICT, short_name="HU")
    district_2 = make_unit("PL", parent=province, level=UnitLevel.DISTRICT, short_name="HU")
    grassroots = make_unit("DT-X1", parent=district, level=UnitLevel.GRASSROOTS, short_name="ĐU")
    grassroots_2 = make_unit("DT-X2", parent=district, level=UnitLevel.GRASSROOTS, short_name="ĐU")
    branch = make_unit("DT-X1-C1", parent=grassroots, level=UnitLevel.BRANCH, short_name="CB")
    branch_2 = make_unit("DT-X1-C2", parent=grassroots, level=UnitLevel.BRANCH, short_name="CB")
    units = SimpleNamespace(
        province=province,
        district=district,
        district_2=district_2,
        grassroots=grassroots,
        grassroots_2=grassroots_2,
        branch=branch,
        branch_2=branch_2,
    )
    with_boards = [province, district, district_2, grassroots, grassroots_2]
    for unit in with_boards + ([branch] if board_on_branch else []):
        unit.refresh_from_db()
        provision_board(unit)
    for name in vars(units):
        getattr(units, name).refresh_from_db()
    return units


@pytest.fixture
def unit_tree(db):
    """The test province: shared with the tests next to it where it may be
    (``tests/shared_tree.py``), else built for this test."""
    return SHARED.units() or build_unit_tree()


def pytest_collection_modifyitems(items):
    mark_sharing(items)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if getattr(item, "shares_unit_tree", False):
        SHARED.open(item.config, build_unit_tree)
    else:
        SHARED.close(item.config)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if nextitem is None or not getattr(nextitem, "shares_unit_tree", False):
        SHARED.close(item.config)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, request):
    SHARED.database_ready = True
    yield
    SHARED.close(request.config)


@pytest.fixture
def editor(client, unit_tree, board_user):
    """A district editor signed in to the admin (``client``), reading it in English."""
    user = board_user(unit_tree.district)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    return user


@pytest.fixture
def board_user(db):
    """Make a user holding ``role`` on ``unit``'s board."""

    def make(unit, role=BoardRole.EDITOR, username=None):
        user = UserFactory(username=username or f"{unit.code.lower()}-{role}")
        add_board_member(unit, user, role)
        return user

    return make


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (tests/e2e/, tests/reader/)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    # Playwright's sync API runs an event loop in the test's thread, which makes
    # Django refuse the test's own ORM calls; allowed for this module only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def screenshot(request):
    """``screenshot(page, name)`` keeps numbered PNGs under test-output/e2e/<test>/."""
    folder = Path(request.config.rootpath) / "test-output" / "e2e" / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    counter = itertools.count(1)

    def take(page, name):
        page.screenshot(path=str(folder / f"{next(counter):02d}-{name}.png"), full_page=True)

    return take
