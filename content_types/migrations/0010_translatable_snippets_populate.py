from django.db import migrations
from wagtail.models import BootstrapTranslatableModel


class Migration(migrations.Migration):
    """Existing bank questions, choices, categories and answers are Vietnamese."""

    dependencies = [
        ("content_types", "0009_translatable_snippets_bootstrap"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [
        BootstrapTranslatableModel("content_types.QuestionCategory"),
        BootstrapTranslatableModel("content_types.QuizQuestion"),
        BootstrapTranslatableModel("content_types.QuizChoice"),
        BootstrapTranslatableModel("content_types.AnswerEntry"),
    ]
