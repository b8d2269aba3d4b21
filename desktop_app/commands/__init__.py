"""Command-line subcommands: each module here has register(subparsers) setting func=handler.

A handler takes the parsed arguments and returns the exit code (0 done, 1 refused input or
damaged data); it raises UserError for a refusal with a Russian message.
"""

from __future__ import annotations

# Modules are listed in the order their commands appear in --help.
MODULES = [
    "desktop_app.commands.core",
    "desktop_app.commands.demo",
    "desktop_app.commands.exchange",
    "desktop_app.commands.collect",
    "desktop_app.commands.safety",
    "desktop_app.commands.indicators",
    "desktop_app.commands.recognitions",
    "desktop_app.commands.incomplete",
    "desktop_app.commands.report",
    "desktop_app.commands.site",
    "desktop_app.commands.orders",
    "desktop_app.commands.settings",
]
