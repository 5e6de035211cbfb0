#!/usr/bin/env bash
# The quick portability check: compiles every source of core/ and daemon/ for Windows (MinGW-w64,
# -fsyntax-only, the project's warnings as errors) against the headers of the Qt build tree of
# build-prefix.sh and the libraries' unpacked sources. Needs no finished prefix, links nothing:
# it answers "does Keel's code compile for Windows" while the prefix is still building.
#   scripts/windows/syntax-check.sh [FILE...]
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${KEEL_WIN_CACHE:-$HOME/.cache/keel-win}"
qb="$cache/build/qtbase"
qs="$(ls -d "$cache"/src/qt6-base-[0-9]* | head -1)"
inc="$cache/syntax-include"
[ -d "$qb/include/QtCore" ] || { echo "no Qt build tree in $qb: start build-prefix.sh first" >&2; exit 2; }

# Headers the libraries generate at configure time, made from their templates.
mkdir -p "$inc/sodium" "$inc/nghttp2"
sodium="$(ls -d "$cache"/src/libsodium-[0-9]* | head -1)"
cp -r "$sodium/src/libsodium/include/sodium" "$sodium/src/libsodium/include/sodium.h" "$inc/" # version.h beside export.h
sed -e 's/@VERSION@/1.0.18/' -e 's/@SODIUM_LIBRARY_VERSION_MAJOR@/10/' -e 's/@SODIUM_LIBRARY_VERSION_MINOR@/3/' \
    -e 's/@SODIUM_LIBRARY_MINIMAL_DEF@//' "$sodium/src/libsodium/include/sodium/version.h.in" >"$inc/sodium/version.h"
nghttp2="$(ls -d "$cache"/src/nghttp2-[0-9]* | head -1)"
sed -e 's/@PACKAGE_VERSION@/1.52.0/' -e 's/@PACKAGE_VERSION_NUM@/0x013400/' \
    "$nghttp2/lib/includes/nghttp2/nghttp2ver.h.in" >"$inc/nghttp2/nghttp2ver.h"
mkdir -p "$inc/generated"
sed 's/@PROJECT_VERSION@/0.1.0/g; s/@PROJECT_VERSION_MAJOR@/0/; s/@PROJECT_VERSION_MINOR@/1/; s/@PROJECT_VERSION_PATCH@/0/' "$root/cmake/KeelVersion.h.in" >"$inc/generated/KeelVersion.h"

flags=(-std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic -Werror -Wnon-virtual-dtor -Wcast-align
    -Woverloaded-virtual -Wno-missing-field-initializers -Wshadow=local
    -DUNICODE -D_UNICODE -DWIN32 -DMINGW_HAS_SECURE_API=1 -DQT_NO_DEBUG -DQT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    -I "$root/core" -I "$root/daemon" -I "$inc/generated" -I "$inc")
for m in QtCore QtNetwork QtSql QtConcurrent; do flags+=(-isystem "$qb/include/$m"); done
flags+=(-isystem "$qb/include" -isystem "$qs/mkspecs/win32-g++" -isystem "$cache/prefix/include"
    -isystem "$sodium/src/libsodium/include" -isystem "$nghttp2/lib/includes"
    -isystem "$(ls -d "$cache"/src/libzstd-[0-9]* | head -1)/lib"
    -isystem "$(ls -d "$cache"/src/yaml-cpp-[0-9]* | head -1)/include")

files=("$@")
[ ${#files[@]} -gt 0 ] || mapfile -t files < <(cd "$root" && find core daemon -name '*.cpp' | grep -v '/platform/Posix' | sort)
failed=0
for f in "${files[@]}"; do
    if ! out=$(cd "$root" && x86_64-w64-mingw32-g++-posix "${flags[@]}" "$f" 2>&1); then
        failed=$((failed + 1))
        echo "FAIL $f"
        echo "$out" | grep -E 'error' | head -5
    fi
done
echo "syntax-check: ${#files[@]} files, $failed failed"
[ "$failed" = 0 ]
