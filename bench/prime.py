"""Ask every path of a load-test list once (bench/load_test.sh with PRIME=1), four at a time.

    .venv/bin/python bench/prime.py http://127.0.0.1:8123 paths.txt

Any answer other than 200 stops the load test: a primed cache of error pages proves nothing.
"""

import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def main() -> None:
    base, listing = sys.argv[1], sys.argv[2]
    with open(listing) as lines:
        paths = sorted({line.strip() for line in lines if line.strip()})

    def ask(path: str) -> int:
        with urllib.request.urlopen(base + path, timeout=30) as answer:  # noqa: S310 (our own http URL)
            answer.read()
            return answer.status

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(ask, paths))
    refused = [path for path, status in zip(paths, statuses, strict=True) if status != 200]
    if refused:
        raise SystemExit(f"{len(refused)} paths did not answer 200, e.g. {refused[0]}")
    print(f"primed {len(paths)} paths", file=sys.stderr)


if __name__ == "__main__":
    main()
