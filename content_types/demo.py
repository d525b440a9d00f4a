"""Demo content for `make run`: a few news items per unit, with each audience.

Idempotent: an item is found by its slug under the unit's news list and left
alone when it exists.
"""

from datetime import timedelta

from django.utils import timezone
from wagtail.models import Page

from editorial.models import Unit, UnitLevel

from .models import Audience, NewsArticle, NewsCategory, NewsIndexPage
from .models.documents import (
    DocumentIndexPage,
    DocumentRelation,
    DocumentStatus,
    PartyDocument,
    RelationKind,
)

NEWS = [
    (
        "hoi-nghi-quan-triet-nghi-quyet",
        "Hội nghị quán triệt Nghị quyết về chuyển đổi số",
        "Cấp ủy tổ chức hội nghị học tập, quán triệt nghị quyết về chuyển đổi số "
        "trong hoạt động của Đảng.",
        NewsCategory.UNIT_ACTIVITIES,
        Audience.PUBLIC,
    ),
    (
        "thong-bao-sinh-hoat-chi-bo",
        "Thông báo lịch sinh hoạt chi bộ tháng này",
        "Các chi bộ sinh hoạt định kỳ vào ngày 3 hằng tháng; tài liệu gửi trước trên Sổ tay.",
        NewsCategory.UNIT_ACTIVITIES,
        Audience.MEMBERS,
    ),
    (
        "ket-qua-kiem-tra-giam-sat",
        "Kết quả kiểm tra, giám sát quý III (lưu hành nội bộ)",
        "Tóm tắt kết quả kiểm tra, giám sát đối với tổ chức đảng và đảng viên trong đơn vị.",
        NewsCategory.UNIT_ACTIVITIES,
        Audience.UNIT,
    ),
]

BODY = [
    {
        "type": "paragraph",
        "value": "<p>Nội dung minh họa cho bản demo của Sổ tay đảng viên điện tử.</p>",
    },
    {"type": "heading", "value": "Nhiệm vụ trọng tâm"},
    {
        "type": "quote",
        "value": {"quote": "Đảng viên đi trước, làng nước theo sau.", "attribution": ""},
    },
]

DEMO_LEVELS = (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.BLOC, UnitLevel.GRASSROOTS)


def seed_news(log=print, per_level=2):
    """Publish the demo news under the first few units of each level that have a news list."""
    created = existing = 0
    today = timezone.localdate()
    for level in DEMO_LEVELS:
        units = Unit.objects.active().filter(level=level, home_page__isnull=False)[:per_level]
        for unit in units:
            index = NewsIndexPage.objects.child_of(Page.objects.get(pk=unit.home_page_id)).first()
            if index is None:
                continue
            for n, (slug, title, lead, category, audience) in enumerate(NEWS):
                if NewsArticle.objects.child_of(index).filter(slug=slug).exists():
                    existing += 1
                    continue
                article = NewsArticle(
                    title=f"{title} – {unit.short_name}",
                    slug=slug,
                    lead=lead,
                    body=BODY,
                    category=category,
                    audience=audience,
                    date=today - timedelta(days=n),
                )
                index.add_child(instance=article)
                article.save_revision().publish()
                created += 1
    log(f"news: created {created}, {existing} already there")
    return created


def _publish_document(unit, number, document_type, title, summary, audience, issued_on):
    index = DocumentIndexPage.objects.child_of(Page.objects.get(pk=unit.home_page_id)).first()
    if index is None:
        return None, False
    existing = PartyDocument.objects.child_of(index).filter(number=number).first()
    if existing:
        return existing, False
    document = PartyDocument(
        title=title,
        number=number,
        document_type=document_type,
        issued_on=issued_on,
        signer="Bí thư",
        status=DocumentStatus.IN_FORCE,
        summary=summary,
        audience=audience,
    )
    document.full_clean(exclude=["path", "depth", "slug", "url_path"])
    index.add_child(instance=document)
    document.save_revision().publish()
    return document, True


def seed_documents(log=print):
    """A provincial resolution, and a district plan that implements it."""
    province = Unit.objects.active().filter(level=UnitLevel.PROVINCE).first()
    district = Unit.objects.active().filter(level=UnitLevel.DISTRICT).first()
    if province is None or district is None:
        return 0
    today = timezone.localdate()
    resolution, new_resolution = _publish_document(
        province,
        f"05-NQ/{province.short_name}",
        "NQ",
        "Nghị quyết về chuyển đổi số trong hoạt động của Đảng bộ tỉnh",
        "Đẩy mạnh chuyển đổi số trong công tác xây dựng Đảng giai đoạn 2025-2030.",
        Audience.PUBLIC,
        today - timedelta(days=60),
    )
    plan, new_plan = _publish_document(
        district,
        f"121-KH/{district.short_name}",
        "KH",
        "Kế hoạch thực hiện Nghị quyết về chuyển đổi số",
        "Triển khai Nghị quyết của Tỉnh ủy về chuyển đổi số tại huyện.",
        Audience.MEMBERS,
        today - timedelta(days=30),
    )
    if new_plan and resolution is not None:
        DocumentRelation.objects.create(
            source=plan, kind=RelationKind.IMPLEMENTS, target=resolution
        )
    created = int(new_resolution) + int(new_plan)
    log(f"documents: created {created}, {2 - created} already there")
    return created
