"""Frozen entry point of the command line (metodaktiv-cli.exe, with a console)."""

from desktop_app.__main__ import main

main()
