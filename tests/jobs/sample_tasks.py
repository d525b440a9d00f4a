"""Tasks for the worker tests: they leave traces in files, so that a test can
see from outside the worker what ran and how often."""

import time
from pathlib import Path

from django_tasks import task


@task()
def write_after_pause(folder, seconds):
    """Note each start in ``starts``, pause, then write ``result`` (replacing it)."""
    folder = Path(folder)
    with (folder / "starts").open("a") as starts:
        starts.write("start\n")
    time.sleep(seconds)
    (folder / "result").write_text("done")
    return "done"
