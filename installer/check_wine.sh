#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2012  # scenarios are called by name; ls only in messages
# The Windows installer tried under wine, as a user would meet it: the NSIS script is compiled
# for several versions with a stand-in payload (installer/stand_in.c built by mingw: programs
# that log their arguments and, asked to, stay running and hold the program's mutex), then, in
# a fresh wine prefix with its own HOME in a temporary folder, silent runs install, upgrade,
# refuse a downgrade, accept /DOWNGRADE, refuse over a running copy, move the install to
# another folder, uninstall (the data folder kept) and upgrade an install made by the previous
# installer script. Each scenario prints «ok» or «FAIL» with the reasons; the exit code is the
# number of failed scenarios. Nothing is written outside the temporary folder (wine keeps its
# server socket in /tmp/.wine-$UID).
#
# Needs (Debian 12):
#   dpkg --add-architecture i386 && apt-get update
#   apt-get install --no-install-recommends nsis wine wine64 wine32:i386 gcc-mingw-w64-x86-64-win32
# and a Python with «packaging» (PYTHON, default .venv/bin/python), whose installed
# distributions the notices are made from.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PY=${PYTHON:-$ROOT/.venv/bin/python}
[ -x "$PY" ] || PY=python3
NSI=$ROOT/installer/metodaktiv.nsi
CC=x86_64-w64-mingw32-gcc
STARTED=$SECONDS

for tool in makensis wine wineserver winepath "$CC"; do
    if ! command -v "$tool" >/dev/null; then
        echo "Нет программы $tool: см. «Needs» в начале $0" >&2
        exit 100
    fi
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/metodaktiv-wine.XXXXXX")
HOLDER=""
cleanup() {
    if [ -n "$HOLDER" ]; then touch "$WORK/stop" && wait "$HOLDER" 2>/dev/null; fi
    wineserver -k 2>/dev/null || true # this run's prefix only
    if [ "${KEEP_WINE_WORK:-0}" = 1 ]; then echo "kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

mkdir -p "$WORK/home" "$WORK/tmp"
export HOME=$WORK/home TMPDIR=$WORK/tmp WINEPREFIX=$WORK/prefix
export XDG_CONFIG_HOME=$HOME/.config XDG_CACHE_HOME=$HOME/.cache XDG_DATA_HOME=$HOME/.local/share
export XDG_RUNTIME_DIR=$WORK/run
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
export PYTHONDONTWRITEBYTECODE=1
unset DISPLAY WAYLAND_DISPLAY
export STAND_IN_LOG_U=$WORK/stand-in.log

# --- the installers ----------------------------------------------------------------------
MUTEX=$(sed -n 's/^!define MUTEX_NAME "\(.*\)"/\1/p' "$NSI")
MUTEX_C=${MUTEX//\\/\\\\}
"$PY" installer/notices.py --out "$WORK/THIRD-PARTY-NOTICES.txt" --crlf >/dev/null \
    2>"$WORK/notices.err" || { cat "$WORK/notices.err" >&2; exit 100; }
sed 's/$/\r/' "$ROOT/LICENSE" >"$WORK/LICENSE.txt"

payload() { # VERSION → $WORK/payload-VERSION, a stand-in of the one-folder bundle
    local dir=$WORK/payload-$1
    mkdir -p "$dir/_internal/resources/icons"
    "$CC" -municode -O2 -s -DSTAND_IN_VERSION="L\"$1\"" -DMUTEX_NAME="L\"$MUTEX_C\"" \
        -o "$dir/metodaktiv.exe" "$ROOT/installer/stand_in.c"
    cp "$dir/metodaktiv.exe" "$dir/metodaktiv-cli.exe"
    cp "$ROOT/resources/icons/metodaktiv.ico" "$dir/_internal/resources/icons/"
    echo "$1" >"$dir/_internal/only-in-$1.txt"
    cp "$WORK/LICENSE.txt" "$WORK/THIRD-PARTY-NOTICES.txt" "$dir/"
}

compile() { # VERSION [NSI] → $WORK/setup-VERSION.exe
    local nsi=${2:-$NSI} defines=()
    payload "$1"
    if [ "$nsi" = "$NSI" ]; then
        read -r -a defines <<<"$("$PY" installer/versions.py "$1")"
        defines=("${defines[@]/#\//-}")
    else
        defines=("-DVERSION=$1")
    fi
    makensis -V2 "${defines[@]}" "-DSOURCE_DIR=$WORK/payload-$1" \
        "-DOUTFILE=$WORK/setup-$1.exe" "$nsi" >"$WORK/makensis-$1.log" 2>&1 ||
        { cat "$WORK/makensis-$1.log" >&2; return 1; }
}

for version in 1.0 1.2.3.post1 0.2.0rc1 0.2.0; do
    compile "$version"
done
# the previous installer script (before the checks of this one): the last committed version
# of metodaktiv.nsi that knows no VERSION_KEY, if the history is here
LEGACY=""
for commit in $(git log --format=%H -- installer/metodaktiv.nsi 2>/dev/null || true); do
    git show "$commit:installer/metodaktiv.nsi" >"$WORK/legacy.nsi" 2>/dev/null || continue
    if ! grep -q VERSION_KEY "$WORK/legacy.nsi"; then
        compile 0.1.0 "$WORK/legacy.nsi" && LEGACY=$commit
        break
    fi
done
echo "скомпилировано за $((SECONDS - STARTED)) с: $(cd "$WORK" && ls setup-*.exe | tr '\n' ' ')"

# --- the prefix ----------------------------------------------------------------------------
# a Cyrillic user name, as on many office PCs: the profile, %LOCALAPPDATA% and the program
# folder are not ASCII
export USER=Иванова LOGNAME=Иванова
wineboot -i >/dev/null 2>&1
PROFILE_U=$WINEPREFIX/drive_c/users/$USER
LOCAL_W="C:\\users\\$USER\\AppData\\Local"
LOCAL_U=$PROFILE_U/AppData/Local
PROG_W="$LOCAL_W\\Programs\\Metodaktiv"
PROG_U=$LOCAL_U/Programs/Metodaktiv
OTHER_W="$LOCAL_W\\Другое место\\Metodaktiv"
OTHER_U="$LOCAL_U/Другое место/Metodaktiv"
DATA_U=$LOCAL_U/metodaktiv
MENU_U="$PROFILE_U/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Методактив"
DESKTOP_U=$PROFILE_U/Desktop
UNINST='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Metodaktiv'
APPREG='HKCU\Software\Metodaktiv'
winpath() { winepath -w "$1" 2>/dev/null | tr -d '\r'; }
export STAND_IN_LOG
STAND_IN_LOG=$(winpath "$STAND_IN_LOG_U")
if [ ! -d "$LOCAL_U" ] || [ ! -d "$DESKTOP_U" ]; then
    echo "префикс wine не такой, как ожидалось: нет $LOCAL_U или $DESKTOP_U" >&2
    exit 100
fi
echo "$(wine --version), префикс готов; прошло $((SECONDS - STARTED)) с"

# the user's data, made by an earlier use of the program
mkdir -p "$DATA_U/backups"
echo "база пользователя" >"$DATA_U/metodaktiv.sqlite"

# --- helpers -----------------------------------------------------------------------------
FAILED=0
PROBLEMS=()
fail() { PROBLEMS+=("$*"); }
scenario() { # TITLE FUNCTION
    PROBLEMS=()
    local began=$SECONDS
    "$2" || fail "сценарий прерван (код $?)"
    if [ ${#PROBLEMS[@]} -eq 0 ]; then
        printf 'ok    %s (%d с)\n' "$1" $((SECONDS - began))
    else
        printf 'FAIL  %s\n' "$1"
        printf '        %s\n' "${PROBLEMS[@]}"
        FAILED=$((FAILED + 1))
    fi
}
RC=0
setup() { # VERSION [ARGS...]: a silent run of that installer; its exit code in RC
    # through cmd, as typed in a console: wine would quote an argument holding a space, and
    # NSIS takes /D= only unquoted (/D=C:\Some folder)
    local version=$1
    shift
    RC=0
    wine cmd /c "$(winpath "$WORK/setup-$version.exe") /S $*" >/dev/null 2>&1 || RC=$?
}
expect_rc() { [ "$RC" = "$1" ] || fail "код выхода $RC, ожидался $1"; }
reg_value() { # KEY NAME → the value ("" when absent): REG_SZ as text, REG_DWORD as 0x…
    rm -f "$WORK/key.reg"
    wine reg export "$1" "$(winpath "$WORK/key.reg")" /y >/dev/null 2>&1 || return 0
    iconv -f UTF-16 -t UTF-8 "$WORK/key.reg" | tr -d '\r' | sed -n "s/^\"$2\"=//p" |
        sed 's/^"\(.*\)"$/\1/; s/\\\\/\\/g; s/^dword:/0x/'
}
points_to() { # LNK TARGET_W: the shortcut names every folder of the target, in order
    "$PY" - "$1" "$2" <<'PYEOF'
import sys

data = open(sys.argv[1], "rb").read()
position = 0
for part in sys.argv[2].split("\\")[1:]:
    found = [data.find(part.encode(e), position) for e in ("utf-16-le", "cp1251", "utf-8")]
    found = [f for f in found if f >= 0]
    if not found:
        sys.exit(1)
    position = min(found) + 1
PYEOF
}
state() { # everything an installer may change: files of both folders, shortcuts, registry
    local dir
    for dir in "$PROG_U" "$OTHER_U" "$MENU_U"; do
        [ -d "$dir" ] && (cd "$dir" && find . -type f -print0 | sort -z | xargs -0r sha256sum)
        echo "-- $dir"
    done
    (cd "$DESKTOP_U" && find . -name '*.lnk' -print0 | sort -z | xargs -0r sha256sum)
    local key
    for key in "$UNINST" "$APPREG"; do
        rm -f "$WORK/key.reg"
        wine reg export "$key" "$(winpath "$WORK/key.reg")" /y >/dev/null 2>&1 &&
            iconv -f UTF-16 -t UTF-8 "$WORK/key.reg"
        echo "-- $key"
    done
}
unchanged_since() { # FILE of an earlier state()
    state >"$WORK/state.now"
    cmp -s "$1" "$WORK/state.now" || fail "изменено: $(diff "$1" "$WORK/state.now" | head -5 | tr '\n' ' ')"
}
program_says() { # FOLDER_U → the version the installed metodaktiv.exe logs
    : >"$STAND_IN_LOG_U"
    wine "$1/metodaktiv.exe" --version >/dev/null 2>&1 || true
    awk 'NR == 1 {print $1}' "$STAND_IN_LOG_U"
}
expect_installed() { # VERSION FOLDER_U FOLDER_W: the program, its files and its registration
    local version=$1 dir=$2 dir_w=$3 file size
    for file in metodaktiv.exe metodaktiv-cli.exe uninstall.exe install.ini LICENSE.txt \
        THIRD-PARTY-NOTICES.txt "_internal/only-in-$version.txt"; do
        [ -f "$dir/$file" ] || fail "нет $file в папке программы"
    done
    [ "$(find "$dir/_internal" -name 'only-in-*' | wc -l)" = 1 ] ||
        fail "в _internal остались файлы прежней версии: $(ls "$dir/_internal" | tr '\n' ' ')"
    grep -q "Copyright (c) 2026 Metodaktiv authors" "$dir/LICENSE.txt" 2>/dev/null ||
        fail "LICENSE.txt без правообладателя"
    grep -q "^PySide6 " "$dir/THIRD-PARTY-NOTICES.txt" 2>/dev/null ||
        fail "THIRD-PARTY-NOTICES.txt без PySide6"
    [ "$(program_says "$dir")" = "$version" ] || fail "metodaktiv.exe не версии $version"
    [ "$(reg_value "$UNINST" DisplayVersion)" = "$version" ] ||
        fail "DisplayVersion «$(reg_value "$UNINST" DisplayVersion)», ожидалась $version"
    [ "$(reg_value "$UNINST" InstallLocation)" = "$dir_w" ] ||
        fail "InstallLocation «$(reg_value "$UNINST" InstallLocation)», ожидалась $dir_w"
    size=$(reg_value "$UNINST" EstimatedSize)
    if [ -z "$size" ] || [ $((size)) -le 100 ]; then fail "EstimatedSize «$size»"; fi
    for file in "$MENU_U/Методактив.lnk" "$MENU_U/Удалить Методактив.lnk" \
        "$MENU_U/Методактив — демонстрационная база.lnk" "$DESKTOP_U/Методактив.lnk"; do
        if [ ! -f "$file" ]; then
            fail "нет ярлыка $file"
        elif ! points_to "$file" "$dir_w\\metodaktiv.exe" &&
            ! points_to "$file" "$dir_w\\uninstall.exe"; then
            fail "ярлык $(basename "$file") указывает не в $dir_w"
        fi
    done
    [ "$(cat "$DATA_U/metodaktiv.sqlite" 2>/dev/null)" = "база пользователя" ] ||
        fail "папка данных изменена"
}
hold() { # FOLDER_U --hold|--hold-nomutex: the installed program starts and stays running
    rm -f "$WORK/stop"
    : >"$STAND_IN_LOG_U"
    wine "$1/metodaktiv.exe" "$2" "$(winpath "$WORK/stop")" >/dev/null 2>&1 &
    HOLDER=$!
    local tries=0
    until [ -s "$STAND_IN_LOG_U" ] || [ "$tries" -ge 100 ]; do
        sleep 0.1
        tries=$((tries + 1))
    done
    [ -s "$STAND_IN_LOG_U" ] || fail "программа-заместитель не запустилась"
}
release() {
    touch "$WORK/stop"
    wait "$HOLDER" || true
    HOLDER=""
}

# --- the scenarios -----------------------------------------------------------------------
first_install() {
    setup 1.0
    expect_rc 0
    expect_installed 1.0 "$PROG_U" "$PROG_W"
    [ "$(reg_value "$UNINST" DisplayName)" = "Методактив" ] ||
        fail "DisplayName «$(reg_value "$UNINST" DisplayName)»"
}
upgrade() {
    setup 1.2.3.post1
    expect_rc 0
    expect_installed 1.2.3.post1 "$PROG_U" "$PROG_W"
}
same_again() {
    setup 1.2.3.post1
    expect_rc 0
    expect_installed 1.2.3.post1 "$PROG_U" "$PROG_W"
}
downgrade_refused() {
    state >"$WORK/state.before"
    setup 0.2.0rc1
    expect_rc 4
    unchanged_since "$WORK/state.before"
}
downgrade_allowed() {
    setup 0.2.0rc1 /DOWNGRADE
    expect_rc 0
    expect_installed 0.2.0rc1 "$PROG_U" "$PROG_W"
}
candidate_to_release() {
    setup 0.2.0
    expect_rc 0
    expect_installed 0.2.0 "$PROG_U" "$PROG_W"
}
running_refused() { # --hold|--hold-nomutex
    hold "$PROG_U" "$1"
    state >"$WORK/state.before"
    setup 1.2.3.post1
    expect_rc 3
    unchanged_since "$WORK/state.before"
    release
}
running_mutex() { running_refused --hold; }
running_files() { running_refused --hold-nomutex; }
uninstall_running_refused() {
    hold "$PROG_U" --hold
    state >"$WORK/state.before"
    RC=0
    wine "$PROG_U/uninstall.exe" /S "_?=$PROG_W" >/dev/null 2>&1 || RC=$?
    expect_rc 3
    unchanged_since "$WORK/state.before"
    release
}
foreign_folder_refused() {
    mkdir -p "$LOCAL_U/Чужая папка"
    echo "не программа" >"$LOCAL_U/Чужая папка/документ.txt"
    state >"$WORK/state.before"
    setup 1.2.3.post1 "/D=$LOCAL_W\\Чужая папка"
    expect_rc 5
    unchanged_since "$WORK/state.before"
    [ "$(ls "$LOCAL_U/Чужая папка")" = "документ.txt" ] || fail "чужая папка изменена"
}
data_folder_refused() {
    state >"$WORK/state.before"
    setup 1.2.3.post1 "/D=$LOCAL_W\\metodaktiv"
    expect_rc 5
    unchanged_since "$WORK/state.before"
}
another_folder() {
    setup 1.2.3.post1 "/D=$OTHER_W"
    expect_rc 0
    expect_installed 1.2.3.post1 "$OTHER_U" "$OTHER_W"
    [ ! -e "$PROG_U" ] || fail "прежняя папка осталась: $(ls -A "$PROG_U" | tr '\n' ' ')"
}
uninstall() {
    # what the program or the user may leave in the program folder goes with it
    echo "заметка" >"$OTHER_U/заметки.txt"
    mkdir -p "$OTHER_U/_internal/__pycache__"
    echo x >"$OTHER_U/_internal/__pycache__/x.pyc"
    RC=0
    wine "$OTHER_U/uninstall.exe" /S >/dev/null 2>&1 || RC=$?
    wineserver -w # the uninstaller goes on from a copy in %TEMP%
    expect_rc 0
    [ ! -e "$OTHER_U" ] || fail "папка программы осталась: $(ls -A "$OTHER_U" | tr '\n' ' ')"
    [ -d "$LOCAL_U/Другое место" ] || fail "удалена папка над папкой программы"
    [ ! -e "$MENU_U" ] || fail "осталась папка в меню «Пуск»"
    [ ! -e "$DESKTOP_U/Методактив.lnk" ] || fail "остался ярлык на рабочем столе"
    if wine reg query "$UNINST" >/dev/null 2>&1; then
        fail "осталась запись в «Программах и компонентах»"
    fi
    if wine reg query "$APPREG" >/dev/null 2>&1; then fail "остался ключ $APPREG"; fi
    [ "$(cat "$DATA_U/metodaktiv.sqlite" 2>/dev/null)" = "база пользователя" ] ||
        fail "папка данных не сохранена"
}
legacy_upgrade() {
    if [ -z "$LEGACY" ]; then
        echo "        (нет истории git: прежний сценарий установки не найден)"
        return
    fi
    setup 0.1.0
    expect_rc 0
    if [ ! -f "$PROG_U/uninstall.exe" ] || [ -e "$PROG_U/install.ini" ]; then
        fail "установка прежним сценарием не такая, как ожидалось"
    fi
    setup 1.0
    expect_rc 0
    expect_installed 1.0 "$PROG_U" "$PROG_W"
    RC=0
    wine "$PROG_U/uninstall.exe" /S >/dev/null 2>&1 || RC=$?
    wineserver -w
    [ ! -e "$PROG_U" ] || fail "папка программы осталась после удаления"
}

scenario "установка 1.0 в новую систему" first_install
scenario "обновление 1.0 → 1.2.3.post1 (файлы прежней версии не остаются)" upgrade
scenario "та же версия 1.2.3.post1 ставится повторно" same_again
scenario "0.2.0rc1 поверх 1.2.3.post1 отклонена (код 4), ничего не изменено" downgrade_refused
scenario "0.2.0rc1 поверх 1.2.3.post1 с /DOWNGRADE" downgrade_allowed
scenario "0.2.0 поверх 0.2.0rc1 (кандидат старше выпуска)" candidate_to_release
scenario "программа запущена (мьютекс): отказ, код 3, ничего не изменено" running_mutex
scenario "программа запущена (без мьютекса, файлы заняты): отказ, код 3" running_files
scenario "удаление при запущенной программе: отказ, код 3" uninstall_running_refused
scenario "непустая чужая папка отклонена (код 5)" foreign_folder_refused
scenario "папка данных как папка установки отклонена (код 5)" data_folder_refused
scenario "установка в другую папку: прежняя копия удалена, данные на месте" another_folder
scenario "удаление: папка программы целиком, ярлыки, реестр; данные сохранены" uninstall
scenario "обновление установки прежнего сценария (0.1.0 → 1.0) и её удаление" legacy_upgrade

echo "сценариев не пройдено: $FAILED; всего $((SECONDS - STARTED)) с"
exit "$FAILED"
