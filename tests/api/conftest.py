"""Content and readers for the API tests: one page per audience, each with a
file and an image, and a member in each position of the tree."""

import io
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from api.models import ReaderToken
from content_types import factories
from content_types.factories import publish_document
from content_types.models import Audience
from editorial.factories import MemberFactory
from editorial.models import MemberStatus
from tests.content_types.test_documents import make_pdf


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def make_image(title):
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "PNG")
    return get_image_model().objects.create(
        title=title, file=ContentFile(buffer.getvalue(), name=f"{title}.png")
    )


def make_file(title):
    return get_document_model().objects.create(
        title=title, file=ContentFile(make_pdf(title), name=f"{title}.pdf")
    )


def publish_news(unit, title, *args, **fields):
    """A published news article whose lead is "Tóm tắt <title>" unless one is
    given: API items show it as their summary."""
    return factories.publish_news(unit, title, *args, **{"lead": f"Tóm tắt {title}", **fields})


def member(branch, username, status=MemberStatus.OFFICIAL):
    return MemberFactory(branch=branch, status=status, user__username=username).user


def bearer(user):
    _token, raw = ReaderToken.objects.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def readers(unit_tree):
    """Signed-in members around the branch DT-X1-C1, and an anonymous caller."""
    return {
        "anonymous": None,
        "branch": member(unit_tree.branch, "branch-member"),
        "sibling branch": member(unit_tree.branch_2, "sibling-member"),
        "parent unit": member(unit_tree.grassroots, "grassroots-member"),
        "deactivated": member(unit_tree.branch, "expelled-member", MemberStatus.EXPELLED),
    }


@pytest.fixture
def api(readers):
    """``api(reader)`` → a test client sending that reader's bearer token."""

    def client_for(name):
        client = Client()
        user = readers[name]
        if user is not None:
            client.defaults.update(bearer(user))
        return client

    return client_for


@pytest.fixture
def audience_content(unit_tree):
    """One news item and one document per audience in the grassroots unit DT-X1,
    each with its own image / attached file."""
    grassroots, branch = unit_tree.grassroots, unit_tree.branch
    specs = {
        "public": (Audience.PUBLIC, ()),
        "members": (Audience.MEMBERS, ()),
        "grassroots": (Audience.UNIT, ()),
        "branch only": (Audience.UNIT, (branch,)),
    }
    news, documents, images, files = {}, {}, {}, {}
    for number, (name, (audience, units)) in enumerate(specs.items(), start=1):
        images[name] = make_image(f"anh-{number}")
        files[name] = make_file(f"file-{number}")
        news[name] = publish_news(grassroots, f"Tin {name}", audience, units, image=images[name])
        documents[name] = publish_document(
            grassroots,
            f"{number:02d}-NQ/ĐU",
            audience=audience,
            units=units,
            files=[files[name]],
        )
    return SimpleNamespace(news=news, documents=documents, images=images, files=files)
