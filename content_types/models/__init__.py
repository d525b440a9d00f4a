"""Page types and the audience every content page carries.

One module per concept, re-exported here as Wagtail does in wagtail/models/.
"""

from .answers import (
    AnswerCategory,
    AnswerEntry,
    MemberQuestion,
    MemberQuestionEvent,
    QuestionStatus,
)
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
    "AnswerCategory",
    "AnswerEntry",
    "AttachmentText",
    "Audience",
    "DocumentAttachment",
    "DocumentIndexPage",
    "DocumentRelation",
    "DocumentStatus",
    "MemberQuestion",
    "MemberQuestionEvent",
    "NewsArticle",
    "NewsCategory",
    "NewsIndexPage",
    "PageAudience",
    "PartyDocument",
    "QuestionStatus",
    "RelationKind",
    "UnitContentPage",
    "UnitHomePage",
    "UnitHomePagePermissionTester",
]
