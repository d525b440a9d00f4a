"""Bulk SQL for the archive writer: rows inserted and updated many at a time,
without the per-row costs of ``bulk_create`` and ``bulk_update``."""

import uuid
from collections import defaultdict

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.sql import InsertQuery
from django.db.models.sql.compiler import SQLInsertCompiler
from wagtail.models import PageLogEntry, Revision
from wagtail.models.pages import get_default_page_content_type

from editorial.batching import can_copy, copy_rows


def insert_rows(model, objs, fields, returning_fields=None):
    """Insert ``objs`` into ``model``'s own table with multi-row VALUES
    statements; return the ``returning_fields`` of each row, in order.

    ``bulk_create`` without two of its limits: it takes a multi-table child
    model whose parent rows exist, and it avoids Django 5.2's UNNEST path on
    PostgreSQL, where psycopg escapes every quote of every revision's JSON
    into an array literal in Python (that alone made inserts 3x slower).
    On PostgreSQL the rows go in by ``COPY`` (ids taken from the sequence
    first when the primary key is asked back), which also spares building
    and parsing statements of thousands of parameters.
    """
    pk = model._meta.pk
    if can_copy() and returning_fields in (None, [pk]):
        copy_rows(model, objs, fields, allocate_ids=bool(returning_fields))
        return [(getattr(obj, pk.attname),) for obj in objs] if returning_fields else []
    connection = connections[DEFAULT_DB_ALIAS]
    limit = connection.ops.bulk_batch_size(fields, objs) or len(objs)
    size = max(1, min(limit, 65535 // max(1, len(fields)), len(objs)))
    rows = []
    for start in range(0, len(objs), size):
        query = InsertQuery(model)
        query.insert_values(fields, objs[start : start + size])
        compiler = SQLInsertCompiler(query, connection, DEFAULT_DB_ALIAS)
        rows.extend(compiler.execute_sql(returning_fields))
    return rows


def create_rows(model, objs):
    """``bulk_create`` of ``objs``, by ``COPY`` on PostgreSQL. Ids are not read back."""
    objs = list(objs)
    if can_copy():
        copy_rows(model, objs)
    else:
        model.objects.bulk_create(objs)
    return objs


def update_rows(objs, fields):
    """Write ``fields`` of ``objs`` (one model) to their rows: one UPDATE per
    table sent for all rows at once (``executemany``; psycopg pipelines it).

    ``bulk_update`` builds a CASE of one branch per row for every field, which
    costs seconds per batch of pages. A page's fields live in two tables (the
    page and its type), so each gets its own statement.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    meta = type(objs[0])._meta
    by_table = defaultdict(list)
    for name in fields:
        model_field = meta.get_field(name)
        by_table[model_field.model._meta.concrete_model].append(model_field)
    for table, table_fields in by_table.items():
        assignments = ", ".join(f"{quote(f.column)} = %s" for f in table_fields)
        sql = (
            f"UPDATE {quote(table._meta.db_table)} SET {assignments} "
            f"WHERE {quote(table._meta.pk.column)} = %s"
        )
        params = [
            [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in table_fields]
            + [obj.pk]
            for obj in objs
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)


def insert_revisions(pages, contents, now):
    """One revision per page holding ``contents``; returns them with their ids."""
    page_content_type_id = get_default_page_content_type().pk
    revisions = [
        Revision(
            content_type_id=page.content_type_id,
            base_content_type_id=page_content_type_id,
            object_id=str(page.pk),
            created_at=now,
            object_str=str(content.get("title") or page.title),
            content=content,
        )
        for page, content in zip(pages, contents, strict=True)
    ]
    fields = [f for f in Revision._meta.concrete_fields if not f.primary_key]
    ids = insert_rows(Revision, revisions, fields, returning_fields=[Revision._meta.pk])
    for revision, (pk,) in zip(revisions, ids, strict=True):
        revision.pk = pk
    return revisions


def log_actions(pages, revisions, action, now, *, published):
    """The history entries the admin shows, as Wagtail's own actions write
    them: ``action`` for each page, followed by its publishing when ``published``."""
    entries = []
    for page, revision in zip(pages, revisions, strict=True):
        action_uuid = uuid.uuid4()
        actions = [action, "wagtail.publish"] if published else [action]
        entries.extend(
            PageLogEntry(
                content_type_id=page.content_type_id,
                label=revision.object_str,
                action=name,
                data={},
                timestamp=now,
                uuid=action_uuid,
                page_id=page.pk,
                revision_id=None if name == "wagtail.create" else revision.pk,
                content_changed=True,
            )
            for name in actions
        )
    create_rows(PageLogEntry, entries)
