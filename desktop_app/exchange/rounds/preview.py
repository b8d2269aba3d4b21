"""The preview of a returned round file: its review (review.py) and what the apply itself
would refuse, found by running the apply (apply.py) in a transaction that is rolled back.
Nothing is written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from desktop_app.exchange.rounds.apply import write_changes
from desktop_app.exchange.rounds.review import Review, read_review
from desktop_app.store.database import Database


def review_return(db: Database, path: Path, today: date | None = None) -> Review:
    """Read a returned round file and say what applying it would do; nothing is written.

    Raises RoundError (a Russian message) when the file is refused as a whole: not an xlsx or
    damaged, a blank form or an exchange book, a file of another round or of another database,
    an edited hidden sheet, an ОО unknown or without a file in the round, rows naming another
    ОО. Row refusals are in Review.errors: those of reading and of the codes, and what the apply
    itself refuses (it is run in a transaction that is rolled back).
    """
    today = today or date.today()
    with db.sessions() as session:
        try:
            review = read_review(session, Path(path), today)
            if review.returned is not None and not review.applied_before:
                written = write_changes(session, review, None, today)
                review.errors += [e for e in written.errors if e not in review.errors]
                review.notes += written.notes
        finally:
            session.rollback()
    return review
