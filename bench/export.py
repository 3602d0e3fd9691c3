"""Time the staff JSON export of the whole benchmark registry and report its peak memory.

Reads the benchmark database (BENCH_DATABASE_URL, filled by bench/full_pass.py) and writes
nothing to it: unlike bench.common.setup_django this does not migrate or load the law data.
The export goes to /dev/null unless --output is given.

    .venv/bin/python bench/export.py [--format json|csv] [--audience staff|public] [--output FILE]
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import BENCH_DB_URL  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=["json", "csv"], default="json")
    parser.add_argument("--audience", choices=["staff", "public"], default="staff")
    parser.add_argument("--output", default=os.devnull)
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = BENCH_DB_URL
    os.environ.setdefault("REGISTRY_ENV", "development")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
    import django

    django.setup()
    from cases.models import Person
    from cases.transfer.exporting import export_registry_csv, export_registry_json

    people = Person.objects.current().count()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    export = export_registry_json if args.format == "json" else export_registry_csv
    start = time.perf_counter()
    with open(args.output, "w", encoding="utf-8", newline="") as stream:
        export(stream, args.audience)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    size = Path(args.output).stat().st_size if args.output != os.devnull else None
    print(f"{args.audience} {args.format} export of {people} people: {seconds:.1f} s")
    print(f"peak resident memory: {peak / 1024:.0f} MiB (after start-up: {baseline / 1024:.0f} MiB)")
    if size is not None:
        print(f"file size: {size / 1024 / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
