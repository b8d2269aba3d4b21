"""The program's log keeps each line's date and time; phone numbers, dates and names are masked
only in the message and the exception, where they may stand."""

from __future__ import annotations

import logging
import re

from desktop_app.cli import main
from desktop_app.logging_setup import MaskingFormatter, log_file, log_unexpected, mask

STAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} (INFO|ERROR) ", re.M)


def test_a_real_log_line_keeps_its_date_and_time(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "база.sqlite"
    assert main(["--db", str(path), "init"]) == 0  # the migrations log what they run
    logging.getLogger("desktop_app.test").info(
        "позвонить +7 (913) 555-12-34 или 8-913-555-12-34, доб. 2-14-07; записей 1 600 000, "
        "person_id=17, в 17:57:25")
    for handler in logging.getLogger().handlers:
        handler.flush()
    lines = log_file().read_text(encoding="utf-8").splitlines()
    assert lines and all(STAMP.match(line) for line in lines if not line.startswith(" "))
    assert "<номер>:" not in "\n".join(lines)  # the old mask ate the date and the hour
    line = next(line for line in lines if "desktop_app.test" in line)
    assert re.match(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} INFO desktop_app\.test: ", line)
    assert line.endswith("позвонить <номер> или <номер>, доб. <номер>; записей 1 600 000, "
                         "person_id=17, в 17:57:25")


def test_the_exception_is_masked_even_when_another_handler_formatted_it_first(
        tmp_path) -> None:  # type: ignore[no-untyped-def]
    record = None
    try:
        raise ValueError("Ёлкина Анна 13.04.1979 +7 900 111-22-33 anna@example.ru")
    except ValueError as exc:
        record = logging.LogRecord("desktop_app.x", logging.ERROR, __file__, 1,
                                   "сбой у записи %s", (17,), (type(exc), exc, exc.__traceback__))
    logging.Formatter().format(record)  # caches the plain traceback on the record
    text = MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s").format(record)
    assert re.match(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} ERROR desktop_app\.x: сбой у "
                    r"записи 17\n", text)
    for secret in ("Ёлкина", "Анна", "13.04.1979", "111-22-33", "anna@"):
        assert secret not in text, secret
    assert "ValueError: <…> <…> <дата> <номер> <эл. почта>" in text


def test_phone_mask_needs_a_phone_shape() -> None:
    for phone in ("+7 913 555-12-34", "+7 (913) 555-12-34", "8 (3822) 77-66-55",
                  "89135551234", "+79135551234", "913 555-12-34", "55-12-34", "2-14-07"):
        assert mask(f"тел. {phone}.") == "тел. <номер>.", phone
    for kept in ("2026-12-06 17:57:25,568", "17:57:25", "person_id=17", "1 600 000",
                 "ревизия 0008", "1234567890", "версия 2.0.1"):
        assert mask(kept).endswith(kept.split()[-1]), kept
    assert mask("родилась 1979-04-13") == "родилась <дата>"


def test_unexpected_error_logged_with_its_time(tmp_path) -> None:  # type: ignore[no-untyped-def]
    try:
        raise RuntimeError("сбой")
    except RuntimeError as exc:
        path = log_unexpected(type(exc), exc, exc.__traceback__)
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} ERROR desktop_app\.errors: "
                     r"непредвиденная ошибка RuntimeError$", text, re.M)
