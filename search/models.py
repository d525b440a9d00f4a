"""What archive search reads in the database, and the queue of changes for the engine.

``SearchRecord`` is one searchable item (a news article, a party document, a
study module, a ready answer) flattened to plain text with its filters and its
audience. The database fallback searches these rows; the OpenSearch index is
built from them. ``IndexChange`` is the outbox: a change written in the same
transaction as the content, removed only once the engine has taken it.
``RebuildRun`` records a rebuild's progress, so that an interrupted one resumes.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    DOCUMENT = "document", _("Party document")
    NEWS = "news", _("News")
    MODULE = "module", _("Study module")
    ANSWER = "answer", _("Answer")


class SearchRecord(models.Model):
    key = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, db_index=True)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=500)
    number = models.CharField(max_length=64, blank=True)
    number_value = models.PositiveIntegerField(null=True, blank=True)
    url = models.CharField(max_length=500, blank=True)
    unit = models.ForeignKey(
        "editorial.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit_path = models.CharField(max_length=255, blank=True, db_index=True)
    unit_name = models.CharField(max_length=255, blank=True)
    document_type = models.CharField(max_length=8, blank=True, db_index=True)
    status = models.CharField(max_length=16, blank=True)
    date = models.DateField(null=True, blank=True, db_index=True)
    locale = models.CharField(max_length=16, blank=True)
    audience = models.CharField(max_length=16, db_index=True)
    text = models.TextField(blank=True)
    attachment_text = models.TextField(blank=True)
    # text.folded_columns(title, number, text, attachment text): whole words
    # between spaces, numbers without leading zeros, what the database
    # fallback matches (" chuyen doi so ", " 5 nq tu 5nqtu ").
    folded = models.TextField(blank=True)
    folded_title = models.CharField(max_length=500, blank=True)
    folded_number = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search record")
        verbose_name_plural = _("search records")

    def __str__(self):
        return self.key

    @property
    def year(self):
        return self.date.year if self.date else None


class SearchRecordScope(models.Model):
    """A unit subtree whose members may read a unit-only record."""

    record = models.ForeignKey(
        SearchRecord, on_delete=models.CASCADE, related_name="reader_scopes"
    )
    path = models.CharField(max_length=255, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "path"], name="unique_search_record_scope")
        ]

    def __str__(self):
        return self.path


class IndexChange(models.Model):
    """One item to bring up to date in the engine, in the order changes happened."""

    key = models.CharField(max_length=40, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("search index change")
        verbose_name_plural = _("search index changes")

    def __str__(self):
        return f"{self.pk}: {self.key}"


class IndexVersion(models.Model):
    """The version the engine is given with each batch of outbox changes.

    Drawn (a new row, whose id a database sequence gives out in increasing
    order across every process) *after* a batch's changes are locked and
    *before* their content is read, so a batch with a higher version has
    read content at least as new. The engine keeps the highest version of
    each document (``version_type=external``): two workers applying their
    batches in either order leave the newer content. Only the last row
    matters; older ones are deleted as new ones are drawn.
    """

    class Meta:
        verbose_name = _("search index version")
        verbose_name_plural = _("search index versions")

    def __str__(self):
        return str(self.pk)


class RebuildRunQuerySet(models.QuerySet):
    def unfinished(self):
        """Runs that neither swapped the alias nor were abandoned: killed or failed."""
        return self.filter(status__in=[RebuildRun.Status.RUNNING, RebuildRun.Status.FAILED])


class RebuildRun(models.Model):
    """One rebuild of the engine index, and how far it got (``search.rebuild``).

    Keys are loaded in a fixed order (``rebuild.key_order``), so ``last_key``
    is enough to continue: an interrupted run (killed, or the engine gave up
    after its retries) is resumed by the next ``rebuild_search_index``, which
    loads the rest into the same ``index`` with the same ``version`` and then
    swaps the alias. ``covered`` is the last outbox row queued before the run
    read any content: those rows are covered by the rebuild and deleted when
    it finishes; later ones are not.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        FAILED = "failed", _("Failed")
        FINISHED = "finished", _("Finished")
        ABANDONED = "abandoned", _("Abandoned")

    index = models.CharField(max_length=255)
    alias = models.CharField(max_length=255)
    # A digest of the index settings and mappings: a run made with other
    # mappings (new code since) is not resumed.
    mapping = models.CharField(max_length=64)
    version = models.PositiveBigIntegerField()
    covered = models.PositiveBigIntegerField()
    last_key = models.CharField(max_length=40, blank=True)
    items_done = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RebuildRunQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("search index rebuild")
        verbose_name_plural = _("search index rebuilds")

    def __str__(self):
        return f"{self.index} ({self.status})"
