  ; Keel's data directory: %ProgramData%\Keel, for the service (LocalSystem) and Administrators
  ; only. icacls removes the inherited entries (Users may read ProgramData) before granting.
  SetShellVarContext all
  CreateDirectory "$APPDATA\Keel"
  nsExec::ExecToLog 'icacls "$APPDATA\Keel" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F'
  Pop $0
  ; A config to start from, with its data paths in that directory (kept on upgrade and uninstall).
  IfFileExists "$APPDATA\Keel\config.yaml" keel_config_done 0
    System::Call 'Kernel32::SetEnvironmentVariable(t "KEEL_DATA_DIR", t "$APPDATA\Keel")i'
    nsExec::ExecToLog '"$INSTDIR\bin\keel.exe" config init "$APPDATA\Keel\config.yaml"'
    Pop $0
  keel_config_done:
  ; The service is offered, not imposed (silent installs: yes).
  MessageBox MB_YESNO|MB_ICONQUESTION "Run Keel as a Windows service (starts at boot, as LocalSystem)?$\r$\n$\r$\nYou can change this later with 'keel service install' or 'keel service uninstall'." /SD IDYES IDNO keel_service_done
    nsExec::ExecToLog '"$INSTDIR\bin\keel.exe" service install -c "$APPDATA\Keel\config.yaml"'
    Pop $0
    nsExec::ExecToLog '"$INSTDIR\bin\keel.exe" service start'
    Pop $0
  keel_service_done:
