"""Demo data: a believable province, from a handful of units to a full-size tree.

This package owns what ``manage.py seed_demo`` builds; the command only parses
its arguments. Two sizes share one generator, so the small demo is a prefix of
the province: the same codes, names and members, only fewer of them.

- ``data``: the names, places and fixed records the demo is drawn from.
- ``planning``: the shapes, and pure functions planning units and members.
- ``seeder``: writing a plan to the database, resumably.
- ``report``: what a run did, and the sign-ins it prints.
"""

from .planning import SIZES, DemoShape, plan_members, plan_summary, plan_units
from .report import format_report, format_table
from .seeder import ADMIN_PASSWORD_ENV, PASSWORD_ENV, DemoSeedError, seed

__all__ = [
    "ADMIN_PASSWORD_ENV",
    "PASSWORD_ENV",
    "SIZES",
    "DemoSeedError",
    "DemoShape",
    "format_report",
    "format_table",
    "plan_members",
    "plan_summary",
    "plan_units",
    "seed",
]
