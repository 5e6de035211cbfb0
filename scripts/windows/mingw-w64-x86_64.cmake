# CMake toolchain file: cross-compile for 64-bit Windows with Debian's MinGW-w64 (posix threads).
# Used for the Windows prefix (Qt and the libraries) and for Keel itself; KEEL_WIN_PREFIX is the
# prefix built by build-prefix.sh (found first, before the MinGW sysroot).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(_triple x86_64-w64-mingw32)

set(CMAKE_C_COMPILER ${_triple}-gcc-posix)
set(CMAKE_CXX_COMPILER ${_triple}-g++-posix)
set(CMAKE_RC_COMPILER ${_triple}-windres)
set(CMAKE_AR ${_triple}-ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${_triple}-ranlib CACHE FILEPATH "")

if(NOT KEEL_WIN_PREFIX AND DEFINED ENV{KEEL_WIN_PREFIX})
    set(KEEL_WIN_PREFIX "$ENV{KEEL_WIN_PREFIX}")
endif()
# try_compile projects re-read this file without the cache: pass the prefix on.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES KEEL_WIN_PREFIX)

set(CMAKE_FIND_ROOT_PATH ${KEEL_WIN_PREFIX} /usr/${_triple})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config must see only the Windows prefix, never the build machine's .pc files.
set(ENV{PKG_CONFIG_LIBDIR} "${KEEL_WIN_PREFIX}/lib/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")

# Tests built for Windows run under Wine (ctest, Qt's configure checks that execute programs).
find_program(KEEL_WINE NAMES wine wine64)
if(KEEL_WINE)
    set(CMAKE_CROSSCOMPILING_EMULATOR ${KEEL_WINE})
endif()
