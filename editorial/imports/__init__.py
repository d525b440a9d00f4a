"""Importing units, members and board roles from CSV, JSONL or XLSX files.

This package owns reading, validation and the upsert; the ``import_units``,
``import_members`` and ``import_boards`` commands only wire it to the command
line. A file is checked in full before anything is written: every failing line
is reported, and a file with any error writes nothing. Rows are matched on
``code`` (units), ``username`` (members) or unit, user and role (board roles),
so re-running a file changes nothing.
"""

from .base import BaseImporter
from .boards import BoardImporter
from .members import MemberImporter
from .reading import ImportFileError
from .units import UnitImporter

__all__ = ["BaseImporter", "BoardImporter", "ImportFileError", "MemberImporter", "UnitImporter"]
