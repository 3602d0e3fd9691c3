"""Create the project's virtualenv with pip, even where Debian left ensurepip out.

Debian's python3 lacks ensurepip unless python3-venv is installed. Then we make the venv
without pip and install pip from its wheel on PyPI (the package registry the project uses
anyway), so `make run` and `make test` need nothing but Python 3.11+.
"""

import json
import subprocess
import sys
import tempfile
import urllib.request
import venv
from pathlib import Path

MIN_PYTHON = (3, 11)


def main(target: str) -> None:
    if sys.version_info < MIN_PYTHON:
        sys.exit(f"Python {'.'.join(map(str, MIN_PYTHON))}+ is needed; this is {sys.version.split()[0]}")
    path = Path(target)
    python = path / "bin" / "python"
    if (
        python.exists()
        and subprocess.run([python, "-m", "pip", "--version"], capture_output=True).returncode == 0
    ):
        return
    try:
        venv.create(path, with_pip=True, clear=True)
        return
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"venv with pip failed ({exc}); installing pip from PyPI instead", file=sys.stderr)
    venv.create(path, with_pip=False, clear=True)
    with urllib.request.urlopen("https://pypi.org/pypi/pip/json", timeout=60) as response:  # noqa: S310
        release = json.load(response)
    wheel = next(u for u in release["urls"] if u["filename"].endswith(".whl"))
    with tempfile.TemporaryDirectory() as tmp:
        wheel_path = Path(tmp) / wheel["filename"]
        urllib.request.urlretrieve(wheel["url"], wheel_path)  # noqa: S310
        subprocess.run([python, f"{wheel_path}/pip", "install", "--quiet", str(wheel_path)], check=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".venv")
