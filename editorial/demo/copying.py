"""Rows written with PostgreSQL's ``COPY``, the fastest way in, for the demo's
hundreds of thousands of users and members; ``bulk_create`` elsewhere.

``copy_rows`` writes unsaved model instances the way ``bulk_create`` would
(field defaults and ``pre_save`` applied, values prepared for the database)
but sends them as one ``COPY ... FROM STDIN`` stream. It returns nothing: the
caller reads the new ids back by a unique column, as it must anyway on a
backend that returns no ids.
"""

from django.db import connection


def can_copy():
    """True on PostgreSQL (psycopg 3), where ``copy_rows`` works."""
    return connection.vendor == "postgresql"


def copy_rows(model, objs):
    """Insert ``objs`` (unsaved instances of ``model``) with one ``COPY``."""
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for obj in objs:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
