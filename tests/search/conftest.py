"""Archive search fixtures: one corpus per module, searched through both back ends.

The corpus is written once per module inside a transaction that is rolled
back at the end, and indexed into an OpenSearch index of the module's own
(``OPENSEARCH_URL``, started by scripts/test-services.sh). ``backend`` runs
a test once against the engine and once against the database fallback.
"""

import datetime
import os
import uuid
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import override_settings

from content_types import factories
from content_types.factories import draft_news, publish_document
from content_types.models import AnswerEntry, Audience
from editorial.factories import MemberFactory, UserFactory, make_unit
from editorial.models import UnitLevel
from editorial.provisioning import provision_board
from search import engine
from search.rebuild import rebuild

ENGINE_URL = os.environ.get("OPENSEARCH_URL")


def engine_settings(index):
    return override_settings(
        SEARCH_ENGINE_URL=ENGINE_URL, SEARCH_INDEX=index, SEARCH_ENGINE_REFRESH=True
    )


def drop_index(alias):
    with engine_settings(alias):
        engine.client().indices.delete(index=f"{alias}_*", ignore_unavailable=True)


def unique_index():
    return f"stdv_test_{uuid.uuid4().hex[:12]}"


def publish_news(unit, title, lead="", **fields):
    """A published news article whose lead repeats its title unless one is given,
    so that both fields hold the words searched for."""
    return factories.publish_news(unit, title, lead=lead or title, **fields)


def member_of(unit, username):
    return MemberFactory(branch=unit, user=UserFactory(username=username)).user


def build_corpus():
    province = make_unit(
        "TN", level=UnitLevel.PROVINCE, name="Tỉnh ủy Thái Nguyên", short_name="TU"
    )
    district = make_unit(
        "DT", parent=province, level=UnitLevel.DISTRICT, name="Huyện ủy Đại Từ", short_name="HU"
    )
    district_2 = make_unit(
        "PL", parent=province, level=UnitLevel.DISTRICT, name="Huyện ủy Phú Lương", short_name="HU"
    )
    grassroots = make_unit(
        "DT-X1",
        parent=district,
        level=UnitLevel.GRASSROOTS,
        name="Đảng ủy xã Hà Thượng",
        short_name="ĐUK",
    )
    branch = make_unit("DT-X1-C1", parent=grassroots, level=UnitLevel.BRANCH, short_name="CB")
    branch_2 = make_unit("PL-C1", parent=district_2, level=UnitLevel.BRANCH, short_name="CB")
    for unit in (province, district, district_2, grassroots):
        unit.refresh_from_db()
        provision_board(unit)
    for unit in (province, district, district_2, grassroots, branch, branch_2):
        unit.refresh_from_db()
    day = datetime.date
    docs = SimpleNamespace(
        digital=publish_document(
            grassroots,
            "619-BC/ĐUK",
            "BC",
            title="Báo cáo kết quả thực hiện Nghị quyết về chuyển đổi số",
            issued_on=day(2025, 6, 2),
            summary="Nghị quyết của Đảng ủy về chuyển đổi số trong công tác đảng.",
        ),
        other_number=publish_document(
            grassroots,
            "620-BC/ĐUK",
            "BC",
            title="Báo cáo sơ kết công tác dân vận",
            issued_on=day(2025, 6, 9),
            summary="Sơ kết sáu tháng công tác dân vận.",
        ),
        old_resolution=publish_document(
            province,
            "05-NQ/TU",
            "NQ",
            title="Nghị quyết về phát triển nông nghiệp",
            issued_on=day(2019, 3, 1),
            summary="Nông nghiệp hữu cơ và chuyển đổi số trong sản xuất.",
            status="expired",
        ),
        folded_title=publish_document(
            district,
            "12-KH/HU",
            "KH",
            title="Ke hoach chuyen doi so nam 2024",
            issued_on=day(2024, 1, 5),
            summary="Kế hoạch triển khai.",
        ),
        members_only=publish_document(
            district,
            "15-CT/HU",
            "CT",
            title="Chỉ thị về bảo vệ bí mật nhà nước",
            issued_on=day(2025, 2, 1),
            audience=Audience.MEMBERS,
        ),
    )
    news = SimpleNamespace(
        public=publish_news(
            province,
            "Hội nghị triển khai chuyển đổi số toàn tỉnh",
            lead="Tỉnh ủy triển khai chuyển đổi số",
            date=day(2025, 5, 20),
        ),
        unit_only=publish_news(
            grassroots,
            "Sinh hoạt chi bộ chuyên đề mật mã",
            lead="Chỉ đảng viên đảng ủy xã",
            audience=Audience.UNIT,
            date=day(2025, 4, 1),
        ),
        branch_only=publish_news(
            grassroots,
            "Phân công đảng viên chi bộ một mật mã",
            lead="Riêng chi bộ một",
            audience=Audience.UNIT,
            units=[branch],
            date=day(2025, 4, 2),
        ),
    )
    draft_news(province, "Bản nháp mật mã chưa đăng", lead="nháp")
    answer = AnswerEntry.objects.create(
        question="Đảng phí mật mã đóng thế nào?",
        answer="<p>Hằng tháng tại chi bộ.</p>",
        unit=grassroots,
        audience=Audience.UNIT,
    )
    answer.save_revision().publish()
    readers = {
        "anonymous": None,
        "branch member": member_of(branch, "dv-chi-bo-1"),
        "other district member": member_of(branch_2, "dv-phu-luong"),
    }
    units = SimpleNamespace(
        province=province,
        district=district,
        district_2=district_2,
        grassroots=grassroots,
        branch=branch,
        branch_2=branch_2,
    )
    return SimpleNamespace(units=units, docs=docs, news=news, answer=answer, readers=readers)


def indexed_corpus(django_db_blocker, extend=None):
    """Yield the corpus (and what ``extend(data)`` adds to it) in the database
    and, when an engine runs, in an index of its own; rolled back and dropped
    after. The body of a module-scoped ``corpus`` fixture."""
    alias = unique_index()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            data = build_corpus()
            if extend is not None:
                extend(data)
            if ENGINE_URL:
                with engine_settings(alias):
                    rebuild()
            else:
                rebuild(use_engine=False)
            data.index = alias
            yield data
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            if ENGINE_URL:
                drop_index(alias)


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    """The module's content, in the database and (when an engine runs) in its own index."""
    yield from indexed_corpus(django_db_blocker)


@pytest.fixture(params=["opensearch", "database"])
def backend(request, corpus, db):
    """Run the test against the engine, then against the database fallback."""
    if request.param == "opensearch":
        if not ENGINE_URL:
            pytest.skip("OPENSEARCH_URL is not set (scripts/test-services.sh starts a node)")
        with engine_settings(corpus.index):
            yield request.param
    else:
        with override_settings(SEARCH_ENGINE_URL=None):
            yield request.param
