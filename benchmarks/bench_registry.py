"""Region-scale timings of the «Реестр» tab, each beside a plain Python filter in the same run.

Run: python benchmarks/bench_registry.py [--fresh]. Uses benchmarks/common.py region_db_path()
when it exists, otherwise writes the region demo (desktop_app.demo.write_demo, 30 000 people,
about a minute) once into the temp folder and reuses it.
Goals (median): keystroke in the search field → updated table ≤ 100 ms; sort by a column
≤ 300 ms; opening a person's form ≤ 150 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop_app.store.database import open_database  # noqa: E402
from desktop_app.textutil import fold, ru_sort_key  # noqa: E402

NEEDLES = ["и", "ив", "ива", "иван", "ивано", "иванов", "п", "пё", "пёт", "се", "сем", "семё",
           "ё", "ел", "елк", "к", "ку", "куз", "а", "ан"]
GOALS = {"search": 100.0, "sort": 300.0, "form": 150.0}


def region_db(fresh: bool) -> Path:
    try:
        from benchmarks.common import region_db_path  # type: ignore[import-not-found]

        path: Path = region_db_path()
        if path.exists() and not fresh:
            return path
    except ImportError:
        pass
    path = Path(tempfile.gettempdir()) / "metodaktiv-bench-registry-region.sqlite"
    if fresh or not path.exists():
        from desktop_app.demo import write_demo

        print("Пишу демонстрационную базу региона (около минуты)…", flush=True)
        write_demo(path, scale="region")
    return path


def ms(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def line(name: str, value: float, baseline: float, goal: float | None = None) -> None:
    ratio = value / baseline if baseline else float("inf")
    met = "да" if goal is not None and value <= goal else "НЕТ"
    verdict = "" if goal is None else f"  цель ≤ {goal:.0f} мс: {met}"
    print(f"{name:<44} {value:8.1f} мс   простой фильтр Python {baseline:7.1f} мс   "
          f"× {ratio:5.1f}{verdict}")


def type_char(widget, ch: str) -> None:  # type: ignore[no-untyped-def]
    QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch,
                       Qt.KeyboardModifier.NoModifier)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fresh", action="store_true", help="пересоздать базу")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    db = open_database(region_db(args.fresh))
    from desktop_app.ui.registry.person_dialog import PersonDialog
    from desktop_app.ui.registry.tab import RegistryTab

    tab: RegistryTab
    opened = ms(lambda: globals().__setitem__("_tab", RegistryTab(db)))
    tab = globals()["_tab"]
    tab.resize(1300, 760)
    tab.show()
    app.processEvents()
    rows = tab.people.model.visible_rows() or []
    all_rows = [tab.people.model._rows[i] for i in range(tab.people.model.total_count())]
    keys = [fold(r[0]) for r in all_rows]
    print(f"Педагогов: {len(all_rows)}; показано без выбывших: {len(rows)}")
    line("открытие вкладки «Реестр» (3 списка)", opened,
         ms(lambda: [fold(r[0]) for r in all_rows]))

    # search: one keystroke at a time, the table updated synchronously
    search_times, plain_times = [], []
    for needle in NEEDLES:
        tab.people.search.clear()
        for i, ch in enumerate(needle):
            search_times.append(ms(lambda ch=ch: (type_char(tab.people.search, ch),
                                                  app.processEvents())))
            part = needle[: i + 1].replace("ё", "е")
            plain_times.append(ms(lambda part=part: [k for k in keys if part in k]))
    tab.people.search.clear()
    line("поиск: нажатие клавиши → таблица (медиана)", statistics.median(search_times),
         statistics.median(plain_times), GOALS["search"])
    print(f"{'':<44} максимум {max(search_times):.1f} мс из {len(search_times)} нажатий")

    # sort by each column, both orders
    sort_times, plain_sort = [], []
    for column in range(tab.people.model.columnCount()):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            sort_times.append(ms(lambda c=column, o=order: (tab.people.table.sortByColumn(c, o),
                                                            app.processEvents())))
        plain_sort.append(ms(lambda c=column: sorted(
            all_rows, key=lambda r: ru_sort_key(str(r[c]) if r[c] is not None else ""))))
    line("сортировка по столбцу (медиана)", statistics.median(sort_times),
         statistics.median(plain_sort), GOALS["sort"])
    print(f"{'':<44} максимум {max(sort_times):.1f} мс (первая сортировка строит ключи)")

    # opening a person's form
    ids = [r[-1] for r in all_rows[:: max(len(all_rows) // 15, 1)]][:15]
    form_times, plain_form = [], []
    for pid in ids:
        def open_form(pid: int = pid) -> None:
            dialog = PersonDialog(db, pid, tab)
            dialog.show()
            app.processEvents()
            dialog.reject()
            dialog.deleteLater()

        form_times.append(ms(open_form))
        plain_form.append(ms(lambda pid=pid: [r for r in all_rows if r[-1] == pid]))
    line("открытие формы педагога (медиана)", statistics.median(form_times),
         statistics.median(plain_form), GOALS["form"])
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
