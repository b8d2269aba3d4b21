"""Developers' helper: write a new Alembic revision from the models (autogenerate).

    python -m desktop_app.store.revision "what changed"
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from desktop_app.store.database import alembic_config, open_database


def main(message: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "head.sqlite")
        cfg = alembic_config()
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.revision(cfg, message=message, autogenerate=True)
        db.dispose()


if __name__ == "__main__":
    main(" ".join(sys.argv[1:]) or "schema change")
