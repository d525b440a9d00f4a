"""Reading figures: which members signed in and which items they opened, per
day, recorded without slowing reads; each member's own reading history, and
counts (never names) for the committees. See docs/reading-figures.md."""
