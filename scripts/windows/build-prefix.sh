#!/usr/bin/env bash
# Builds the Windows (x86_64-w64-mingw32, posix threads) prefix Keel cross-compiles against: Qt 6.4.2
# (base with SQLite, network, widgets; websockets, svg, charts), OpenSSL, libsodium, yaml-cpp,
# nghttp2, zstd, SQLite, libxcrypt, libqrencode and QtKeychain, all from Debian bookworm's sources.
#
#   scripts/windows/build-prefix.sh [--no-apt] [stage...]
#
# The prefix lives in ${KEEL_WIN_CACHE:-$HOME/.cache/keel-win}/prefix; every stage leaves a stamp in
# .../stamps, so a second run reuses what was built (delete a stamp to rebuild one stage). Without
# stage names, every stage runs in order. Not part of `make test`: the Qt stage alone takes an hour
# or more on two cores. Needs root (or sudo) for apt-get; adds a deb-src entry
# (/etc/apt/sources.list.d/keel-win-src.sources) when the machine has none.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${KEEL_WIN_CACHE:-$HOME/.cache/keel-win}"
prefix="$cache/prefix"
src="$cache/src"
bld="$cache/build"
stamps="$cache/stamps"
# The toolchain file is copied into the cache: CMake keeps its path in every build tree (and Qt's
# qt.toolchain.cmake chain-loads it), so it must outlive the checkout the script ran from.
toolchain="$cache/mingw-w64-x86_64.cmake"
triple=x86_64-w64-mingw32
jobs="${KEEL_WIN_JOBS:-$(nproc)}"
host_cmake=/usr/lib/x86_64-linux-gnu/cmake
mkdir -p "$prefix" "$src" "$bld" "$stamps"
cmp -s "$here/mingw-w64-x86_64.cmake" "$toolchain" || cp "$here/mingw-w64-x86_64.cmake" "$toolchain"
export KEEL_WIN_PREFIX="$prefix"

log() { printf '%s [build-prefix] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { log "error: $*"; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_packages=(mingw-w64 g++-mingw-w64-x86-64-posix gcc-mingw-w64-x86-64-posix wine64 wine nsis
    wixl msitools cmake ninja-build dpkg-dev perl tcl pkg-config autoconf automake libtool xvfb x11-apps
    imagemagick librsvg2-bin icnsutils
    qt6-base-dev qt6-base-dev-tools qt6-l10n-tools)

install_deps() {
    local missing=()
    for p in "${apt_packages[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    if ! grep -rqs '^\(Types: *deb-src\|deb-src \)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
        log "adding deb-src for bookworm: /etc/apt/sources.list.d/keel-win-src.sources"
        as_root tee /etc/apt/sources.list.d/keel-win-src.sources >/dev/null <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
        as_root apt-get update -q
    fi
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing: ${missing[*]}"
        as_root apt-get update -q
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
}

# Where a source package's upstream lives, for the mirrors that lack it: <repo name> <tag>, the
# same version as bookworm's package.
declare -A upstream=([qt6-websockets]="qtwebsockets v6.4.2" [qt6-svg]="qtsvg v6.4.2"
    [qt6-charts]="qtcharts v6.4.2" [qtkeychain]="qtkeychain v0.13.2" [qrencode]="libqrencode v4.1.1")
git_mirrors="${KEEL_WIN_GIT_MIRRORS:-$cache/git}"

# Unpacks Debian source package $1 (with Debian's patches) into $src/<dir>; prints the directory.
# When apt-get source cannot (a partial Debian mirror), the upstream release tag is taken from a
# local clone $KEEL_WIN_GIT_MIRRORS/<repo name> (git archive; no Debian patches, none are needed).
unpack() {
    local pkg="$1"
    local dir
    dir="$(find "$src" -maxdepth 1 -type d -name "${pkg}-[0-9]*" | head -1)"
    if [ -z "$dir" ] && ! (cd "$src" && apt-get source -q "$pkg" >&2); then
        local up="${upstream[$pkg]:-}"
        [ -n "$up" ] || die "apt-get source $pkg failed"
        local repo="${up% *}" tag="${up#* }"
        [ -d "$git_mirrors/$repo" ] \
            || die "apt-get source $pkg failed, and no clone of $repo in $git_mirrors (set KEEL_WIN_GIT_MIRRORS)"
        log "$pkg: apt-get source failed; $repo $tag from $git_mirrors/$repo"
        mkdir -p "$src/$pkg-${tag#v}"
        git -C "$git_mirrors/$repo" archive --format=tar "$tag" | tar -x -C "$src/$pkg-${tag#v}"
    fi
    dir="$(find "$src" -maxdepth 1 -type d -name "${pkg}-[0-9]*" | head -1)"
    [ -n "$dir" ] || die "no source tree for $pkg"
    echo "$dir"
}

# A CMake project built with the toolchain into the prefix: cmake_stage <name> <srcdir> [args...]
# (cmake_configure: the same, configured only).
cmake_configure() {
    local name="$1" dir="$2"
    shift 2
    cmake -G Ninja -S "$dir" -B "$bld/$name" -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
        -DKEEL_WIN_PREFIX="$prefix" -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_PREFIX_PATH="$prefix" "$@"
}
cmake_stage() {
    cmake_configure "$@"
    cmake --build "$bld/$1" -j"$jobs"
    cmake --install "$bld/$1"
}

# Options every Qt module's configure needs in this cross build.
qt_host=(-DQT_HOST_PATH=/usr -DQT_HOST_PATH_CMAKE_DIR="$host_cmake" -DQT_BUILD_EXAMPLES=OFF
    -DQT_BUILD_TESTS=OFF -DQT_BUILD_BENCHMARKS=OFF)

# A project on top of the built qtbase (other Qt modules, QtKeychain): through the toolchain file
# qtbase installed, which chain-loads ours and knows the host Qt (its moc, rcc, uic).
qt_stage() {
    local name="$1" dir="$2"
    shift 2
    cmake -G Ninja -S "$dir" -B "$bld/$name" -DCMAKE_TOOLCHAIN_FILE="$prefix/lib/cmake/Qt6/qt.toolchain.cmake" \
        -DKEEL_WIN_PREFIX="$prefix" -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_PREFIX_PATH="$prefix" "${qt_host[@]}" "$@"
    cmake --build "$bld/$name" -j"$jobs"
    cmake --install "$bld/$name"
}

# Qt's network code loads OpenSSL at run time (openssl-runtime), so qtbase only needs the headers:
# they come from a configured (not yet built) OpenSSL tree, and the libraries follow later.
stage_openssl_headers() {
    local dir
    dir="$(unpack openssl)"
    (cd "$dir" && ./Configure mingw64 --cross-compile-prefix=$triple- --prefix="$prefix" \
        --libdir=lib no-tests shared && make build_generated)
    mkdir -p "$prefix/include"
    cp -r "$dir/include/openssl" "$prefix/include/"
}

stage_sqlite() {
    local dir
    dir="$(unpack sqlite3)"
    # The amalgamation is generated on the build machine (tclsh), then compiled for Windows.
    (cd "$dir" && { [ -f Makefile ] || ./configure --disable-tcl >/dev/null; } && make sqlite3.c sqlite3.h)
    local flags=(-O2 -DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_JSON1
        -DSQLITE_ENABLE_RTREE -DSQLITE_THREADSAFE=1 "-DSQLITE_API=__declspec(dllexport)")
    mkdir -p "$prefix/bin" "$prefix/lib/pkgconfig" "$prefix/include"
    $triple-gcc-posix "${flags[@]}" -shared -o "$prefix/bin/libsqlite3-0.dll" "$dir/sqlite3.c" \
        -Wl,--out-implib,"$prefix/lib/libsqlite3.dll.a"
    cp "$dir/sqlite3.h" "$dir/sqlite3ext.h" "$prefix/include/" 2>/dev/null || cp "$dir/sqlite3.h" "$prefix/include/"
    cat >"$prefix/lib/pkgconfig/sqlite3.pc" <<EOF
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include
Name: SQLite
Description: SQL database engine
Version: 3.40.1
Libs: -L\${libdir} -lsqlite3
Cflags: -I\${includedir}
EOF
}

qtbase_options=("${qt_host[@]}"
    -DFEATURE_opengl=OFF -DFEATURE_vulkan=OFF -DFEATURE_dbus=OFF -DFEATURE_printsupport=OFF
    -DFEATURE_xml=OFF -DFEATURE_sql_odbc=OFF -DFEATURE_sql_psql=OFF -DFEATURE_sql_mysql=OFF
    -DFEATURE_sql_ibase=OFF -DFEATURE_sql_oci=OFF -DFEATURE_sql_db2=OFF
    -DFEATURE_sql_sqlite=ON -DFEATURE_system_sqlite=ON -DINPUT_openssl=runtime
    -DFEATURE_system_zlib=OFF -DFEATURE_system_pcre2=OFF -DFEATURE_system_png=OFF
    -DFEATURE_system_harfbuzz=OFF -DFEATURE_freetype=OFF -DFEATURE_jpeg=OFF
    -DFEATURE_system_doubleconversion=OFF)

# Debian's qt6-base is repacked (+dfsg) without src/3rdparty/wintab (the Wacom tablet API headers),
# which the windows platform plugin includes: there, the plugin is built without Wintab tablets (a
# pen still works through Windows' own pointer messages). Idempotent; nothing to do upstream's tree.
patch_qtbase_wintab() {
    local dir="$1" f
    local w="$dir/src/plugins/platforms/windows"
    [ -f "$dir/src/3rdparty/wintab/wintab.h" ] && return 0
    grep -q '__has_include(<wintab.h>)' "$w/qwindowscontext.cpp" && return 0
    log "qtbase: no wintab headers in this source; the windows plugin is built without Wintab tablets"
    sed -i 's/^#if QT_CONFIG(tabletevent)$/#if QT_CONFIG(tabletevent) \&\& __has_include(<wintab.h>)/' "$w/qwindowscontext.cpp"
    for f in "$w/qwindowstabletsupport.h" "$w/qwindowstabletsupport.cpp"; do
        { echo '#if __has_include(<wintab.h>) // keel-win: Debian has no wintab headers'; cat "$f"; echo '#endif'; } >"$f.new"
        mv "$f.new" "$f"
    done
}

# Qt 6.4.2's windows platform plugin does not compile without OpenGL: qwindowswindow.cpp's
# isSoftwareGl() tests the dynamicgl feature, which stays on with opengl off, and then names
# OpenGL classes. Without OpenGL there is no software GL to detect. Idempotent.
patch_qtbase_nogl() {
    local f="$1/src/plugins/platforms/windows/qwindowswindow.cpp"
    grep -q 'QT_CONFIG(dynamicgl) && QT_CONFIG(opengl)' "$f" && return 0
    sed -i 's/^#if QT_CONFIG(dynamicgl)$/#if QT_CONFIG(dynamicgl) \&\& QT_CONFIG(opengl)/' "$f"
}

# Builds the listed targets of qtbase's build tree and runs the install scripts of the listed
# build directories (each has its own; the top one only with LOCAL_ONLY, so it does not descend
# into src/ and try to install what was not built).
qtbase_targets_stage() {
    local -n targets="$1" dirs="$2"
    local dir d
    dir="$(unpack qt6-base)"
    patch_qtbase_wintab "$dir"
    patch_qtbase_nogl "$dir"
    [ -f "$bld/qtbase/build.ninja" ] || cmake_configure qtbase "$dir" "${qtbase_options[@]}"
    cmake --build "$bld/qtbase" -j"$jobs" --target "${targets[@]}"
    cmake -DCMAKE_INSTALL_LOCAL_ONLY=ON -DCMAKE_INSTALL_CONFIG_NAME=Release -P "$bld/qtbase/cmake_install.cmake"
    for d in "${dirs[@]}"; do
        (cd "$bld/qtbase/$d" && cmake -DCMAKE_INSTALL_CONFIG_NAME=Release -P cmake_install.cmake)
    done
}

# The part of qtbase that `keel` and the test suites need (Core, Network, Sql with SQLite, Test,
# Concurrent, the TLS backends), built first and installed alone, so Keel can be cross-built and
# tested while the GUI half still compiles.
qtbase_nongui_targets=(Core Network Sql Test Concurrent EntryPointImplementation QSQLiteDriverPlugin
    QTlsBackendOpenSSLPlugin QSchannelBackendPlugin QTlsBackendCertOnlyPlugin)
qtbase_nongui_dirs=(src/tools src/entrypoint src/3rdparty/pcre2 src/3rdparty/zlib src/corelib
    src/concurrent src/sql src/network src/testlib src/plugins/sqldrivers src/plugins/tls)
stage_qtbase_nongui() {
    qtbase_targets_stage qtbase_nongui_targets qtbase_nongui_dirs
}

# The GUI half, only what Keel Manager and its tests use: Gui, Widgets, the windows platform plugin
# (minimal for the tests; offscreen is not configured without FreeType), the windowsvista style.
# Left out (about 110 of qtbase's 475 remaining steps): the Direct2D platform, the GIF and ICO image
# formats (Keel Manager's icons are SVG, through Qt Svg's plugins; PNG is built into Gui) and TUIO.
qtbase_gui_targets=(Gui Widgets QWindowsIntegrationPlugin QMinimalIntegrationPlugin QWindowsVistaStylePlugin)
qtbase_gui_dirs=(src/3rdparty/libpng src/3rdparty/harfbuzz-ng src/gui src/widgets
    src/plugins/platforms/windows src/plugins/platforms/minimal src/plugins/styles/windowsvista)
stage_qtbase() {
    qtbase_targets_stage qtbase_gui_targets qtbase_gui_dirs
}

stage_openssl() {
    local dir
    dir="$(unpack openssl)"
    (cd "$dir" && make -j"$jobs" build_libs && make install_dev install_runtime_libs)
}

stage_libsodium() {
    local dir
    dir="$(unpack libsodium)"
    # Debian's source is the git tree: no configure until autogen.sh makes it (with the system's
    # config.guess/config.sub, not downloaded ones).
    (cd "$dir" && { [ -x configure ] || DO_NOT_UPDATE_CONFIG_SCRIPTS=1 ./autogen.sh; } && ./configure --host=$triple --prefix="$prefix" --disable-static --enable-shared \
        CC=$triple-gcc-posix >/dev/null && make -j"$jobs" && make install)
}

stage_zstd() {
    local dir
    dir="$(unpack libzstd)"
    cmake_stage zstd "$dir/build/cmake" -DZSTD_BUILD_PROGRAMS=OFF -DZSTD_BUILD_STATIC=OFF \
        -DZSTD_BUILD_SHARED=ON -DZSTD_BUILD_TESTS=OFF
}

stage_nghttp2() {
    local dir
    dir="$(unpack nghttp2)"
    # 1.52 with MinGW: both clock_gettime (winpthread) and GetTickCount64 are found, and its time
    # code then references a helper it did not define; GetTickCount64 alone is what Windows wants.
    cmake_stage nghttp2 "$dir" -DENABLE_LIB_ONLY=ON -DENABLE_STATIC_LIB=OFF -DENABLE_SHARED_LIB=ON \
        -DENABLE_DOC=OFF -DBUILD_TESTING=OFF -DHAVE_CLOCK_GETTIME=0
}

stage_yamlcpp() {
    local dir
    dir="$(unpack yaml-cpp)"
    cmake_stage yaml-cpp "$dir" -DYAML_BUILD_SHARED_LIBS=ON -DYAML_CPP_BUILD_TESTS=OFF \
        -DYAML_CPP_BUILD_TOOLS=OFF -DYAML_CPP_BUILD_CONTRIB=OFF
}

# crypt_r() with bcrypt ($2a$/$2b$/$2y$), which core/auth/SecretHasher uses for Headscale's hashed
# keys (Go writes $2a$: libxcrypt's "bcrypt" alone is only $2b$, so bcrypt_a and bcrypt_y are named
# too): Windows has no crypt.h, so libxcrypt is built for it (without ELF symbol versions: PE has
# none; libtool makes a DLL only when told the library has no undefined symbols).
stage_libxcrypt() {
    local dir
    dir="$(unpack libxcrypt)"
    (cd "$dir" && { [ -x configure ] || ./autogen.sh; } \
        && ./configure --host=$triple --prefix="$prefix" --disable-static --enable-shared \
            --enable-hashes=bcrypt,bcrypt_a,bcrypt_y,sha512crypt --enable-obsolete-api=no --disable-werror --disable-symvers \
            CC=$triple-gcc-posix \
        && make -j"$jobs" LDFLAGS=-no-undefined && make install LDFLAGS=-no-undefined)
}

stage_qrencode() {
    local dir
    dir="$(unpack qrencode)"
    cmake_stage qrencode "$dir" -DWITH_TOOLS=OFF -DBUILD_SHARED_LIBS=ON -DWITH_TESTS=OFF
    # Its CMake installs the DLL beside the import library, in lib/: Windows finds DLLs beside the
    # program or on PATH, and the packaging takes them from bin/.
    qrencode_dll_to_bin
}
qrencode_dll_to_bin() {
    if [ -f "$prefix/lib/libqrencode.dll" ]; then
        mkdir -p "$prefix/bin"
        mv -f "$prefix/lib/libqrencode.dll" "$prefix/bin/"
    fi
}

stage_qtwebsockets() {
    qt_stage qtwebsockets "$(unpack qt6-websockets)"
}

stage_qtsvg() {
    qt_stage qtsvg "$(unpack qt6-svg)"
}

stage_qtcharts() {
    qt_stage qtcharts "$(unpack qt6-charts)"
}

stage_qtkeychain() {
    qt_stage qtkeychain "$(unpack qtkeychain)" -DBUILD_WITH_QT6=ON -DBUILD_TRANSLATIONS=OFF \
        -DBUILD_TEST_APPLICATION=OFF
}

# After qtwebsockets...qrencode, `build-keel.sh --no-gui` can run; the GUI stages follow.
all_stages=(openssl_headers sqlite qtbase_nongui qtwebsockets openssl libsodium zstd nghttp2 yamlcpp
    libxcrypt qrencode qtbase qtsvg qtcharts qtkeychain)

apt=1
stages=()
for a in "$@"; do
    case "$a" in
        --no-apt) apt=0 ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) stages+=("$a") ;;
    esac
done
[ ${#stages[@]} -gt 0 ] || stages=("${all_stages[@]}")

[ "$apt" = 1 ] && install_deps
qrencode_dll_to_bin # (a prefix built before this fix has it in lib/)
for s in "${stages[@]}"; do
    declare -F "stage_$s" >/dev/null || die "unknown stage '$s' (stages: ${all_stages[*]})"
    # Two runs may share the cache (say, the libraries beside Qt): a stage is built by one at a time,
    # and the other then finds its stamp.
    exec 9>"$stamps/.$s.lock"
    flock 9
    if [ -f "$stamps/$s" ]; then
        log "$s: cached ($(cat "$stamps/$s"))"
        flock -u 9
        continue
    fi
    log "$s: building"
    start=$(date +%s)
    "stage_$s"
    secs=$(( $(date +%s) - start ))
    echo "built $(date -u +%FT%TZ) in ${secs}s" >"$stamps/$s"
    flock -u 9
    log "$s: done in ${secs}s"
done
log "prefix ready: $prefix"
