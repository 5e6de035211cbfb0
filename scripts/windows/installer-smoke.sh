#!/usr/bin/env bash
# Builds the installer smoke project (installer-smoke/: the real packaging around stand-in
# programs), makes the NSIS .exe, the ZIP and the MSI, then installs and uninstalls the .exe
# silently under Wine and checks what the installer did. Prints a summary; exit 1 on a failed check.
#   scripts/windows/installer-smoke.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${KEEL_WIN_CACHE:-$HOME/.cache/keel-win}"
build="$cache/installer-smoke"
export WINEPREFIX="$cache/wine-smoke" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="

rm -rf "$build"
cmake -G Ninja -S "$here/installer-smoke" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$here/mingw-w64-x86_64.cmake" \
    -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build"
(cd "$build" && cpack -G "NSIS;ZIP")
"$here/make-msi.sh" "$build"

[ -f "$WINEPREFIX/system.reg" ] || { wineboot --init >/dev/null 2>&1 || true; wineserver -w || true; }
drive_c="$WINEPREFIX/drive_c"
rm -f "$drive_c/ProgramData/keel-installer-smoke.log"
exe="$(ls "$build"/keel-*-win64.exe)"
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }

echo "== install: wine $(basename "$exe") /S"
wine "$exe" /S
wineserver -w
inst="$drive_c/Program Files/Keel"
check "keel.exe and keel-manager.exe in Program Files\\Keel\\bin" '[ -f "$inst/bin/keel.exe" ] && [ -f "$inst/bin/keel-manager.exe" ]'
check "MinGW runtime DLLs deployed beside them" '[ -f "$inst/bin/libstdc++-6.dll" ] && [ -f "$inst/bin/libgcc_s_seh-1.dll" ] && [ -f "$inst/bin/libwinpthread-1.dll" ]'
check "data directory ProgramData\\Keel created" '[ -d "$drive_c/ProgramData/Keel" ]'
check "config written there by keel config init, with KEEL_DATA_DIR" 'grep -q "ProgramData.Keel.db.sqlite" "$drive_c/ProgramData/Keel/config.yaml"'
check "service installed with that config and started" 'grep -q "service install -c .*ProgramData.Keel.config.yaml" "$drive_c/ProgramData/keel-installer-smoke.log" && grep -q "service start" "$drive_c/ProgramData/keel-installer-smoke.log"'
check "uninstaller present" '[ -f "$inst/Uninstall.exe" ]'

echo "== uninstall: Uninstall.exe /S"
wine "$inst/Uninstall.exe" /S
wineserver -w
sleep 3 # the NSIS uninstaller copies itself to %TEMP% and runs from there
wineserver -w
check "service uninstalled before the files went" 'grep -q "service uninstall" "$drive_c/ProgramData/keel-installer-smoke.log"'
check "Program Files\\Keel removed" '[ ! -e "$inst/bin/keel.exe" ] && [ ! -e "$inst" ]'
check "data directory kept (keys, database, config)" '[ -f "$drive_c/ProgramData/Keel/config.yaml" ]'
echo "== commands the installer ran:"
cat "$drive_c/ProgramData/keel-installer-smoke.log"
ls -la "$build"/keel-*-win64.*
exit $fail
