# Windows packages (cross-built on Debian with scripts/windows/, or built on Windows with MinGW):
#   cpack -G NSIS  -> keel-<version>-win64.exe (makensis)
#   cpack -G ZIP   -> the same tree, unpacked
# and the MSI from scripts/windows/make-msi.sh (wixl, from msitools: CPack's WIX generator needs
# the WiX toolset's candle/light, which do not run here).
#
# Layout under Program Files\Keel: bin\keel.exe, bin\keel-manager.exe, the Qt and library DLLs and
# the Qt plugins (platforms\, sqldrivers\, tls\, styles\, imageformats\, iconengines\) beside them.
set(KEEL_WIN_PREFIX "" CACHE PATH "The Windows prefix Keel was built against (Qt, OpenSSL...): its DLLs are deployed")

if(TARGET keel-manager)
    # A windowed program (no console behind it), with the Keel icon in Explorer and the taskbar.
    set_target_properties(keel-manager PROPERTIES WIN32_EXECUTABLE ON)
    target_sources(keel-manager PRIVATE ${CMAKE_CURRENT_LIST_DIR}/keel-manager.rc)
    install(TARGETS keel-manager RUNTIME DESTINATION bin)
endif()
target_sources(keel PRIVATE ${CMAKE_CURRENT_LIST_DIR}/keel.rc)
install(FILES ${PROJECT_SOURCE_DIR}/resources/config-example.yaml DESTINATION share/doc/keel)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/keel.ico DESTINATION share/keel)

# Qt plugins Keel loads at run time (found beside the executables: Qt adds the application's
# directory to its plugin path).
set(KEEL_QT_PLUGINS sqldrivers/qsqlite tls/qopensslbackend tls/qschannelbackend tls/qcertonlybackend)
if(TARGET keel-manager)
    list(APPEND KEEL_QT_PLUGINS platforms/qwindows platforms/qminimal styles/qwindowsvistastyle
        imageformats/qsvg iconengines/qsvgicon)
endif()
set(plugin_files "")
foreach(plugin IN LISTS KEEL_QT_PLUGINS)
    get_filename_component(plugin_dir ${plugin} DIRECTORY)
    set(file "${KEEL_WIN_PREFIX}/plugins/${plugin}.dll")
    if(EXISTS "${file}")
        install(FILES "${file}" DESTINATION bin/${plugin_dir})
        list(APPEND plugin_files "${file}")
    elseif(KEEL_WIN_PREFIX)
        message(WARNING "Qt plugin ${plugin}.dll not found in ${KEEL_WIN_PREFIX}/plugins: the package will lack it")
    endif()
endforeach()

# Qt's OpenSSL backend loads libssl at run time (no import for objdump to find): shipped by name.
# (libcrypto is imported by keel.exe itself.)
if(KEEL_WIN_PREFIX)
    file(GLOB keel_runtime_loaded_dlls "${KEEL_WIN_PREFIX}/bin/libssl-*.dll")
    install(FILES ${keel_runtime_loaded_dlls} DESTINATION bin)
endif()

# Every DLL the executables and plugins need, resolved with objdump (works on a Linux build host):
# from the prefix, then the MinGW runtime (libstdc++, libgcc_s_seh, libwinpthread). System DLLs
# (kernel32, ws2_32, ...) are Windows' own and stay out.
find_program(KEEL_MINGW_OBJDUMP NAMES x86_64-w64-mingw32-objdump objdump)
file(GLOB keel_mingw_runtime_dirs /usr/lib/gcc/x86_64-w64-mingw32/*-posix /usr/x86_64-w64-mingw32/lib)
set(KEEL_DLL_DIRS ${keel_mingw_runtime_dirs})
if(KEEL_WIN_PREFIX)
    list(PREPEND KEEL_DLL_DIRS "${KEEL_WIN_PREFIX}/bin")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/DeployDlls.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/DeployDlls.cmake @ONLY)
install(SCRIPT ${CMAKE_CURRENT_BINARY_DIR}/DeployDlls.cmake)

# Values reach the NSIS script exactly as written here (backslashes, $INSTDIR, quotes).
set(CPACK_VERBATIM_VARIABLES ON)
set(CPACK_GENERATOR NSIS ZIP)
set(CPACK_PACKAGE_NAME keel)
set(CPACK_PACKAGE_FILE_NAME keel-${PROJECT_VERSION}-win64)
set(CPACK_PACKAGE_INSTALL_DIRECTORY Keel)
set(CPACK_PACKAGE_INSTALL_REGISTRY_KEY Keel)
# One installer with everything above, as `cmake --install` (and so the MSI) has it: not one
# section per install component. (gui/'s keel-manager component is the Linux desktop files, left
# out of a default install; its name is not even a valid NSIS variable.)
set(CPACK_MONOLITHIC_INSTALL ON)
if(TARGET keel-manager)
    set(CPACK_PACKAGE_EXECUTABLES keel-manager "Keel Manager")
endif()
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_CURRENT_LIST_DIR}/license.txt)
set(CPACK_STRIP_FILES ON)
set(CPACK_NSIS_PACKAGE_NAME "Keel")
set(CPACK_NSIS_DISPLAY_NAME "Keel ${PROJECT_VERSION}")
set(CPACK_NSIS_MUI_ICON ${CMAKE_CURRENT_LIST_DIR}/keel.ico)
set(CPACK_NSIS_MUI_UNIICON ${CMAKE_CURRENT_LIST_DIR}/keel.ico)
if(TARGET keel-manager)
    set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\keel-manager.exe")
else()
    set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\keel.exe") # a server-only build (no Qt Widgets in the prefix)
endif()
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_MODIFY_PATH OFF)
# A 64-bit installer (NSIS's amd64-unicode stubs): Keel is 64-bit only, and a 32-bit installer
# would see the 32-bit registry view and need WoW64 (under Wine: wine32, which Debian's wine64
# setup lacks).
set(CPACK_NSIS_DEFINES "Target amd64-unicode")
# Program Files (64-bit) and the all-users Start menu; the installer asks for elevation.
set(CPACK_NSIS_INSTALL_ROOT "$PROGRAMFILES64")
file(READ ${CMAKE_CURRENT_LIST_DIR}/nsis-install.nsh CPACK_NSIS_EXTRA_INSTALL_COMMANDS)
file(READ ${CMAKE_CURRENT_LIST_DIR}/nsis-uninstall.nsh CPACK_NSIS_EXTRA_UNINSTALL_COMMANDS)
