# KEEL_SANITIZE (the `ci` preset: `make test` and CI): every target, tests included, built with
# AddressSanitizer + UndefinedBehaviorSanitizer; any report aborts the process that made it, so the
# test fails. keel_sanitize_test() gives every registered test (and every `keel serve` or CLI a test
# starts, which inherit the environment) the runtime options and the suppression files, so a plain
# `ctest` in the tree runs exactly as CI does.
if(KEEL_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
endif()

set(KEEL_SANITIZER_DIR "${CMAKE_CURRENT_LIST_DIR}/sanitizers")
# LeakSanitizer is on: anything still allocated at exit that nothing points to fails the test
# (lsan.supp holds what is not ours; it is empty). KEEL_LSAN=0 in the environment at configure time
# turns it off, to look at other reports first.
# abort_on_error: a report ends the process with SIGABRT, which no test mistakes for success.
# detect_stack_use_after_return: catches callbacks that outlive the stack frame they point into.
if(DEFINED ENV{KEEL_LSAN} AND "$ENV{KEEL_LSAN}" STREQUAL "0")
    set(_keel_detect_leaks 0)
else()
    set(_keel_detect_leaks 1)
endif()
# LeakSanitizer stops the process's threads with ptrace at exit; where that is forbidden (some
# containers) it cannot run, and every test would fail on its "fatal error" instead of a leak.
# A probe that leaks on purpose tells, once per build tree: leak checking is then turned off, loudly.
if(KEEL_SANITIZE AND _keel_detect_leaks AND NOT DEFINED KEEL_LSAN_WORKS)
    try_run(_keel_lsan_exit _keel_lsan_built "${CMAKE_BINARY_DIR}/lsan-probe" "${KEEL_SANITIZER_DIR}/lsan-probe.cpp"
        COMPILE_DEFINITIONS -fsanitize=address -O0
        LINK_OPTIONS -fsanitize=address
        RUN_OUTPUT_VARIABLE _keel_lsan_output)
    if(_keel_lsan_built AND _keel_lsan_output MATCHES "LeakSanitizer: detected memory leaks")
        set(KEEL_LSAN_WORKS ON CACHE BOOL "LeakSanitizer runs on this machine (probed at configure time)")
    else()
        set(KEEL_LSAN_WORKS OFF CACHE BOOL "LeakSanitizer runs on this machine (probed at configure time)")
    endif()
endif()
if(KEEL_SANITIZE AND _keel_detect_leaks AND NOT KEEL_LSAN_WORKS)
    message(WARNING "LeakSanitizer cannot run on this machine (a probe that leaks on purpose was not "
                    "reported; ptrace may be forbidden here): the suite runs with ASan + UBSan only, "
                    "without leak checking.")
    set(_keel_detect_leaks 0)
endif()
set(KEEL_ASAN_OPTIONS "detect_leaks=${_keel_detect_leaks}:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:allocator_may_return_null=0")
set(KEEL_UBSAN_OPTIONS "print_stacktrace=1:halt_on_error=1:suppressions=${KEEL_SANITIZER_DIR}/ubsan.supp")
set(KEEL_LSAN_OPTIONS "suppressions=${KEEL_SANITIZER_DIR}/lsan.supp:print_suppressions=0")

# Adds the sanitizer environment to test `name` (defined in the calling directory: CMake 3.25 sets
# test properties only there). keel_add_test and keel_add_fuzzer call it; so does every plain add_test.
function(keel_sanitize_test name)
    if(KEEL_SANITIZE)
        set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT
            "ASAN_OPTIONS=${KEEL_ASAN_OPTIONS}" "UBSAN_OPTIONS=${KEEL_UBSAN_OPTIONS}" "LSAN_OPTIONS=${KEEL_LSAN_OPTIONS}"
            "QTEST_FUNCTION_TIMEOUT=900000")
    endif()
endfunction()
