"""The read, check and upsert cycle shared by every importer."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from tqdm import tqdm

from .reading import RowError, read_rows


class BaseImporter:
    """Read, check and upsert one file. Call ``validate()``; if it returns no
    errors, ``result`` says what would change and ``apply()`` writes it."""

    fields = ()
    required = frozenset()  # must be non-empty on every row
    optional_columns = frozenset()  # may be left out of a CSV header
    choices = {}  # field -> TextChoices
    model_fields = {}  # field -> model field whose validators check it
    unstripped = frozenset()  # kept exactly as given (passwords)

    def __init__(self, path, *, progress_file=None):
        self.path = Path(path)
        self.progress_file = progress_file
        self.errors = None
        self.result = None

    def validate(self):
        """Check the whole file; return every RowError, in line order."""
        required_columns = [name for name in self.fields if name not in self.optional_columns]
        rows, errors = read_rows(self.path, self.fields, required_columns)
        for row in rows:
            for name, value in row.values.items():
                if name not in self.unstripped:
                    row.values[name] = value.strip()
        if rows or not errors:
            errors.extend(self.check(rows))
        self.errors = sorted(errors, key=lambda error: error.line)
        return self.errors

    def apply(self):
        """Write the validated file in one transaction; return the ImportResult."""
        if self.errors is None:
            self.validate()
        if self.errors:
            raise ValueError("apply() called on a file with errors")
        with transaction.atomic():
            self.write()
        return self.result

    def check(self, rows):
        raise NotImplementedError

    def write(self):
        raise NotImplementedError

    def check_values(self, row):
        """Per-field checks; return the errors (each names its field)."""
        errors = []
        for name in self.fields:
            value = row.values[name]
            if not value:
                if name in self.required:
                    errors.append(RowError(row.line, name, _("this field is required")))
                continue
            if "\x00" in value:
                errors.append(RowError(row.line, name, _("contains a NUL character")))
                continue
            if name in self.model_fields:
                try:
                    self.model_fields[name].run_validators(value)
                except ValidationError as exc:
                    errors.extend(RowError(row.line, name, m) for m in exc.messages)
            if name in self.choices and value not in self.choices[name].values:
                message = _('"%(value)s" is not valid; expected one of: %(choices)s') % {
                    "value": value,
                    "choices": ", ".join(self.choices[name].values),
                }
                errors.append(RowError(row.line, name, message))
        return errors

    def check_unique_key(self, rows, name, errors, bad):
        """Map value -> first row for ``name``, reporting repeats."""
        first = {}
        for row in rows:
            value = row.values[name]
            if not value or (row.line, name) in bad:
                continue
            if value in first:
                message = _('duplicate value "%(value)s" (first on line %(first)d)') % {
                    "value": value,
                    "first": first[value].line,
                }
                errors.append(RowError(row.line, name, message))
                bad.add((row.line, name))
            else:
                first[value] = row
        return first

    def progress(self, items, *, desc=""):
        """Wrap a list in a progress bar when asked for one (and it is not empty)."""
        if self.progress_file is None or not items:
            return items
        return tqdm(items, desc=desc, file=self.progress_file, leave=False)
