"""Frozen entry point of the window program (metodaktiv.exe, no console)."""

import multiprocessing

multiprocessing.freeze_support()  # a process started by the program runs its task, and no more

from desktop_app.__main__ import main  # noqa: E402
from desktop_app.single_instance_win import hold_running_mark  # noqa: E402

hold_running_mark()  # the installer waits for the program to be closed
main()
