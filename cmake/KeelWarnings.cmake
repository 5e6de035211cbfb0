# One place for compiler flags every Keel target gets (keel_apply_warnings(target)).
function(keel_apply_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic
        -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual -Wno-missing-field-initializers)
    # GCC's -Wshadow=local has no clang spelling (the fuzz preset builds with clang).
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        target_compile_options(${target} PRIVATE -Wshadow=local)
    endif()
    if(KEEL_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
    target_compile_definitions(${target} PRIVATE QT_NO_NARROWING_CONVERSIONS_IN_CONNECT)
endfunction()

# keel_add_module(NAME SOURCES ... LIBS ...): one static library per core/ folder, named keel_NAME.
# Modules link only what they declare, so the layering rules of ARCHITECTURE.md are enforced by the build.
function(keel_add_module name)
    cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
    add_library(keel_${name} STATIC ${ARG_SOURCES})
    target_include_directories(keel_${name} PUBLIC ${PROJECT_SOURCE_DIR}/core ${PROJECT_BINARY_DIR}/generated)
    target_link_libraries(keel_${name} PUBLIC ${ARG_LIBS})
    set_target_properties(keel_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
    keel_apply_warnings(keel_${name})
endfunction()
