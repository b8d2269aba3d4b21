"""The program's PEP 440 version in the forms Windows and the installer need.

- ``vi_version``: the four numbers of a Windows version resource (VIProductVersion, the
  PyInstaller version file), each 0..65535: ``1.0`` → ``1.0.0.0``, ``0.2.0rc1`` → ``0.2.0.0``,
  ``1.2.3.post1`` → ``1.2.3.1``.
- ``version_key``: dotted whole numbers whose order, compared number by number (NSIS's
  ``${VersionCompare}``), is the PEP 440 order, so the installer can tell an older version
  from a newer one: ``1.0.dev1`` < ``1.0a1`` < ``1.0rc1`` < ``1.0`` < ``1.0.post1``.

    python installer/versions.py 0.2.0rc1     # prints the makensis /D options
"""

from __future__ import annotations

import sys

from packaging.version import InvalidVersion, Version

RELEASE_PARTS = 6  # 1.2.3.4.5.6 at most: the key has a fixed length
NUMBER_MAX = 999_999_998  # VersionCompare compares "1" + digits as a 32-bit number
NO_DEV = NUMBER_MAX + 1  # a release without .devN sorts after all of its dev releases
VI_MAX = 65535
# the stage of a release: dev-only release < alpha < beta < release candidate < final (or post)
STAGE_DEV, STAGE_FINAL = 0, 4
PRE_STAGES = {"a": 1, "b": 2, "rc": 3}


def parse(version: str) -> Version:
    try:
        return Version(version)
    except InvalidVersion as exc:
        raise ValueError(f"Версия «{version}» не соответствует PEP 440") from exc


def _number(value: int) -> int:
    return min(value, NUMBER_MAX)


def version_key(version: str) -> str:
    """Epoch, six release numbers, stage, pre-release number, post number + 1, dev number."""
    parsed = parse(version)
    if len(parsed.release) > RELEASE_PARTS:
        raise ValueError(f"В версии «{version}» больше {RELEASE_PARTS} чисел")
    release = list(parsed.release) + [0] * (RELEASE_PARTS - len(parsed.release))
    if parsed.pre is not None:
        stage, pre_number = PRE_STAGES[parsed.pre[0]], parsed.pre[1]
    elif parsed.dev is not None and parsed.post is None:
        stage, pre_number = STAGE_DEV, 0
    else:
        stage, pre_number = STAGE_FINAL, 0
    post = 0 if parsed.post is None else parsed.post + 1
    dev = NO_DEV if parsed.dev is None else _number(parsed.dev)
    numbers = [parsed.epoch, *release, stage, pre_number, post]
    return ".".join(str(_number(n)) for n in numbers) + f".{dev}"


def vi_numbers(version: str) -> tuple[int, int, int, int]:
    """Major, minor, micro and a fourth number: the fourth release number, else the post number."""
    parsed = parse(version)
    release = list(parsed.release[:4]) + [0] * (4 - min(len(parsed.release), 4))
    if len(parsed.release) < 4 and parsed.post is not None:
        release[3] = parsed.post
    a, b, c, d = (min(n, VI_MAX) for n in release)
    return a, b, c, d


def vi_version(version: str) -> str:
    return ".".join(str(n) for n in vi_numbers(version))


def makensis_defines(version: str) -> dict[str, str]:
    """The version defines metodaktiv.nsi needs (/DVERSION=… /DVI_VERSION=… /DVERSION_KEY=…)."""
    return {
        "VERSION": version,
        "VI_VERSION": vi_version(version),
        "VERSION_KEY": version_key(version),
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("python installer/versions.py ВЕРСИЯ", file=sys.stderr)
        return 2
    try:
        defines = makensis_defines(argv[0])
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(" ".join(f"/D{name}={value}" for name, value in defines.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
