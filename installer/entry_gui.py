"""Frozen entry point of the window program (metodaktiv.exe, no console)."""

from desktop_app.__main__ import main

main()
