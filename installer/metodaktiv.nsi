; Per-user installer of Методактив: no administrator rights, installs under
; %LOCALAPPDATA%\Programs\Metodaktiv, Start-menu and desktop shortcuts, Russian pages.
; The user's data (%LOCALAPPDATA%\metodaktiv: database, backups, logs) is never inside the
; install folder; the uninstaller keeps it unless the user ticks the box to remove it.
;
; installer/build.py compiles it; by hand (python installer/versions.py 0.1.0 prints the
; three version options):
;   makensis /DVERSION=0.1.0 /DVI_VERSION=0.1.0.0 /DVERSION_KEY=0.0.1.0.0.0.0.4.0.0.999999999
;            /DSOURCE_DIR=dist\Metodaktiv /DOUTFILE=dist\setup.exe metodaktiv.nsi
; SOURCE_DIR must hold metodaktiv.exe, metodaktiv-cli.exe, LICENSE.txt,
; THIRD-PARTY-NOTICES.txt and _internal\ (the PyInstaller one-folder bundle).
;
; What it refuses, and its exit code then (the same in a silent /S run, which asks nothing):
;   3  the program is running (its mutex is held, or its files in the folder are in use);
;   4  a newer version is installed (the older one may not open a database the newer one has
;      upgraded); /DOWNGRADE on the command line allows it. The same version reinstalls.
;   5  the chosen folder is the data folder, or is not empty and holds no earlier install;
;   6  the copy in another folder (there is one install location) could not be removed.
; 1 is a cancel by the user, 2 another stop; nothing is changed before these checks pass.
Unicode true
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma

!ifndef VERSION
  !define VERSION "0.0.0"
  !define VI_VERSION "0.0.0.0"
  !define VERSION_KEY "0.0.0.0.0.0.0.4.0.0.999999999"
!endif
!ifndef VI_VERSION
  !error "VI_VERSION and VERSION_KEY must be given with VERSION: python installer/versions.py ${VERSION}"
!endif
!ifndef VERSION_KEY
  !error "VI_VERSION and VERSION_KEY must be given with VERSION: python installer/versions.py ${VERSION}"
!endif
!ifndef SOURCE_DIR
  !error "SOURCE_DIR (the PyInstaller one-folder bundle) must be given with /DSOURCE_DIR=..."
!endif
!ifndef OUTFILE
  !define OUTFILE "Metodaktiv-${VERSION}-setup.exe"
!endif

!define APP_NAME "Методактив"
!define APP_KEY "Metodaktiv"
!define APP_REG "Software\${APP_KEY}"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_KEY}"
!define DATA_DIR "$LOCALAPPDATA\metodaktiv"
; held by the running program (desktop_app/single_instance_win.py)
!define MUTEX_NAME "Local\Metodaktiv.Running"
; written first into the program folder: the folder is this installer's, and the uninstaller
; removes it whole
!define MARKER "install.ini"
!define COPYRIGHT "© 2026 Metodaktiv authors"
!define EXIT_RUNNING 3
!define EXIT_NEWER_INSTALLED 4
!define EXIT_BAD_FOLDER 5
!define EXIT_OTHER_COPY 6

Name "${APP_NAME} ${VERSION}"
Caption "Программа установки: ${APP_NAME} ${VERSION}"
UninstallCaption "Удаление программы: ${APP_NAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_KEY}"
InstallDirRegKey HKCU "${APP_REG}" "InstallDir"
BrandingText "${APP_NAME} ${VERSION}"

!include "MUI2.nsh"
!include "nsDialogs.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "WordFunc.nsh"

; The texts of the pages are phrased so that the name needs no declension.
!define MUI_ICON "${SOURCE_DIR}\_internal\resources\icons\metodaktiv.ico"
!define MUI_UNICON "${SOURCE_DIR}\_internal\resources\icons\metodaktiv.ico"
!define MUI_ABORTWARNING
!define MUI_ABORTWARNING_TEXT "Прервать установку? Программа не будет установлена."

!define MUI_WELCOMEPAGE_TITLE "Программа установки: ${APP_NAME} ${VERSION}"
!define MUI_WELCOMEPAGE_TEXT "Программа ${APP_NAME} будет установлена для текущего пользователя, права администратора не нужны.$\r$\n$\r$\nДанные программы (база, резервные копии, журналы) хранятся отдельно, в папке ${DATA_DIR}; установка новой версии их не затрагивает.$\r$\n$\r$\nПеред установкой закройте программу, если она открыта.$\r$\n$\r$\n$_CLICK"
!insertmacro MUI_PAGE_WELCOME

!define MUI_PAGE_HEADER_TEXT "Лицензия"
!define MUI_PAGE_HEADER_SUBTEXT "Условия использования программы"
!define MUI_LICENSEPAGE_TEXT_TOP "Программа свободная, лицензия MIT:"
!define MUI_LICENSEPAGE_TEXT_BOTTOM "Лицензии библиотек, входящих в программу, — в файле THIRD-PARTY-NOTICES.txt в папке программы. Принимать условия не требуется. $_CLICK"
!define MUI_LICENSEPAGE_BUTTON "$(^NextBtn)"
!insertmacro MUI_PAGE_LICENSE "${SOURCE_DIR}\LICENSE.txt"

!define MUI_PAGE_HEADER_TEXT "Папка установки"
!define MUI_PAGE_HEADER_SUBTEXT "Куда установить программу"
!define MUI_DIRECTORYPAGE_TEXT_TOP "Программа будет установлена в указанную папку. Папка должна быть новой, пустой или папкой прежней установки программы: при удалении программы она удаляется целиком. $_CLICK"
!define MUI_DIRECTORYPAGE_TEXT_DESTINATION "Папка установки"
!define MUI_PAGE_CUSTOMFUNCTION_LEAVE DirectoryLeave
!insertmacro MUI_PAGE_DIRECTORY

!define MUI_PAGE_HEADER_TEXT "Установка"
!define MUI_PAGE_HEADER_SUBTEXT "Копирование файлов программы"
!define MUI_INSTFILESPAGE_FINISHHEADER_TEXT "Установка завершена"
!define MUI_INSTFILESPAGE_FINISHHEADER_SUBTEXT "Программа установлена."
!define MUI_INSTFILESPAGE_ABORTHEADER_TEXT "Установка прервана"
!define MUI_INSTFILESPAGE_ABORTHEADER_SUBTEXT "Программа не установлена."
!insertmacro MUI_PAGE_INSTFILES
!undef MUI_INSTFILESPAGE_ABORTHEADER_TEXT ; MUI2 leaves these two defined
!undef MUI_INSTFILESPAGE_ABORTHEADER_SUBTEXT

!define MUI_FINISHPAGE_TITLE "Установка завершена"
!define MUI_FINISHPAGE_TEXT "Программа ${APP_NAME} ${VERSION} установлена. Ярлыки — в меню «Пуск» и на рабочем столе.$\r$\n$\r$\nНажмите «Готово», чтобы закрыть программу установки."
!define MUI_FINISHPAGE_RUN "$INSTDIR\metodaktiv.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Запустить программу"
!insertmacro MUI_PAGE_FINISH

!define MUI_PAGE_HEADER_TEXT "Удаление программы: ${APP_NAME}"
!define MUI_PAGE_HEADER_SUBTEXT "Программа будет удалена с компьютера"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "Папка программы будет удалена целиком. $_CLICK"
!define MUI_UNCONFIRMPAGE_TEXT_LOCATION "Папка:"
!insertmacro MUI_UNPAGE_CONFIRM
UninstPage custom un.DataPage un.DataPageLeave
!define MUI_PAGE_HEADER_TEXT "Удаление"
!define MUI_PAGE_HEADER_SUBTEXT "Удаление файлов программы"
!define MUI_INSTFILESPAGE_FINISHHEADER_TEXT "Удаление завершено"
!define MUI_INSTFILESPAGE_FINISHHEADER_SUBTEXT "Программа удалена."
!define MUI_INSTFILESPAGE_ABORTHEADER_TEXT "Удаление прервано"
!define MUI_INSTFILESPAGE_ABORTHEADER_SUBTEXT "Программа не удалена."
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "Russian"

VIProductVersion "${VI_VERSION}"
VIFileVersion "${VI_VERSION}"
VIAddVersionKey /LANG=${LANG_RUSSIAN} "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=${LANG_RUSSIAN} "CompanyName" "Metodaktiv authors"
VIAddVersionKey /LANG=${LANG_RUSSIAN} "FileDescription" "Программа установки: ${APP_NAME}"
VIAddVersionKey /LANG=${LANG_RUSSIAN} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_RUSSIAN} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_RUSSIAN} "LegalCopyright" "${COPYRIGHT}, лицензия MIT"

Var RemoveData
Var RemoveDataBox
Var OldDir ; the folder of the install the registry knows ("" when none)
Var AllowDowngrade

; ---------------------------------------------------------------------------------------------
; Shared by the installer and the uninstaller.

!macro SHARED_FUNCTIONS UN
; Push a path; Pop "1" when the file exists and cannot be opened for writing (a running
; program's own .exe cannot be).
Function ${UN}FileInUse
  Exch $0
  Push $1
  Push $2
  StrCpy $1 0
  ${If} ${FileExists} "$0"
    ClearErrors
    FileOpen $2 "$0" a
    ${If} ${Errors}
      StrCpy $1 1
    ${Else}
      FileClose $2
    ${EndIf}
  ${EndIf}
  StrCpy $0 $1
  Pop $2
  Pop $1
  Exch $0
FunctionEnd

; Push a folder; Pop "1" when the program runs: its mutex exists, or its programs in that
; folder are in use (a version older than the mutex).
Function ${UN}ProgramRunning
  Exch $0
  Push $1
  Push $2
  StrCpy $1 0
  System::Call 'kernel32::OpenMutexW(i 0x00100000, i 0, w "${MUTEX_NAME}") p .r2'
  ${If} $2 P<> 0
    System::Call 'kernel32::CloseHandle(p r2)'
    StrCpy $1 1
  ${EndIf}
  ${If} $1 == 0
  ${AndIf} $0 != ""
    Push "$0\metodaktiv.exe"
    Call ${UN}FileInUse
    Pop $1
    ${If} $1 == 0
      Push "$0\metodaktiv-cli.exe"
      Call ${UN}FileInUse
      Pop $1
    ${EndIf}
  ${EndIf}
  StrCpy $0 $1
  Pop $2
  Pop $1
  Exch $0
FunctionEnd

; Push a path, push a folder; Pop "1" when the path is that folder or inside it.
Function ${UN}PathInside
  Exch $1 ; folder
  Exch
  Exch $0 ; path
  Push $2
  Push $3
  StrLen $2 $1
  StrCpy $3 $0 $2
  ${If} $3 == $1 ; case-insensitive
    StrCpy $3 $0 1 $2
    ${If} $3 == ""
    ${OrIf} $3 == "\"
      StrCpy $0 1
    ${Else}
      StrCpy $0 0
    ${EndIf}
  ${Else}
    StrCpy $0 0
  ${EndIf}
  Pop $3
  Pop $2
  Exch $0
  Exch
  Pop $1
FunctionEnd

; Pop "1" when the program folder $INSTDIR and the data folder overlap.
Function ${UN}OverlapsData
  Push $0
  Push $INSTDIR
  Push "${DATA_DIR}"
  Call ${UN}PathInside
  Pop $0
  ${If} $0 == 0
    Push "${DATA_DIR}"
    Push $INSTDIR
    Call ${UN}PathInside
    Pop $0
  ${EndIf}
  Exch $0
FunctionEnd
!macroend

!insertmacro SHARED_FUNCTIONS ""
!insertmacro SHARED_FUNCTIONS "un."

; ---------------------------------------------------------------------------------------------
; The installer's checks: all of them before anything is changed.

; Push a folder; Pop "1" when it is a folder of this program: the installer's marker, or the
; uninstaller and the program of an install made before the marker.
Function IsProgramFolder
  Exch $0
  ${If} ${FileExists} "$0\${MARKER}"
    StrCpy $0 1
  ${ElseIf} ${FileExists} "$0\uninstall.exe"
  ${AndIf} ${FileExists} "$0\metodaktiv.exe"
    StrCpy $0 1
  ${Else}
    StrCpy $0 0
  ${EndIf}
  Exch $0
FunctionEnd

; Pop "1" when the program runs from the target folder or from the registered one (or holds
; its mutex anywhere).
Function RunningNow
  Push $0
  Push $INSTDIR
  Call ProgramRunning
  Pop $0
  ${If} $0 == 0
  ${AndIf} $OldDir != ""
    Push $OldDir
    Call ProgramRunning
    Pop $0
  ${EndIf}
  Exch $0
FunctionEnd

; Pop "" when the program may be closed by now, else "1" (the user gave up, or a silent run).
Function WaitUntilClosed
  Push $0
  retry:
    Call RunningNow
    Pop $0
    ${If} $0 == 1
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "Программа ${APP_NAME} сейчас запущена. Закройте её (все её окна) и нажмите «Повтор»." /SD IDCANCEL IDRETRY retry
      StrCpy $0 1
    ${Else}
      StrCpy $0 ""
    ${EndIf}
  Exch $0
FunctionEnd

; Pop "" when $INSTDIR may be installed into, else the reason (a message).
Function FolderProblem
  Push $0
  Call OverlapsData
  Pop $0
  ${If} $0 == 1
    StrCpy $0 "Папка $INSTDIR совпадает с папкой данных программы (${DATA_DIR}) или содержит её. Выберите другую папку."
  ${Else}
    Push $INSTDIR
    Call IsProgramFolder
    Pop $0
    ${If} $0 == 1
      StrCpy $0 ""
    ${Else}
      ${DirState} "$INSTDIR" $0 ; -1 none, 0 empty, 1 not empty
      ${If} $0 == 1
        StrCpy $0 "Папка $INSTDIR не пуста, и программы ${APP_NAME} в ней нет. Выберите новую или пустую папку: при удалении программы её папка удаляется целиком."
      ${Else}
        StrCpy $0 ""
      ${EndIf}
    ${EndIf}
  ${EndIf}
  Exch $0
FunctionEnd

; Pop "1" when the registry knows an install in a folder other than $INSTDIR that still holds
; the program.
Function OtherCopyExists
  Push $0
  StrCpy $0 0
  ${If} $OldDir != ""
  ${AndIf} $OldDir != $INSTDIR
    Push $OldDir
    Call IsProgramFolder
    Pop $0
  ${EndIf}
  Exch $0
FunctionEnd

Function .onInit
  SetShellVarContext current
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/DOWNGRADE" $1
  ${IfNot} ${Errors}
    StrCpy $AllowDowngrade 1
  ${EndIf}
  ReadRegStr $OldDir HKCU "${UNINST_KEY}" "InstallLocation"
  ${If} $OldDir == ""
    ReadRegStr $OldDir HKCU "${APP_REG}" "InstallDir"
  ${EndIf}

  Call WaitUntilClosed
  Pop $0
  ${If} $0 != ""
    SetErrorLevel ${EXIT_RUNNING}
    Quit
  ${EndIf}

  ; an older version over a newer one: refused unless /DOWNGRADE
  ReadRegStr $0 HKCU "${APP_REG}" "VersionKey"
  ${If} $0 != ""
  ${AndIf} $AllowDowngrade != 1
    ${VersionCompare} "${VERSION_KEY}" "$0" $1
    ${If} $1 == 2
      ReadRegStr $2 HKCU "${UNINST_KEY}" "DisplayVersion"
      MessageBox MB_OK|MB_ICONSTOP "Уже установлена более новая версия программы ${APP_NAME}: $2 (эта — ${VERSION}).$\r$\n$\r$\nБолее старая версия может не открыть базу данных, которую новая уже обновила, поэтому установка отменена. Чтобы всё же установить версию ${VERSION}, запустите программу установки с ключом /DOWNGRADE." /SD IDOK
      SetErrorLevel ${EXIT_NEWER_INSTALLED}
      Quit
    ${EndIf}
  ${EndIf}

  ; a silent run shows no folder page: its folder (/D=) is checked here
  ${If} ${Silent}
    Call FolderProblem
    Pop $0
    ${If} $0 != ""
      SetErrorLevel ${EXIT_BAD_FOLDER}
      Quit
    ${EndIf}
  ${EndIf}
FunctionEnd

Function DirectoryLeave
  Call FolderProblem
  Pop $0
  ${If} $0 != ""
    MessageBox MB_OK|MB_ICONEXCLAMATION "$0"
    Abort
  ${EndIf}
  Call OtherCopyExists
  Pop $0
  ${If} $0 == 1
    MessageBox MB_OKCANCEL|MB_ICONQUESTION "Программа ${APP_NAME} уже установлена в папке $OldDir.$\r$\n$\r$\nПеред установкой в папку $INSTDIR она будет удалена оттуда (данные программы сохранятся)." IDOK confirmed
    Abort
  ${EndIf}
  confirmed:
FunctionEnd

; The copy the registry knows in another folder is removed by its own uninstaller (which keeps
; the data); Pop "" when done or there was none, else the message.
Function RemoveOtherCopy
  Push $0
  Push $1
  StrCpy $1 ""
  Call OtherCopyExists
  Pop $0
  ${If} $0 == 1
    DetailPrint "Удаление прежней копии из папки $OldDir"
    SetOutPath "$TEMP" ; not the folder being removed
    ClearErrors
    ExecWait '"$OldDir\uninstall.exe" /S _?=$OldDir' $0
    ${If} ${Errors}
    ${OrIf} $0 != 0
      StrCpy $1 "Не удалось удалить прежнюю копию программы ${APP_NAME} из папки $OldDir. Удалите её в «Программах и компонентах» (или закройте программу) и запустите установку снова."
    ${Else}
      Delete "$OldDir\uninstall.exe"
      RMDir "$OldDir"
    ${EndIf}
  ${EndIf}
  StrCpy $0 $1
  Pop $1
  Exch $0
FunctionEnd

Section "Программа" SecMain
  SectionIn RO
  ; the program may have been started while the pages were shown
  Call WaitUntilClosed
  Pop $0
  ${If} $0 != ""
    SetErrorLevel ${EXIT_RUNNING}
    Abort "Программа ${APP_NAME} запущена: установка прервана, файлы не изменены."
  ${EndIf}
  ; one install location
  Call RemoveOtherCopy
  Pop $0
  ${If} $0 != ""
    MessageBox MB_OK|MB_ICONSTOP "$0" /SD IDOK
    SetErrorLevel ${EXIT_OTHER_COPY}
    Abort "$0"
  ${EndIf}

  ; an upgrade replaces the program files as a whole; the user's data lives elsewhere
  SetOutPath "$INSTDIR"
  WriteINIStr "$INSTDIR\${MARKER}" "${APP_KEY}" "Version" "${VERSION}"
  WriteINIStr "$INSTDIR\${MARKER}" "${APP_KEY}" "Note" "Made by the installer: uninstall.exe removes this folder as a whole"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\metodaktiv.exe"
  Delete "$INSTDIR\metodaktiv-cli.exe"
  ; the shortcuts point at metodaktiv.exe: makensis stops when the payload lacks it
  File "${SOURCE_DIR}\metodaktiv.exe"
  File "${SOURCE_DIR}\metodaktiv-cli.exe"
  File "${SOURCE_DIR}\LICENSE.txt"
  File "${SOURCE_DIR}\THIRD-PARTY-NOTICES.txt"
  File /r "${SOURCE_DIR}\_internal"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${APP_NAME}"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\${APP_NAME}.lnk" "$INSTDIR\metodaktiv.exe"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\${APP_NAME} — демонстрационная база.lnk" "$INSTDIR\metodaktiv.exe" "--demo"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\Удалить ${APP_NAME}.lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\metodaktiv.exe"

  WriteRegStr HKCU "${APP_REG}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${APP_REG}" "Version" "${VERSION}"
  WriteRegStr HKCU "${APP_REG}" "VersionKey" "${VERSION_KEY}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "Metodaktiv authors"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\metodaktiv.exe"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ; the size shown in «Программы и компоненты», in KB
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" $0
SectionEnd

; ---------------------------------------------------------------------------------------------
; The uninstaller.

Function un.onInit
  SetShellVarContext current
  StrCpy $RemoveData "0"
  retry:
    Push $INSTDIR
    Call un.ProgramRunning
    Pop $0
    ${If} $0 == 1
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "Программа ${APP_NAME} сейчас запущена. Закройте её (все её окна) и нажмите «Повтор»." /SD IDCANCEL IDRETRY retry
      SetErrorLevel ${EXIT_RUNNING}
      Quit
    ${EndIf}
FunctionEnd

Function un.DataPage
  !insertmacro MUI_HEADER_TEXT "Данные пользователя" "База данных, резервные копии и журналы"
  nsDialogs::Create 1018
  Pop $0
  ${NSD_CreateLabel} 0 0 100% 40u "Данные программы хранятся отдельно, в папке ${DATA_DIR}. Обычно их оставляют: новая версия программы откроет их снова."
  Pop $0
  ${NSD_CreateCheckbox} 0 50u 100% 12u "Удалить также все данные (базу, резервные копии, журналы)"
  Pop $RemoveDataBox
  nsDialogs::Show
FunctionEnd

Function un.DataPageLeave
  ${NSD_GetState} $RemoveDataBox $RemoveData
FunctionEnd

Section "Uninstall"
  ; the shortcuts and the registry entries are this copy's only when the registry names it
  ReadRegStr $1 HKCU "${UNINST_KEY}" "InstallLocation"
  SetOutPath "$TEMP" ; not the folder being removed
  Call un.OverlapsData
  Pop $0
  ${If} ${FileExists} "$INSTDIR\${MARKER}"
  ${AndIf} $0 == 0
    ; the folder this installer made: all of it, whatever the program or the user left there
    RMDir /r "$INSTDIR"
  ${Else}
    RMDir /r "$INSTDIR\_internal"
    Delete "$INSTDIR\metodaktiv.exe"
    Delete "$INSTDIR\metodaktiv-cli.exe"
    Delete "$INSTDIR\LICENSE.txt"
    Delete "$INSTDIR\THIRD-PARTY-NOTICES.txt"
    Delete "$INSTDIR\${MARKER}"
    Delete "$INSTDIR\uninstall.exe"
    RMDir "$INSTDIR"
  ${EndIf}
  ${If} $1 == ""
  ${OrIf} $1 == $INSTDIR
    Delete "$DESKTOP\${APP_NAME}.lnk"
    RMDir /r "$SMPROGRAMS\${APP_NAME}"
    DeleteRegKey HKCU "${UNINST_KEY}"
    DeleteRegKey HKCU "${APP_REG}"
  ${EndIf}
  ${If} $RemoveData == ${BST_CHECKED}
    RMDir /r "${DATA_DIR}"
  ${EndIf}
SectionEnd
