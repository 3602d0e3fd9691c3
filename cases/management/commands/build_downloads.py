from django.core.management.base import BaseCommand, CommandError

from cases.models import PublishedFile
from cases.transfer import published_files


class Command(BaseCommand):
    help = (
        "Build the files of the whole published registry (/data/registry.json and .csv) now, "
        "or with --if-due only those beat would build (cases.transfer.published_files)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--if-due", action="store_true", help="only the files that are due")

    def handle(self, *args, if_due, **options):
        if if_due:
            built = published_files.refresh()
            for format, why in built.items():
                self.stdout.write(f"built {format} ({why})")
            if not built:
                self.stdout.write("nothing due")
            return
        for format, _label in PublishedFile.FORMATS:
            file = published_files.build(format)
            if file is None:
                raise CommandError(f"{format}: another process is building it now")
            self.stdout.write(
                f"built {format}: {file.size} bytes, {file.compressed_size} compressed, "
                f"in {file.build_seconds:.1f} s"
            )
