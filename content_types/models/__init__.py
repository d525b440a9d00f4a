"""Page types and the audience every content page carries.

One module per concept, re-exported here as Wagtail does in wagtail/models/.
"""

from .audience import Audience, PageAudience
from .base import UnitContentPage
from .documents import (
    AttachmentText,
    DocumentAttachment,
    DocumentIndexPage,
    DocumentRelation,
    DocumentStatus,
    PartyDocument,
    RelationKind,
)
from .home import UnitHomePage, UnitHomePagePermissionTester
from .news import NewsArticle, NewsCategory, NewsIndexPage

__all__ = [
    "AttachmentText",
    "Audience",
    "DocumentAttachment",
    "DocumentIndexPage",
    "DocumentRelation",
    "DocumentStatus",
    "NewsArticle",
    "NewsCategory",
    "NewsIndexPage",
    "PageAudience",
    "PartyDocument",
    "RelationKind",
    "UnitContentPage",
    "UnitHomePage",
    "UnitHomePagePermissionTester",
]
