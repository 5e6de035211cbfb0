# cmake -DBINARY=<path> -P KeelCheckNoTestKit.cmake
# Fails when the binary defines a symbol of the test kit (tests/kit): our protocol clients, the
# simulator, fixtures and MockClock belong to tests, benchmarks and keel-sim, never to `keel`.
# A symbol the binary must have (the ts2021 endpoint) is checked too, so a stripped or empty binary
# cannot pass.
if(NOT BINARY OR NOT EXISTS "${BINARY}")
    message(FATAL_ERROR "no binary to check: '${BINARY}'")
endif()
find_program(NM nm REQUIRED)
execute_process(COMMAND ${NM} -C --defined-only "${BINARY}" OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "nm failed on ${BINARY}")
endif()
if(NOT symbols MATCHES "keel::control::ControlEndpoint::")
    message(FATAL_ERROR "${BINARY} has no keel::control::ControlEndpoint symbols: not a keel binary, or stripped")
endif()
set(forbidden
    "keel::control::ControlClient::" "keel::control::MapSessionNetmap::" "keel::crypto::Ts2021Initiator::"
    "keel::http::Http2ClientSession::" "keel::http::Http2ClientStream::" "keel::MockClock::"
    "keel::sim::" "keel::test::" "keel::derp::test::")
set(found "")
foreach(prefix IN LISTS forbidden)
    string(FIND "${symbols}" "${prefix}" at)
    if(NOT at EQUAL -1)
        list(APPEND found "${prefix}")
    endif()
endforeach()
if(found)
    message(FATAL_ERROR "${BINARY} contains test-kit code: ${found}")
endif()
message(STATUS "${BINARY}: no test-kit symbols")
