"""Page types and the audience every content page carries.

One module per concept, re-exported here as Wagtail does in wagtail/models/.
"""

from .audience import Audience, PageAudience
from .base import UnitContentPage
from .home import UnitHomePage, UnitHomePagePermissionTester
from .news import NewsArticle, NewsCategory, NewsIndexPage

__all__ = [
    "Audience",
    "NewsArticle",
    "NewsCategory",
    "NewsIndexPage",
    "PageAudience",
    "UnitContentPage",
    "UnitHomePage",
    "UnitHomePagePermissionTester",
]
