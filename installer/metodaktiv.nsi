; Per-user installer of Методактив: no administrator rights, installs under
; %LOCALAPPDATA%\Programs\Metodaktiv, Start-menu and desktop shortcuts, Russian pages.
; The user's data (%LOCALAPPDATA%\metodaktiv: database, backups, logs) is never inside the
; install folder; the uninstaller keeps it unless the user ticks the box to remove it.
; Compile: makensis /DVERSION=0.1.0 /DSOURCE_DIR=dist\Metodaktiv /DOUTFILE=dist\setup.exe metodaktiv.nsi
Unicode true
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma

!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef SOURCE_DIR
  !error "SOURCE_DIR (the PyInstaller one-folder bundle) must be given with /DSOURCE_DIR=..."
!endif
!ifndef OUTFILE
  !define OUTFILE "Metodaktiv-${VERSION}-setup.exe"
!endif

!define APP_NAME "Методактив"
!define APP_KEY "Metodaktiv"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_KEY}"
!define DATA_DIR "$LOCALAPPDATA\metodaktiv"

Name "${APP_NAME} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_KEY}"
InstallDirRegKey HKCU "Software\${APP_KEY}" "InstallDir"
BrandingText "${APP_NAME} ${VERSION}"

!include "MUI2.nsh"
!include "nsDialogs.nsh"
!include "LogicLib.nsh"

!define MUI_ICON "${SOURCE_DIR}\_internal\resources\icons\metodaktiv.ico"
!define MUI_UNICON "${SOURCE_DIR}\_internal\resources\icons\metodaktiv.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\metodaktiv.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Запустить ${APP_NAME}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
UninstPage custom un.DataPage un.DataPageLeave
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "Russian"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=${LANG_RUSSIAN} "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=${LANG_RUSSIAN} "FileDescription" "Установка программы ${APP_NAME}"
VIAddVersionKey /LANG=${LANG_RUSSIAN} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_RUSSIAN} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_RUSSIAN} "LegalCopyright" "Свободная лицензия MIT"

Var RemoveData
Var RemoveDataBox

Section "Программа" SecMain
  SectionIn RO
  ; An upgrade replaces the program files only; the user's data lives elsewhere.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\metodaktiv.exe"
  Delete "$INSTDIR\metodaktiv-cli.exe"
  SetOutPath "$INSTDIR"
  File /r "${SOURCE_DIR}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${APP_NAME}"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\${APP_NAME}.lnk" "$INSTDIR\metodaktiv.exe"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\${APP_NAME} — демонстрационная база.lnk" "$INSTDIR\metodaktiv.exe" "--demo"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\Удалить ${APP_NAME}.lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\metodaktiv.exe"

  WriteRegStr HKCU "Software\${APP_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${APP_NAME}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\metodaktiv.exe"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
SectionEnd

Function un.onInit
  StrCpy $RemoveData "0"
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
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\metodaktiv.exe"
  Delete "$INSTDIR\metodaktiv-cli.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$DESKTOP\${APP_NAME}.lnk"
  RMDir /r "$SMPROGRAMS\${APP_NAME}"
  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegKey HKCU "Software\${APP_KEY}"
  ${If} $RemoveData == ${BST_CHECKED}
    RMDir /r "${DATA_DIR}"
  ${EndIf}
SectionEnd
