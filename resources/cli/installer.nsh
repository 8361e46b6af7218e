; Skvoz installer additions (electron-builder nsis.include): `skvoz.cmd` is installed next to
; Skvoz.exe (electron-builder.yml win.extraFiles); here the installer offers to put that folder
; on PATH — for the current user, or for everyone when installed for all users — so that
; `skvoz export …` works in any console and in Task Scheduler. A silent install (/S) adds it only
; when run with /SKVOZPATH. An update keeps the choice; the uninstaller takes the folder off PATH.
; PATH is edited by resources\skvoz-path.ps1 (the registry value as it is, no length limit).
!include "FileFunc.nsh"

; runs skvoz-path.ps1 with `action` (-Add, -Remove, -Test); its exit code is left in $R8
!macro skvozPath action
  ${if} $installMode == "all"
    StrCpy $R9 "Machine"
  ${else}
    StrCpy $R9 "User"
  ${endif}
  nsExec::ExecToLog '"$SYSDIR\WindowsPowerShell\v1.0\powershell.exe" -NoProfile -NonInteractive -ExecutionPolicy Bypass -File "$INSTDIR\resources\skvoz-path.ps1" -Dir "$INSTDIR" -Scope $R9 ${action}'
  Pop $R8
!macroend

!macro customInstall
  !insertmacro skvozPath "-Test"
  ${if} $R8 != "10"
    ${GetParameters} $R7
    ClearErrors
    ${GetOptions} $R7 "/SKVOZPATH" $R6
    ${ifNot} ${Errors}
      !insertmacro skvozPath "-Add"
    ${elseIfNot} ${Silent}
      ${if} ${Cmd} `MessageBox MB_YESNO|MB_ICONQUESTION "Добавить команду skvoz в PATH?$\r$\nТогда выгрузки по расписанию и скрипты смогут вызывать «skvoz export …» из любой папки.$\r$\n$\r$\nAdd the skvoz command to PATH (for scheduled exports and scripts)?" /SD IDNO IDYES`
        !insertmacro skvozPath "-Add"
      ${endif}
    ${endif}
  ${endif}
!macroend

!macro customUnInstall
  ${ifNot} ${isUpdated}
  ${andIf} ${FileExists} "$INSTDIR\resources\skvoz-path.ps1"
    !insertmacro skvozPath "-Remove"
  ${endif}
!macroend
