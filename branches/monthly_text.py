"""The monthly table as rows of text cells, for the terminal and the XLSX
download alike: one header, one row per branch, the totals row."""

from django.utils.translation import gettext as _

from .models import RatingGrade


def header():
    return [
        _("Branch"),
        _("Code"),
        _("Meetings held"),
        *[str(label) for _value, label in RatingGrade.choices],
        _("Attendance rate"),
        _("Votes"),
        _("Tasks open"),
        _("Tasks overdue"),
    ]


def cells(row, label=None):
    """A row's values; the attendance rate as a fraction (None: nobody recorded)."""
    branch = row.branch
    return [
        label or branch.name,
        branch.code if branch else "",
        row.held,
        *[row.grades[grade] for grade in RatingGrade.values],
        row.attendance_rate,
        row.votes,
        row.tasks_open,
        row.tasks_overdue,
    ]


def total_label(table):
    return _("Total: %(unit)s") % {"unit": table.unit.name}


def format_rate(rate):
    return "—" if rate is None else f"{rate * 100:.1f}%"


def as_text(table):
    """The table as aligned plain text lines."""
    lines = [header()]
    for row in table.rows:
        lines.append(cells(row))
    lines.append(cells(table.total, total_label(table)))
    rate_column = 3 + len(RatingGrade.values)
    printable = [
        [
            format_rate(value) if number == rate_column and index else str(value)
            for number, value in enumerate(line)
        ]
        for index, line in enumerate(lines)
    ]
    widths = [max(len(line[column]) for line in printable) for column in range(len(lines[0]))]
    return [
        "  ".join(
            value.ljust(width) if column < 2 else value.rjust(width)
            for column, (value, width) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in printable
    ]
