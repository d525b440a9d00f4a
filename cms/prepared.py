"""The few queries run on every request of a hot path, as prepared statements.

Django sends each query as text with its values bound in, so PostgreSQL parses
and plans it every time, and the ORM compiles it first: for a short indexed
lookup joining a few tables, planning and compiling take longer than running
it. The hot paths (a reader token on every API request, a quiz submission)
write those queries once, in SQL any database reads, and run them with
``prepared_cursor()``: on PostgreSQL each is prepared on first use on the
connection and later runs only bind the values; elsewhere (SQLite for ``make
run``) it is an ordinary cursor. It is Django's cursor wrapper either way:
errors, logging and the tests' query counts see these queries as any other.
Every other query is never prepared (Django's default, which keeps connection
poolers in transaction mode working; this deployment has none).

``Columns`` lists a model's columns for such a SELECT and loads the model
instance from its part of a row, converted as the ORM converts them.
"""

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.postgresql.base import ServerBindingCursor

#: psycopg prepares a statement when asked, or once run this many times;
#: Django leaves the threshold unset, which turns both off. This high, only
#: asking prepares.
ONLY_WHEN_ASKED = 2**31 - 1


class PreparingCursor(ServerBindingCursor):
    """Values sent apart from the statement, which is prepared on first use."""

    logged = False

    def execute(self, query, params=None, *, prepare=True, binary=None):
        super().execute(query, params, prepare=prepare, binary=binary)
        if self.logged and self._query is None:
            # A prepared run keeps no text; Django's query log reads it here.
            self._query = self._convert_query(query, params)
        return self


def prepared_cursor():
    """A cursor (use it in ``with``) whose statements PostgreSQL prepares once
    per connection; an ordinary cursor on other databases."""
    database = connections[DEFAULT_DB_ALIAS]  # once, not through the proxy each time
    if database.vendor != "postgresql":
        return database.cursor()
    database.close_if_health_check_failed()  # as Django's own cursor() does
    database.ensure_connection()
    raw = database.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = ONLY_WHEN_ASKED
    cursor = PreparingCursor(raw)
    cursor.logged = database.queries_logged
    return database._prepare_cursor(cursor)


class Columns:
    """Some concrete fields of ``model`` (all by default) in a SELECT from the
    table aliased ``alias``: ``sql`` lists them, ``load(row, start)`` makes the
    instance from the values at ``start`` (None when the row's primary key is
    NULL: a LEFT JOIN found nothing) and returns it with the next position."""

    def __init__(self, model, alias, names=None):
        meta = model._meta
        # In the model's order, as ``Model.from_db`` reads the values of some fields.
        wanted = None if names is None else {meta.get_field(name) for name in names}
        self.model = model
        self.fields = [f for f in meta.concrete_fields if wanted is None or f in wanted]
        self.attnames = [field.attname for field in self.fields]
        self.pk_index = self.attnames.index(meta.pk.attname)
        quote = connection.ops.quote_name
        self.sql = ", ".join(f"{alias}.{quote(field.column)}" for field in self.fields)
        self.converters = []
        for position, field in enumerate(self.fields):
            column = field.get_col(meta.db_table)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                self.converters.append((position, column, found))

    def load(self, row, start=0):
        end = start + len(self.fields)
        values = list(row[start:end])
        if values[self.pk_index] is None:
            return None, end
        database = connections[DEFAULT_DB_ALIAS]
        for position, column, converters in self.converters:
            for convert in converters:
                values[position] = convert(values[position], column, database)
        return self.model.from_db(database.alias, self.attnames, values), end


def db_value(model, name, value):
    """``value`` for the column of ``model``'s field ``name``, as the ORM sends it."""
    return model._meta.get_field(name).get_db_prep_save(value, connection)
