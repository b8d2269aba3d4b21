"""incomplete: working people and ОО with a value «не указано» or missing (reads only)."""

from __future__ import annotations

import argparse
import json

from desktop_app.commands.common import open_db
from desktop_app.services.incomplete import IncompleteRecord, incomplete_records, missing_counts


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "incomplete", help="неполные записи: педагоги и ОО с «не указано» (только чтение)",
        description="Работающие педагоги и действующие ОО, у которых не указано то, от чего "
        "зависят показатели и документы: уровень и педагогическое образование, категория, "
        "начало стажа, должность, место работы; тип, полное наименование и руководитель ОО. "
        "База не изменяется.",
    )
    p.add_argument("--json", action="store_true", help="вывести список в JSON")
    p.set_defaults(func=run_incomplete)


def run_incomplete(args: argparse.Namespace) -> int:
    db = open_db(args, read_only=True)
    try:
        with db.sessions() as session:
            records = incomplete_records(session)
    finally:
        db.dispose()
    if args.json:
        print(json.dumps([_as_json(r) for r in records], ensure_ascii=False, indent=1))
    else:
        print(_text(records))
    return 0


def _as_json(record: IncompleteRecord) -> dict[str, object]:
    return {"kind": record.kind, "id": record.id, "name": record.name,
            "organisation": record.organisation, "missing": list(record.missing)}


def _text(records: list[IncompleteRecord]) -> str:
    if not records:
        return "Неполных записей нет: у всех работающих педагогов и действующих ОО всё указано."
    orgs = sum(1 for r in records if r.kind == "organisation")
    lines = [f"Неполных записей: {len(records)} (ОО — {orgs}, педагогов — {len(records) - orgs})",
             ""]
    for r in records:
        where = f" ({r.organisation})" if r.kind == "person" and r.organisation else ""
        lines.append(f"{r.kind_label} № {r.id}: {r.name}{where} — не указано: {r.missing_text}")
    lines += ["", "Чаще всего не указано: " + ", ".join(
        f"{item} — {n}" for item, n in missing_counts(records).most_common())]
    return "\n".join(lines)
