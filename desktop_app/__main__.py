"""Entry point: `python -m desktop_app` and the `metodaktiv` console script."""

from __future__ import annotations

import multiprocessing
import sys

from desktop_app.cli import main as cli_main


def main() -> None:
    multiprocessing.freeze_support()  # a frozen copy started as a process (exchange/scan_child)
    sys.exit(cli_main())


if __name__ == "__main__":
    main()
