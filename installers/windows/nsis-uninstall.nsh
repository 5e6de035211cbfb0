  ; Stop and remove the service before its executable goes; the data directory
  ; (%ProgramData%\Keel: keys, database, config) stays, as the .deb keeps /var/lib/keel.
  nsExec::ExecToLog '"$INSTDIR\bin\keel.exe" service uninstall'
  Pop $0
