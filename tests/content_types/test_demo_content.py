from django.core.management import call_command

from content_types.models import Audience, NewsArticle, PageAudience


def test_demo_content_publishes_news_of_each_audience_once(unit_tree):
    call_command("seed_demo_content", stdout=None)
    count = NewsArticle.objects.live().count()
    assert count > 0
    audiences = set(PageAudience.objects.values_list("audience", flat=True))
    assert audiences == {Audience.PUBLIC, Audience.MEMBERS, Audience.UNIT}
    call_command("seed_demo_content", stdout=None)
    assert NewsArticle.objects.count() == count
