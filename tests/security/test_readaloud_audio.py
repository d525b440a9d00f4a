# The API tests' fixtures are imported below; tests take them as arguments.
# ruff: noqa: F811
"""Issue 17, read-aloud: the editors' side. A lesson's recording is as
private as the lesson; remaking audio takes the right to edit the page and a
POST, and the "Read-aloud audio" report is for board members. One test per
attack, replayed over HTTP against PostgreSQL."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model

from content_types.factories import news_index, publish_news
from content_types.models import Audience
from editorial.factories import UserFactory
from readaloud.models import PageAudio
from tests.api.conftest import (  # noqa: F401 (fixtures, registered by their names)
    _fresh_throttles,
    api,
    readers,
)
from tests.content_types.test_recordings import make_sound
from tests.content_types.test_study import publish_lesson, publish_module

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _audio_on_publish(settings):
    settings.READALOUD_ON_PUBLISH = True


def test_a_branch_only_lessons_recording_plays_to_its_branch_only(api, unit_tree):
    """The recording's address (``/documents/<id>/<name>``), given by the API
    to the branch's members, does not play to a sibling branch's member."""
    document = get_document_model().objects.create(
        title="Bài đọc", file=ContentFile(make_sound("mp3", 1), name="bai-doc.mp3")
    )
    module, _lessons = publish_module(
        unit_tree.grassroots,
        "Riêng chi bộ",
        lessons=0,
        audience=Audience.UNIT,
        units=(unit_tree.branch,),
    )
    lesson = publish_lesson(module, "Bài nghe", audio=document)
    address = document.url

    detail = api("branch").get(f"/api/v2/pages/{lesson.pk}/").json()
    assert detail["audio"]["url"].endswith(address)
    assert api("branch").get(address).status_code == 200
    assert api("sibling branch").get(address).status_code == 404
    assert api("sibling branch").get(address, HTTP_RANGE="bytes=0-9").status_code == 404


def remake(client, page):
    return client.post(reverse("readaloud_remake", args=[page.pk]))


def test_another_units_editor_may_not_remake(client, unit_tree, board_user):
    article = publish_news(unit_tree.district, "Tin huyện")
    before = PageAudio.objects.get(page_id=article.pk)
    outsider = board_user(unit_tree.district_2)
    client.force_login(outsider)

    edit_listing = client.get(
        reverse("wagtailadmin_explore", args=[news_index(unit_tree.district_2).pk])
    )
    assert "Remake audio" not in edit_listing.content.decode()
    assert remake(client, article).status_code == 403
    assert PageAudio.objects.get(page_id=article.pk).made_at == before.made_at


def test_a_get_remakes_nothing(client, unit_tree, editor):
    article = publish_news(unit_tree.district, "Tin huyện")
    before = PageAudio.objects.get(page_id=article.pk)
    response = client.get(reverse("readaloud_remake", args=[article.pk]))
    assert response.status_code == 405
    assert PageAudio.objects.get(page_id=article.pk).made_at == before.made_at


def test_pages_not_read_aloud_or_not_live_are_404(client, unit_tree, editor):
    assert remake(client, news_index(unit_tree.district)).status_code == 404
    article = publish_news(unit_tree.district, "Tin rút")
    article.unpublish()
    assert remake(client, article).status_code == 404


def test_the_report_is_for_board_members_only(client, unit_tree):

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get(reverse("readaloud_report"))
    assert response.status_code == 302
    assert "Read-aloud audio" not in client.get(reverse("wagtailadmin_home")).content.decode()
