# The API tests' fixtures are imported below; tests take them as arguments.
# ruff: noqa: F811
"""Issue 17, read-aloud: a page's generated audio is as private as the page.

The file is named by the hash of what it says (``/media/audio/<hash>.ogg``):
guessing or sharing the address must not play a unit-only page to another
unit's member, an unpublished page to anyone, nor the audio of another page
that happens to be shared with a public one to more than the public one's
readers. Replayed over HTTP against PostgreSQL, with real audio.
"""

import pytest
from django.test import Client

from content_types.models import Audience
from readaloud.models import PageAudio
from tests.api.conftest import (  # noqa: F401 (fixtures, registered by their names)
    _fresh_throttles,
    api,
    publish_news,
    readers,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _audio_on_publish(settings):
    settings.READALOUD_ON_PUBLISH = True


def audio_address(page):
    return "/media/" + PageAudio.objects.get(page_id=page.pk).file.name


def test_a_branch_only_pages_audio_plays_to_its_branch_only(api, unit_tree):
    page = publish_news(
        unit_tree.grassroots, "Tin riêng chi bộ", Audience.UNIT, (unit_tree.branch,)
    )
    address = audio_address(page)
    assert api("branch").get(address, HTTP_RANGE="bytes=0-9").status_code == 206
    for outsider in ("anonymous", "sibling branch", "deactivated"):
        assert api(outsider).get(address).status_code == 404, outsider
        assert api(outsider).get(address, HTTP_RANGE="bytes=0-9").status_code == 404
    # The detail that names the address is hidden from them too.
    assert api("sibling branch").get(f"/api/v2/pages/{page.pk}/").status_code == 404


def test_the_audio_of_an_unpublished_page_stops_playing(api, unit_tree):
    page = publish_news(unit_tree.province, "Tin công khai rồi rút")
    address = audio_address(page)
    assert Client().get(address).status_code == 200
    page.unpublish()
    assert Client().get(address).status_code == 404
    assert api("branch").get(address).status_code == 404


def test_a_shared_file_plays_only_to_readers_of_a_page_that_uses_it(api, unit_tree):
    """Two pages saying the same words share one file: the public one makes it
    public, and once it is gone the other's audience applies again."""
    private = publish_news(
        unit_tree.grassroots, "Cùng lời", Audience.UNIT, (unit_tree.branch,), lead="Giống"
    )
    public = publish_news(unit_tree.district_2, "Cùng lời", lead="Giống")
    address = audio_address(private)
    assert audio_address(public) == address
    assert Client().get(address).status_code == 200
    public.unpublish()
    assert Client().get(address).status_code == 404
    assert api("branch").get(address).status_code == 200


@pytest.mark.parametrize("suffix", ["x", "/../audio", "%2e%2e/audio", "audio/../audio"], ids=repr)
def test_addresses_near_an_audio_file_are_404(api, unit_tree, suffix):
    page = publish_news(unit_tree.grassroots, "Tin đơn vị", Audience.UNIT)
    address = audio_address(page)
    assert api("branch").get(address).status_code == 200
    if suffix.startswith("/") or "%" in suffix:
        folder, name = address.rsplit("/", 1)
        tampered = f"{folder}{suffix}/{name}"
    else:
        tampered = address.replace(".ogg", f"{suffix}.ogg")
    assert api("branch").get(tampered).status_code == 404
    assert api("sibling branch").get(tampered).status_code == 404


def test_sync_reports_audio_only_of_pages_the_caller_may_read(api, unit_tree):
    mine = publish_news(unit_tree.grassroots, "Tin của chi bộ", Audience.UNIT, (unit_tree.branch,))
    public = publish_news(unit_tree.province, "Tin chung")
    ids = {entry["id"] for entry in api("branch").get("/api/sync/").json()["audio"]}
    assert ids == {mine.pk, public.pk}
    others = {entry["id"] for entry in api("sibling branch").get("/api/sync/").json()["audio"]}
    assert others == {public.pk}
