"""What editors and the release do to the stack, run as its own process with
the stack's production environment (tests/stack/topology.py runs it):

    python tests/stack/stack_admin.py prepare [--static-only]
    python tests/stack/stack_admin.py publish COUNT PREFIX [--revise N]
    python tests/stack/stack_admin.py upload PATH
    python tests/stack/stack_admin.py members-document PATH
    python tests/stack/stack_admin.py backdate-moderation DAYS

Each prints one JSON line. Pages are published as the admin does it (a
revision, then publish), so every signal receiver and queued task runs as
in production: with TASKS_BACKEND=database the stack's workers do the rest.
"""

import argparse
import datetime
import io
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

import django  # noqa: E402

django.setup()

from django.core.files import File  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.documents import get_document_model  # noqa: E402
from wagtail.models import Collection, TaskState  # noqa: E402

from content_types.factories import publish_document, publish_news  # noqa: E402
from content_types.models import Audience, NewsArticle  # noqa: E402
from editorial.models import Unit  # noqa: E402


def province():
    return Unit.objects.filter(depth=1, home_page__isnull=False).order_by("path").first()


def prepare(args):
    """The release steps (docs/deployment.md) and the demo content (``make
    run``), in one process: each command alone would load the project again."""
    out = io.StringIO()
    call_command("collectstatic", interactive=False, stdout=out)
    if args.static_only:  # the database came prepared (topology.prepared_database)
        return {}
    call_command("migrate", interactive=False, stdout=out)
    call_command("createcachetable", stdout=out)
    call_command("seed_demo", size="small", stdout=out)
    call_command("seed_demo_content", stdout=out)
    call_command("seed_demo_workflows", stdout=out)
    return {"live_news": NewsArticle.objects.live().count()}


def publish(args):
    """Publish ``count`` news items, then revise the first ``revise`` of them
    under a new title (published again): the index must end with the new one."""
    unit = province()
    pages = [
        publish_news(unit, f"{args.prefix} {n:03d}", lead=f"Tin {args.prefix} số {n}")
        for n in range(args.count)
    ]
    for page in pages[: args.revise]:
        page.title = f"{page.title} (sửa)"
        page.save_revision().publish()
    return {"pages": [page.pk for page in pages]}


def upload(args):
    """A file uploaded to the document library: saving it queues its reading."""
    path = Path(args.path)
    with path.open("rb") as handle:
        document = get_document_model().objects.create(
            title=path.stem,
            file=File(handle, name=path.name),
            collection=Collection.get_first_root_node(),
        )
    return {"document": document.pk, "file": document.file.name}


def members_document(args):
    """A party document for party members only, with ``path`` attached."""
    found = upload(args)
    document = get_document_model().objects.get(pk=found["document"])
    page = publish_document(
        province(), "99-NQ/TU", audience=Audience.MEMBERS, files=[document], title="Nghị quyết 99"
    )
    return {**found, "page": page.pk, "url": document.url}


def backdate_moderation(args):
    """Moderation steps in progress started ``days`` ago: due for a reminder."""
    started = timezone.now() - datetime.timedelta(days=args.days)
    steps = TaskState.objects.filter(status=TaskState.STATUS_IN_PROGRESS)
    return {"steps": steps.update(started_at=started)}


def main():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    preparing = commands.add_parser("prepare")
    preparing.add_argument("--static-only", action="store_true")
    preparing.set_defaults(run=prepare)
    publishing = commands.add_parser("publish")
    publishing.add_argument("count", type=int)
    publishing.add_argument("prefix")
    publishing.add_argument("--revise", type=int, default=0)
    publishing.set_defaults(run=publish)
    for name, run in (("upload", upload), ("members-document", members_document)):
        command = commands.add_parser(name)
        command.add_argument("path")
        command.set_defaults(run=run)
    backdating = commands.add_parser("backdate-moderation")
    backdating.add_argument("days", type=int)
    backdating.set_defaults(run=backdate_moderation)
    args = parser.parse_args()
    print(json.dumps(args.run(args)))


if __name__ == "__main__":
    main()
