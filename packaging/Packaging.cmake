# Install layout and a Debian package (cpack -G DEB in the build folder).
install(FILES ${CMAKE_CURRENT_LIST_DIR}/mnist-studio.desktop DESTINATION share/applications)
install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/mnist-studio.svg
        DESTINATION share/icons/hicolor/scalable/apps)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mnist-studio)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "MNIST Studio <dev@mnist-studio.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Desktop studio for training and understanding digit classifiers")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
include(CPack)
