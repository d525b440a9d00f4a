"""Bulk SQL for the archive writer: rows inserted and updated many at a time,
without the per-row costs of ``bulk_create`` and ``bulk_update``."""

from collections import defaultdict

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.sql import InsertQuery
from django.db.models.sql.compiler import SQLInsertCompiler


def insert_rows(model, objs, fields, returning_fields=None):
    """Insert ``objs`` into ``model``'s own table with multi-row VALUES
    statements; return the ``returning_fields`` of each row, in order.

    ``bulk_create`` without two of its limits: it takes a multi-table child
    model whose parent rows exist, and it avoids Django 5.2's UNNEST path on
    PostgreSQL, where psycopg escapes every quote of every revision's JSON
    into an array literal in Python (that alone made inserts 3x slower).
    """
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
