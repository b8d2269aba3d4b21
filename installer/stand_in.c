/* Stand-in for metodaktiv.exe and metodaktiv-cli.exe in installer/check_wine.sh (built with
 * mingw): the installer is tried on these instead of the real bundle.
 *
 *   metodaktiv.exe [ARGS...]    appends "STAND_IN_VERSION name ARGS..." to the file named by the
 *                               environment variable STAND_IN_LOG (if set) and exits 0;
 *   metodaktiv.exe --hold STOP  stays running until the file STOP exists (two minutes at most),
 *                               holding the program's mutex as the real program does (the
 *                               line is logged once the mutex is held);
 *   metodaktiv.exe --hold-nomutex STOP
 *                               the same without the mutex (a version older than the mutex).
 */
#include <stdio.h>
#include <wchar.h>
#include <windows.h>

#ifndef STAND_IN_VERSION
#define STAND_IN_VERSION L"0"
#endif
#ifndef MUTEX_NAME
#define MUTEX_NAME L"Local\\Metodaktiv.Running"
#endif

static void log_arguments(int argc, wchar_t **argv) {
    wchar_t path[MAX_PATH];
    DWORD got = GetEnvironmentVariableW(L"STAND_IN_LOG", path, MAX_PATH);
    if (got == 0 || got >= MAX_PATH) {
        return;
    }
    FILE *log = _wfopen(path, L"a");
    if (!log) {
        return;
    }
    const wchar_t *name = wcsrchr(argv[0], L'\\');
    fwprintf(log, L"%ls %ls", STAND_IN_VERSION, name ? name + 1 : argv[0]);
    for (int i = 1; i < argc; i++) {
        fwprintf(log, L" %ls", argv[i]);
    }
    fwprintf(log, L"\n");
    fclose(log);
}

int wmain(int argc, wchar_t **argv) {
    int hold = argc == 3 && wcscmp(argv[1], L"--hold") == 0;
    int hold_nomutex = argc == 3 && wcscmp(argv[1], L"--hold-nomutex") == 0;
    HANDLE mutex = NULL;
    if (hold) {
        mutex = CreateMutexW(NULL, FALSE, MUTEX_NAME);
        if (!mutex) {
            return 3;
        }
    }
    log_arguments(argc, argv);
    if (hold || hold_nomutex) {
        for (int waited = 0; waited < 1200; waited++) {
            if (GetFileAttributesW(argv[2]) != INVALID_FILE_ATTRIBUTES) {
                break;
            }
            Sleep(100);
        }
    }
    if (mutex) {
        CloseHandle(mutex);
    }
    return 0;
}
