# macOS: a DMG (cpack -G DragNDrop) holding "Keel Manager.app" (the keel CLI/daemon inside,
# Contents/MacOS/keel) and a launchd plist for running the daemon at boot. Written for a Mac and
# the hosted macOS runner (.github/workflows/macos.yml); nothing of it has run on our Linux machines.
if(TARGET keel-manager)
    set_target_properties(keel-manager PROPERTIES
        OUTPUT_NAME "Keel Manager"
        MACOSX_BUNDLE_INFO_PLIST ${CMAKE_CURRENT_LIST_DIR}/Info.plist.in
        MACOSX_BUNDLE_BUNDLE_NAME "Keel Manager"
        MACOSX_BUNDLE_GUI_IDENTIFIER org.keel.KeelManager
        MACOSX_BUNDLE_ICON_FILE KeelManager.icns
        MACOSX_BUNDLE_BUNDLE_VERSION ${PROJECT_VERSION}
        MACOSX_BUNDLE_SHORT_VERSION_STRING ${PROJECT_VERSION})
    target_sources(keel-manager PRIVATE ${CMAKE_CURRENT_LIST_DIR}/KeelManager.icns)
    set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/KeelManager.icns PROPERTIES MACOSX_PACKAGE_LOCATION Resources)
    install(TARGETS keel-manager BUNDLE DESTINATION .)
    # The daemon and CLI travel inside the bundle, so one drag installs both.
    install(TARGETS keel RUNTIME DESTINATION "Keel Manager.app/Contents/MacOS")
    # Qt frameworks and plugins into the bundle (macdeployqt), both executables fixed up.
    if(Qt6_VERSION VERSION_GREATER_EQUAL 6.5)
        qt_generate_deploy_app_script(TARGET keel-manager OUTPUT_SCRIPT keel_deploy NO_UNSUPPORTED_PLATFORM_ERROR)
    else()
        qt_generate_deploy_app_script(TARGET keel-manager FILENAME_VARIABLE keel_deploy NO_UNSUPPORTED_PLATFORM_ERROR)
    endif()
    install(SCRIPT ${keel_deploy})
else()
    install(TARGETS keel RUNTIME DESTINATION bin)
endif()
install(FILES ${CMAKE_CURRENT_LIST_DIR}/org.keel.keel.plist DESTINATION .)
install(FILES ${PROJECT_SOURCE_DIR}/resources/config-example.yaml DESTINATION .)

set(CPACK_GENERATOR DragNDrop)
set(CPACK_PACKAGE_NAME Keel)
set(CPACK_PACKAGE_FILE_NAME keel-${PROJECT_VERSION}-macos)
set(CPACK_DMG_VOLUME_NAME "Keel ${PROJECT_VERSION}")
set(CPACK_DMG_FORMAT UDZO)
set(CPACK_PACKAGE_ICON ${CMAKE_CURRENT_LIST_DIR}/KeelManager.icns)
