# Install layout and a Debian package (cpack -G DEB in the build folder; scripts/package-check.sh
# builds it and checks it with lintian and in a clean Debian root).
set(studio_app_id io.github.mniststudio.MnistStudio)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/${studio_app_id}.desktop DESTINATION share/applications)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/${studio_app_id}.metainfo.xml DESTINATION share/metainfo)
install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/mnist-studio.svg DESTINATION share/icons/hicolor/scalable/apps)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/mnist-studio-cli.bash-completion
        DESTINATION share/bash-completion/completions RENAME mnist-studio-cli)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/copyright DESTINATION share/doc/mnist-studio)

# Generated at build time: the changelog compressed as Debian wants it (a native package's name), and the manual pages
# from the binaries' own --help (help2man; without it there are no manual pages).
set(studio_generated ${CMAKE_BINARY_DIR}/packaging)
add_custom_command(OUTPUT ${studio_generated}/changelog.gz
  COMMAND ${CMAKE_COMMAND} -E make_directory ${studio_generated}
  COMMAND gzip -9nc ${CMAKE_CURRENT_LIST_DIR}/changelog.Debian > ${studio_generated}/changelog.gz
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/changelog.Debian)
set(studio_package_files ${studio_generated}/changelog.gz)
install(FILES ${studio_generated}/changelog.gz DESTINATION share/doc/mnist-studio)
find_program(STUDIO_HELP2MAN help2man)
if(STUDIO_HELP2MAN)
  set(studio_man_mnist-studio "train and understand digit classifiers (the studio window)")
  set(studio_man_mnist-studio-cli "train, evaluate and compare digit classifiers from the command line")
  foreach(program mnist-studio mnist-studio-cli)
    add_custom_command(OUTPUT ${studio_generated}/${program}.1.gz
      COMMAND ${CMAKE_COMMAND} -E make_directory ${studio_generated}
      COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen ${STUDIO_HELP2MAN} --no-info --section 1
              --name "${studio_man_${program}}" --include ${CMAKE_CURRENT_LIST_DIR}/${program}.h2m
              --output ${studio_generated}/${program}.1 $<TARGET_FILE:${program}>
      COMMAND gzip -9nf ${studio_generated}/${program}.1
      DEPENDS ${program} ${CMAKE_CURRENT_LIST_DIR}/${program}.h2m VERBATIM)
    list(APPEND studio_package_files ${studio_generated}/${program}.1.gz)
    install(FILES ${studio_generated}/${program}.1.gz DESTINATION share/man/man1)
  endforeach()
endif()
add_custom_target(package_files ALL DEPENDS ${studio_package_files})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mnist-studio)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "The MNIST Studio developers <dev@mnist-studio.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "desktop studio for training and understanding digit classifiers")
# The extended description (CPack indents each line and writes the empty one as " .").
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "MNIST Studio trains classifiers of handwritten digits (MNIST) and clothing
(Fashion-MNIST) on the CPU with LibTorch and shows what they learned: live
loss, accuracy and learning-rate curves, a confusion matrix whose cells open
the misclassified images, calibration, Grad-CAM, a drawing canvas classified
as you draw, and runs compared side by side, with studies and sweeps.

mnist-studio-cli does all of it without a window.")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/mniststudio/mnist-studio")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# What the shared-library scan cannot see: the SQLite driver plugin the run store opens, and the
# Qt platform plugins the window draws with.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite, qt6-qpa-plugins")
# The reference BLAS halves training speed; Fashion-MNIST is the second dataset the studio knows;
# PostgreSQL run stores for several machines.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libopenblas0-pthread, dataset-fashion-mnist, libqt6sql6-psql")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
