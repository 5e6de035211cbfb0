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
