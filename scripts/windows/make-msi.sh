#!/usr/bin/env bash
# Makes keel-<version>-win64.msi from a cross-built tree with wixl (msitools): installs the tree
# (the same files the NSIS installer carries, DLLs deployed) into <build>/msi-stage, lists it with
# wixl-heat, and compiles installers/windows/keel.wxs with that list.
#   scripts/windows/make-msi.sh BUILD_DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)"
stage="$build/msi-stage"
version="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")"
[ -n "$version" ] || version=0.1.0

rm -rf "$stage"
cmake --install "$build" --prefix "$stage" --strip >/dev/null
(cd "$stage" && find . -type f | sed 's|^\./||' | sort) \
    | wixl-heat --prefix "" --var var.SourceDir --directory-ref INSTALLDIR --component-group CG.Files --win64 \
    >"$build/msi-files.wxs"
# wixl takes source paths relative to where it runs.
cd "$build"
wixl -a x64 -D Win64=yes -D Version="$version" -D SourceDir=msi-stage -D IconFile=msi-stage/share/keel/keel.ico \
    -o "keel-$version-win64.msi" "$root/installers/windows/keel.wxs" msi-files.wxs
ls -la "$build/keel-$version-win64.msi"
