"""``manage.py make_audio [--all | --missing] [--unit CODE] [--from-page ID] [--queue]``:
make the audio of the pages published before read-aloud, or whose files were lost."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from editorial.models import Unit
from readaloud.backfill import Backfill, Progress, clock


class Command(BaseCommand):
    help = (
        "Make the read-aloud audio of live news, lessons and documents. By default "
        "(--missing) only pages whose audio is not current: none yet, queued, failed, or "
        "the words or the voice changed; a re-run skips what is done. --all remakes every "
        "page's audio, in page id order (--from-page resumes). Runs here, with a progress "
        "line on stderr, unless --queue hands the pages to the workers."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--missing",
            action="store_true",
            help=_("only pages whose audio is not current (the default)"),
        )
        which.add_argument(
            "--all",
            action="store_true",
            dest="everything",
            help=_("every page, its audio made again even when current"),
        )
        parser.add_argument(
            "--unit",
            metavar="CODE",
            help=_("only pages of the unit with this code and of the units below it"),
        )
        parser.add_argument(
            "--from-page",
            type=int,
            metavar="ID",
            help=_("start at this page id (pages go in id order)"),
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help=_("queue the pages for the workers instead of making the audio here"),
        )

    def handle(self, *args, everything, unit, from_page, queue, **options):
        backfill = Backfill(
            everything=everything, unit=self.unit_of(unit), from_page=from_page, queue=queue
        )
        progress = Progress(self.write_progress, tty=self.stderr.isatty())
        try:
            tally = backfill.run(on_page=None if queue else progress)
        except KeyboardInterrupt:
            progress.finish()
            self.summarise(backfill.tally, queue)
            self.stderr.write(self.resume_hint(backfill, everything))
            raise CommandError(_("Interrupted."), returncode=130) from None
        progress.finish()
        self.summarise(tally, queue)

    def unit_of(self, code):
        if code is None:
            return None
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise CommandError(_("There is no unit with the code %(code)s.") % {"code": code})
        return unit

    def write_progress(self, text):
        self.stderr.write(text, style_func=lambda line: line, ending="")
        self.stderr.flush()

    def resume_hint(self, backfill, everything):
        if not everything:
            return _("Run the same command again to go on: pages already done are skipped.")
        options = ["--all", "--from-page", str(backfill.page_id or backfill.from_page or 0)]
        if backfill.unit is not None:
            options += ["--unit", backfill.unit.code]
        if backfill.queue:
            options.append("--queue")
        return _("To go on from there: manage.py make_audio %(options)s") % {
            "options": " ".join(options)
        }

    def summarise(self, tally, queue):
        if queue:
            self.stdout.write(
                _("%(queued)d pages queued for the workers, %(current)d already current.")
                % {"queued": tally.queued, "current": tally.current}
            )
            return
        self.stdout.write(
            _(
                "%(made)d made, %(reused)d reused (a file already made, nothing synthesised), "
                "%(failed)d failed, %(current)d skipped as current."
            )
            % {
                "made": tally.made,
                "reused": tally.reused,
                "failed": tally.failed,
                "current": tally.current,
            }
        )
        for page_id, reason in tally.reasons:
            self.stdout.write(
                _("  failed: page %(page)d: %(reason)s") % {"page": page_id, "reason": reason}
            )
        if tally.failed > len(tally.reasons):
            self.stdout.write(
                _("  and %(count)d more failures.") % {"count": tally.failed - len(tally.reasons)}
            )
        cpu = tally.cpu
        self.stdout.write(
            _(
                "%(audio)s of audio made; CPU %(cpu).1f s (espeak-ng and ffmpeg included), "
                "%(ratio).1f s of audio per CPU second; %(elapsed)s elapsed."
            )
            % {
                "audio": clock(tally.audio_seconds),
                "cpu": cpu,
                "ratio": tally.audio_seconds / cpu if cpu > 0 else 0,
                "elapsed": clock(tally.elapsed),
            }
        )
