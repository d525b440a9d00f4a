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
from .audience import Audience, PageAudience, PageListing, in_unit_feed
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
from .feeds import FeedVersion, feed_version, touch_feeds, unit_feed_keys
from .home import UnitHomePage, UnitHomePagePermissionTester
from .news import NewsArticle, NewsCategory, NewsIndexPage
from .question_bank import Difficulty, QuestionCategory, QuizChoice, QuizQuestion
from .quiz_attempts import QuizAttempt
from .quizzes import Quiz, QuizDrawRule
from .study import (
    LearningIndexPage,
    LessonProgress,
    ModuleCompletion,
    StudyLesson,
    StudyModule,
    StudyModuleDocument,
)

__all__ = [
    "AnswerCategory",
    "AnswerEntry",
    "AttachmentText",
    "Audience",
    "Difficulty",
    "DocumentAttachment",
    "DocumentIndexPage",
    "DocumentRelation",
    "DocumentStatus",
    "FeedVersion",
    "LearningIndexPage",
    "LessonProgress",
    "MemberQuestion",
    "MemberQuestionEvent",
    "ModuleCompletion",
    "NewsArticle",
    "NewsCategory",
    "NewsIndexPage",
    "PageAudience",
    "PageListing",
    "PartyDocument",
    "QuestionCategory",
    "QuestionStatus",
    "Quiz",
    "QuizAttempt",
    "QuizChoice",
    "QuizDrawRule",
    "QuizQuestion",
    "RelationKind",
    "StudyLesson",
    "StudyModule",
    "StudyModuleDocument",
    "UnitContentPage",
    "UnitHomePage",
    "UnitHomePagePermissionTester",
    "feed_version",
    "in_unit_feed",
    "touch_feeds",
    "unit_feed_keys",
]
