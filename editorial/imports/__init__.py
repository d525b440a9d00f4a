"""Importing units and members from CSV or JSONL files.

This package owns reading, validation and the upsert; the ``import_units`` and
``import_members`` commands only wire it to the command line. A file is checked
in full before anything is written: every failing line is reported, and a file
with any error writes nothing. Rows are matched on ``code`` (units) or
``username`` (members), so re-running a file changes nothing.
"""

from .base import BaseImporter
from .members import MemberImporter
from .reading import ImportFileError
from .units import UnitImporter

__all__ = ["BaseImporter", "ImportFileError", "MemberImporter", "UnitImporter"]
