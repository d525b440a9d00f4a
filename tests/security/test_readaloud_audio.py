# The API tests' fixtures are imported below; tests take them as arguments.
# ruff: noqa: F811
"""Issue 17, read-aloud: the editors' side. A lesson's recording is as
private as the lesson; remaking audio takes the right to edit the page and a
POST. One test per attack, replayed over HTTP against PostgreSQL."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from content_types.models import Audience
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
