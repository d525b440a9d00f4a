"""What the benchmark scripts share."""

import os


def load_average():
    """The machine's load, printed beside timings: on a shared machine they need it."""
    return "load average " + " ".join(f"{n:.2f}" for n in os.getloadavg())


def create_database_if_missing(connection):
    """scripts/test-services.sh starts an empty cluster; pytest makes its own
    test database, a benchmark needs the one DATABASE_URL names."""
    from django.db.utils import OperationalError

    try:
        connection.ensure_connection()
    except OperationalError as error:
        if connection.vendor != "postgresql" or "does not exist" not in str(error):
            raise
        with connection._nodb_cursor() as cursor:
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            cursor.execute(f"CREATE DATABASE {name}")
