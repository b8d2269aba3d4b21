"""What differs between the two engines, in one place: SQLite and PostgreSQL.

The services read with Core expressions or text() run through session.execute (SQLAlchemy turns
:name into the driver's placeholders); the few pieces of SQL that cannot be written once for
both engines come from here, chosen by the dialect's name:

* binary_order / binary_order_sql — a text key in plain code point order. people.sort_key is
  built (textutil.person_sort_key) to sort right by code points, as SQLite's BINARY does; a
  PostgreSQL database with a linguistic collation (ICU ru-RU, ru_RU.UTF-8) would sort it by
  that collation instead, so there the key takes COLLATE "C" (SQLite has no collation named C).
* full_years_sql — full years from a date column to the date parameter :on (as
  textutil.years_between): SQLite stores dates as ISO text, PostgreSQL has age().
* join_in_order — SQLite's «CROSS JOIN … ON», which keeps SQLite's planner on the order
  written; PostgreSQL does not accept ON after CROSS JOIN and plans a plain JOIN itself.
* as_date / as_datetime — a date column read through plain SQL is ISO text on SQLite and a
  date on PostgreSQL.
* folded — textutil.fold in SQL: SQLite calls the Python function the engine registers
  (store.engine), PostgreSQL spells it with its own string functions.
* json_member_is — a JSON text column holding an object whose member is an integer: SQLite's
  json_extract, PostgreSQL's jsonb.

SQLAlchemy is imported only by the helpers that build expressions: people_list reads the
window's first list through a plain sqlite3 connection before SQLAlchemy is loaded
(tests/test_start_reads.py), with the text helpers of this module.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, SQLColumnExpression
    from sqlalchemy.orm import Session
    from sqlalchemy.sql.functions import FunctionElement

SQLITE = "sqlite"
POSTGRESQL = "postgresql"


def dialect_name(session: Session) -> str:
    """«sqlite» or «postgresql»: the engine the session works on."""
    return session.get_bind().dialect.name


# --- binary (code point) order of text keys ----------------------------------------------------


@cache
def _binary_order_class() -> type[FunctionElement[str]]:
    """The construct of binary_order, made (and its SQL registered) on first use."""
    from sqlalchemy import String
    from sqlalchemy.ext.compiler import compiles
    from sqlalchemy.sql.compiler import SQLCompiler
    from sqlalchemy.sql.functions import FunctionElement

    class BinaryOrder(FunctionElement[str]):
        type = String()
        inherit_cache = True

    @compiles(BinaryOrder)
    def plain(element: BinaryOrder, compiler: SQLCompiler, **kw: Any) -> str:
        return compiler.process(element.clauses, **kw)

    @compiles(BinaryOrder, POSTGRESQL)
    def collate_c(element: BinaryOrder, compiler: SQLCompiler, **kw: Any) -> str:
        return f'({compiler.process(element.clauses, **kw)}) COLLATE "C"'

    return BinaryOrder


def binary_order(expression: SQLColumnExpression[Any]) -> ColumnElement[str]:
    """A text expression sorted by code points: as it is on SQLite (BINARY), with COLLATE "C"
    on PostgreSQL. For ORDER BY people.sort_key and other stored keys."""
    return _binary_order_class()(expression)


def binary_order_sql(dialect: str, expression: str) -> str:
    """binary_order in SQL text: the expression sorted by code points on the dialect."""
    return f'{expression} COLLATE "C"' if dialect == POSTGRESQL else expression


def full_name_sql(alias: str) -> str:
    """«Иванов Иван Иванович» of the people row alias in SQL (textutil.fio)."""
    return f"trim({alias}.last_name || ' ' || {alias}.first_name || ' ' || {alias}.middle_name)"


def short_name_sql(alias: str) -> str:
    """«Иванов И.И.» of the people row alias in SQL (textutil.short_fio; substr counts
    characters, not bytes, on either engine): long lists get their names made by the database."""
    return (
        f"{alias}.last_name"
        f" || CASE WHEN {alias}.first_name <> '' THEN ' ' || substr({alias}.first_name, 1, 1)"
        f" || '.' ELSE '' END"
        f" || CASE WHEN {alias}.middle_name <> '' THEN substr({alias}.middle_name, 1, 1) || '.'"
        f" ELSE '' END"
    )


# --- dates ---------------------------------------------------------------------------------------


def full_years_sql(dialect: str, column: str) -> str:
    """SQL of the full years from a date column to the date :on (textutil.years_between).

    SQLite: the ISO text of the column against the parameters :year and :month_day
    (full_years_params); PostgreSQL: the years of age(:on, column)."""
    if dialect == POSTGRESQL:
        return f"CAST(date_part('year', age(CAST(:on AS DATE), {column})) AS INTEGER)"
    return (f"(:year - CAST(substr({column}, 1, 4) AS INTEGER)"
            f" - (:month_day < substr({column}, 6, 5)))")


def full_years_params(on: date) -> dict[str, Any]:
    """The parameters full_years_sql reads, on either dialect: :on, :year and :month_day.

    :on is ISO text (a plain sqlite3 connection takes it; PostgreSQL types an untyped literal
    by what it is compared with, and full_years_sql casts it)."""
    iso = on.isoformat()
    return {"on": iso, "year": on.year, "month_day": iso[5:]}


def as_date(value: object) -> date:
    """A date read through plain SQL: a date (PostgreSQL) or its ISO text (SQLite)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def as_date_or_none(value: object) -> date | None:
    """as_date, None for NULL or empty text."""
    return as_date(value) if value is not None and value != "" else None


def as_datetime(value: object) -> datetime | None:
    """A timestamp read through plain SQL: a datetime (PostgreSQL) or its ISO text (SQLite)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


# --- joins ---------------------------------------------------------------------------------------


def join_in_order(dialect: str) -> str:
    """The keyword of a join whose order is meant: «CROSS JOIN» (SQLite keeps the tables in the
    order written, with the condition in ON) or «JOIN» (PostgreSQL: CROSS JOIN takes no ON, and
    its planner chooses the order itself)."""
    return "JOIN" if dialect == POSTGRESQL else "CROSS JOIN"


# --- text functions ------------------------------------------------------------------------------


def folded(dialect: str, expression: SQLColumnExpression[Any]) -> ColumnElement[str]:
    """textutil.fold of a text expression in SQL: spaces cleaned, lower case, ё as е (NULL
    stays NULL on PostgreSQL and is «» on SQLite: neither matches a LIKE pattern).

    PostgreSQL's lower() folds Cyrillic under a UTF-8 locale or an ICU collation (not under
    the plain C locale)."""
    from sqlalchemy import String, func

    if dialect != POSTGRESQL:
        return func.fold(expression, type_=String)
    spaced = func.regexp_replace(func.replace(expression, "\u00a0", " "), r"\s+", " ", "g")
    return func.replace(func.lower(func.btrim(spaced)), "ё", "е", type_=String)


def json_member_is(dialect: str, column: SQLColumnExpression[Any], key: str,
                   value: int) -> ColumnElement[bool]:
    """The JSON object in a text column (empty text: none) has the member key equal to the
    integer value (the number, not its text)."""
    from sqlalchemy import cast, func, literal
    from sqlalchemy.dialects.postgresql import JSONB

    if dialect != POSTGRESQL:
        return func.json_extract(func.nullif(column, ""), f"$.{key}") == value
    # the value bound as JSONB is serialised to JSON: the number, which jsonb compares by value
    return cast(func.nullif(column, ""), JSONB)[key] == literal(int(value), JSONB)


# the key of PostgreSQL's transaction-level advisory lock an import holds (any fixed number
# the program alone uses: «МАКТ» in ASCII)
IMPORT_LOCK_KEY = 0x4D414B54


def hold_import_lock(session: Session) -> None:
    """On a server, a second import waits here until the first one is committed or rolled back,
    then reads what it wrote (the same teacher in both files is matched, not added twice); the
    lock ends with the transaction. A SQLite file has one writer at a time already."""
    if dialect_name(session) == POSTGRESQL:
        from sqlalchemy import text

        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK_KEY})
