# keel_add_test(NAME SOURCES ... LIBS ... [LABELS ...] [TIMEOUT s])
# Builds one Qt Test executable and registers it with CTest, with the environment every test needs:
# a fixed locale, a private temp dir, the offscreen platform for GUI tests, and where shared/ is.
# HOME, the XDG directories and KEEL_DATA_DIR point into that temp dir too, so nothing a test starts
# (a `keel serve`, the CLI, Qt's standard paths) can write to the machine's own directories: as
# root, Keel's default data directory would otherwise be /var/lib/keel.
#
# NOT_ON_WINDOWS "reason": a suite that cannot run on Windows (POSIX signals, Linux tools...). In a
# Windows build it is not compiled; a placeholder test prints the reason and ctest reports it as
# skipped (label not-on-windows), so a Windows run lists it instead of silently lacking it.
# A Windows build whose tests run under Wine on Linux (scripts/windows/build-keel.sh test): the
# source and build trees are Linux paths, which Windows programs reach on drive Z:. Without the
# drive letter a path is taken on the current drive, which is C: once a test changes into its
# temp dir (Wine sets TEMP/TMP to C:\users\...). Every path handed to a test gets the prefix but
# TMPDIR, which Windows programs do not read and Wine itself does (wineserver's socket directory).
set(KEEL_TEST_PATH_PREFIX "")
if(WIN32 AND CMAKE_CROSSCOMPILING AND CMAKE_CROSSCOMPILING_EMULATOR MATCHES "wine")
    set(KEEL_TEST_PATH_PREFIX "Z:")
endif()

function(keel_add_test name)
    cmake_parse_arguments(ARG "" "TIMEOUT;NOT_ON_WINDOWS" "SOURCES;LIBS;LABELS" ${ARGN})
    if(WIN32 AND ARG_NOT_ON_WINDOWS)
        add_test(NAME ${name} COMMAND ${CMAKE_COMMAND} -E echo "SKIP on Windows: ${ARG_NOT_ON_WINDOWS}")
        set_tests_properties(${name} PROPERTIES SKIP_REGULAR_EXPRESSION "SKIP on Windows" LABELS "not-on-windows;${ARG_LABELS}")
        return()
    endif()
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE Qt6::Test keel_testkit ${ARG_LIBS})
    keel_apply_warnings(${name})
    add_test(NAME ${name} COMMAND ${name})
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 300)
    endif()
    if(KEEL_SANITIZE)
        # Sanitized code runs about 2-3x slower: the same budget, scaled (ctest's and Qt Test's).
        math(EXPR ARG_TIMEOUT "${ARG_TIMEOUT} * 3")
    endif()
    set(tmp "${CMAKE_BINARY_DIR}/test-tmp/${name}")
    file(MAKE_DIRECTORY "${tmp}" "${tmp}/home")
    set(p "${KEEL_TEST_PATH_PREFIX}")
    # Windows: no offscreen platform plugin without FreeType (the cross prefix has none), so the
    # minimal one with the system's fonts; the temp dir comes from TMP/TEMP there, not TMPDIR.
    set(qpa offscreen)
    set(win_env "")
    if(WIN32)
        set(qpa minimal:enable_fonts)
        set(win_env ";TMP=${p}${tmp};TEMP=${p}${tmp}")
    endif()
    set_tests_properties(${name} PROPERTIES
        TIMEOUT ${ARG_TIMEOUT}
        LABELS "${ARG_LABELS}"
        ENVIRONMENT "LC_ALL=C.UTF-8;LANG=C.UTF-8;TZ=UTC;QT_QPA_PLATFORM=${qpa};TMPDIR=${tmp};KEEL_SHARED_DIR=${p}${KEEL_SHARED_DIR};KEEL_TESTDATA=${p}${KEEL_SHARED_DIR}/testdata;KEEL_BINARY_DIR=${p}${CMAKE_BINARY_DIR};HOME=${p}${tmp}/home;XDG_DATA_HOME=${p}${tmp}/home/.local/share;XDG_CONFIG_HOME=${p}${tmp}/home/.config;XDG_CACHE_HOME=${p}${tmp}/home/.cache;XDG_STATE_HOME=${p}${tmp}/home/.local/state;KEEL_DATA_DIR=${p}${tmp}/keel-data${win_env}")
    keel_sanitize_test(${name})
endfunction()
