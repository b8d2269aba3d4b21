"""Frozen entry point of the command line (metodaktiv-cli.exe, with a console)."""

from desktop_app.__main__ import main
from desktop_app.single_instance_win import hold_running_mark

hold_running_mark()  # the installer waits for the command to end
main()
