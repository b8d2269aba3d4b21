"""The files attached to a practice (a description, a presentation, a lesson plan): copied into
the data folder, their content kept in the database, so that every backup — a file's copy or a
server's dump — and every exchange book holds them.

The database has each file's name, size and SHA-256 (practice_files, in the change log) and its
content in parts of base64 text of at most PART_CHARS characters (practice_file_parts, written
set-based: the log keeps the file, not its bytes). The copy in the data folder
(«практики/<код практики>/<имя файла>») is the one a program opens: it is written from the
database whenever it is missing or differs — on another seat, after a restore or a merge — and
made read-only, since the database keeps the version attached: a changed file is attached again.
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from desktop_app import paths
from desktop_app.model import Practice, PracticeFile, PracticeFilePart
from desktop_app.services.practices import PracticeError

MIB = 1024 * 1024
MAX_FILE_BYTES = 20 * MIB  # a presentation with pictures; the exchange book carries it too
PART_BYTES = 24_000  # base64 makes 32 000 characters of it: a spreadsheet cell holds 32 767
MAX_NAME = 255
# characters a file name may not have on Windows (and «/» nowhere)
_FORBIDDEN = set('<>:"/\\|?*') | {chr(c) for c in range(32)}
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}


@dataclass(frozen=True)
class StoredFile:
    id: int
    practice_id: int
    name: str
    size: int
    sha256: str
    added_on: date


def files_dir() -> Path:
    """The data folder's «практики»: the copies of the files attached (created on demand)."""
    folder = paths.data_dir() / "практики"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def name_problem(name: str) -> str | None:
    """Why a file name cannot be kept (it names the copy in the data folder on any system)."""
    if not name.strip():
        return "имя файла не указано"
    if len(name) > MAX_NAME:
        return f"имя файла длиннее {MAX_NAME} знаков"
    bad = sorted({ch for ch in name if ch in _FORBIDDEN})
    if bad:
        shown = " ".join("перевод строки" if ch == "\n" else repr(ch)[1:-1] for ch in bad)
        return f"в имени файла недопустимые знаки: {shown}"
    if name != name.strip() or name.endswith("."):
        return "имя файла не может начинаться или кончаться пробелом, кончаться точкой"
    if name.split(".")[0].upper() in _RESERVED:
        return f"имя «{name}» зарезервировано в Windows"
    return None


def source_problem(path: Path) -> str | None:
    """Why a file on disk cannot be attached: missing, a folder, unreadable, empty, too large."""
    try:
        info = path.stat()
    except OSError:
        return f"файл «{path}» не найден"
    if not stat.S_ISREG(info.st_mode):
        return f"«{path}» — не файл"
    if info.st_size > MAX_FILE_BYTES:
        return (f"файл «{path.name}» больше {MAX_FILE_BYTES // MIB} МБ "
                f"({info.st_size / MIB:.1f} МБ)".replace(".", ","))
    if not os.access(path, os.R_OK):
        return f"файл «{path}» не читается"
    return name_problem(path.name)


def attach(session: Session, practice_id: int, source: Path, on: date | None = None) -> int:
    """Attach a file to a practice (caller commits): its content into the database, its copy
    into the data folder. The same file under the same name again changes nothing; another file
    under a name the practice has is refused. Returns the file's id."""
    practice = session.get(Practice, practice_id)
    if practice is None:
        raise PracticeError("Практика не найдена: возможно, её уже удалили.")
    problem = source_problem(source)
    if problem is not None:
        raise PracticeError(f"Файл не прикреплён: {problem}.")
    try:
        content = source.read_bytes()
    except OSError as exc:
        raise PracticeError(f"Файл «{source}» не прочитан: {exc.strerror or exc}.") from exc
    return store(session, practice_id, source.name, content, on)


def store(session: Session, practice_id: int, name: str, content: bytes,
          on: date | None = None, copy: bool = True) -> int:
    """Keep content under the name in a practice (attach() and the blank form's import, which
    writes no copy: a check without writing leaves nothing behind — the copy is made when the
    file is first opened)."""
    problem = name_problem(name)
    if problem is not None:
        raise PracticeError(f"Файл не прикреплён: {problem}.")
    if len(content) > MAX_FILE_BYTES:
        raise PracticeError(f"Файл «{name}» больше {MAX_FILE_BYTES // MIB} МБ.")
    digest = hashlib.sha256(content).hexdigest()
    same = session.scalar(select(PracticeFile).where(PracticeFile.practice_id == practice_id,
                                                     PracticeFile.name == name))
    if same is not None:
        if same.sha256 == digest:
            return same.id
        raise PracticeError(f"У практики уже есть файл «{name}» с другим содержимым: удалите "
                            "его или переименуйте новый.")
    row = PracticeFile(practice_id=practice_id, name=name, size=len(content), sha256=digest,
                       added_on=on or date.today())
    session.add(row)
    session.flush()
    session.execute(insert(PracticeFilePart), [
        {"file_id": row.id, "part": n, "data": base64.b64encode(chunk).decode("ascii")}
        for n, chunk in enumerate(_chunks(content), start=1)])
    if copy:
        _write_copy(_copy_path(practice_id, name), content)
    return row.id


def _chunks(content: bytes) -> list[bytes]:
    return [content[i:i + PART_BYTES] for i in range(0, len(content), PART_BYTES)] or [b""]


def remove(session: Session, file_id: int) -> None:
    """Detach a file (its parts go with it); the copy in the data folder is removed too."""
    row = session.get(PracticeFile, file_id)
    if row is None:
        raise PracticeError("Файл не найден: возможно, его уже удалили.")
    copy = _copy_path(row.practice_id, row.name)
    session.execute(delete(PracticeFilePart).where(PracticeFilePart.file_id == file_id))
    session.delete(row)
    session.flush()
    _unlink(copy)


def remove_copies(practice_id: int) -> None:
    """Remove the copies of a deleted practice's files from the data folder."""
    folder = files_dir() / str(practice_id)
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        _unlink(path)
    with suppress(OSError):
        folder.rmdir()


def content(session: Session, file_id: int) -> bytes:
    """The file's bytes as attached; PracticeError when the database's copy is damaged (its
    size or SHA-256 differ from those recorded)."""
    row = session.get(PracticeFile, file_id)
    if row is None:
        raise PracticeError("Файл не найден: возможно, его уже удалили.")
    parts = session.scalars(select(PracticeFilePart.data).where(
        PracticeFilePart.file_id == file_id).order_by(PracticeFilePart.part))
    try:
        data = b"".join(base64.b64decode(p, validate=True) for p in parts)
    except ValueError:
        data = b"\0"  # not base64: fails the check below
    if len(data) != row.size or hashlib.sha256(data).hexdigest() != row.sha256:
        raise PracticeError(f"Содержимое файла «{row.name}» в базе повреждено (не совпадает "
                            "его контрольная сумма): прикрепите файл заново.")
    return data


def working_copy(session: Session, file_id: int) -> Path:
    """The file's copy in the data folder, written from the database when it is missing or
    differs; the path to open."""
    row = session.get(PracticeFile, file_id)
    if row is None:
        raise PracticeError("Файл не найден: возможно, его уже удалили.")
    path = _copy_path(row.practice_id, row.name)
    if not _same(path, row.size, row.sha256):
        _write_copy(path, content(session, file_id))
    return path


def list_files(session: Session, practice_id: int) -> list[StoredFile]:
    stmt = select(PracticeFile).where(PracticeFile.practice_id == practice_id).order_by(
        PracticeFile.name)
    return [StoredFile(f.id, f.practice_id, f.name, f.size, f.sha256, f.added_on)
            for f in session.scalars(stmt)]


def size_text(size: int) -> str:
    """«850 байт», «12,4 КБ», «3,1 МБ»."""
    if size < 1024:
        return f"{size} байт"
    if size < MIB:
        return f"{size / 1024:.1f} КБ".replace(".", ",")
    return f"{size / MIB:.1f} МБ".replace(".", ",")


# the copies in the data folder ----------------------------------------------------------------
def _copy_path(practice_id: int, name: str) -> Path:
    safe = name if name_problem(name) is None else "".join(
        "_" if ch in _FORBIDDEN else ch for ch in name).strip(" .") or "файл"
    return files_dir() / str(practice_id) / safe


def _same(path: Path, size: int, sha256: str) -> bool:
    try:
        if path.stat().st_size != size:
            return False
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


def _write_copy(path: Path, data: bytes) -> None:
    """Write the copy whole (a partial file renamed over it) and make it read-only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    part.write_bytes(data)
    part.chmod(stat.S_IREAD | stat.S_IRGRP | stat.S_IROTH)
    if path.exists():
        path.chmod(stat.S_IREAD | stat.S_IWRITE)  # Windows replaces no read-only file
    os.replace(part, path)


def _unlink(path: Path) -> None:
    with suppress(OSError):
        path.chmod(stat.S_IREAD | stat.S_IWRITE)
        path.unlink()
