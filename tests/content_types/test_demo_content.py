from django.core.management import call_command

from content_types.models import Audience, NewsArticle, PageAudience
from content_types.models.documents import PartyDocument


def test_demo_content_publishes_news_of_each_audience_once(unit_tree):
    call_command("seed_demo_content", stdout=None)
    count = NewsArticle.objects.live().count()
    assert count > 0
    audiences = set(PageAudience.objects.values_list("audience", flat=True))
    assert audiences == {Audience.PUBLIC, Audience.MEMBERS, Audience.UNIT}
    call_command("seed_demo_content", stdout=None)
    assert NewsArticle.objects.count() == count
    assert PartyDocument.objects.count() == 2
    plan = PartyDocument.objects.get(document_type="KH")
    assert plan.number == f"121-KH/{unit_tree.district.short_name}"
    assert [r.kind for r in plan.relations.all()] == ["implements"]
