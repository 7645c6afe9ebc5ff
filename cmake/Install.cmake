# Installation: `cmake --install build [--prefix P]`, and `cpack -G DEB`.
#   bin/octavo
#   lib/liboctavo.a, lib/liboctavo.so.MAJOR.MINOR.PATCH (SONAME liboctavo.so.MAJOR)
#   include/octavo/*.h, lib/pkgconfig/octavo.pc (Requires.private)
#   share/man/man1/octavo.1, share/man/man5/octavo-recipe.5
#   share/bash-completion/completions/octavo, share/zsh/vendor-completions/_octavo
#   share/octavo/{recipes,sample-site,systemd,cron}, share/doc/octavo/
# octavo.pc, the unit, crontab and man pages name installed paths, so they are
# configured at install time with the prefix actually used
# (ConfigureInstalled.cmake).
include(GNUInstallDirs)

# The shared library: the same objects as the static one (built -fPIC), with
# only the public ov_ names exported.
add_library(octavo_shared SHARED ${OV_ALL_OBJECTS})
set_target_properties(octavo_shared PROPERTIES
  OUTPUT_NAME octavo
  VERSION ${PROJECT_VERSION}
  SOVERSION ${PROJECT_VERSION_MAJOR}
  LINK_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/cmake/liboctavo.map)
target_link_libraries(octavo_shared PRIVATE ${OV_ALL_DEPS} m Threads::Threads)
target_link_options(octavo_shared PRIVATE
  "LINKER:--version-script=${CMAKE_CURRENT_SOURCE_DIR}/cmake/liboctavo.map")
if(NOT OV_SANITIZE AND NOT OV_FUZZ)
  # every symbol resolved at link time (sanitizer runtimes are not linked
  # into shared libraries, so not with them)
  target_link_options(octavo_shared PRIVATE "LINKER:--no-undefined")
endif()

install(TARGETS octavo_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS octavo ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS octavo_shared LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_SKIP)
install(TARGETS octavo_shared LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_ONLY)
install(DIRECTORY include/octavo DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")


install(FILES doc/completion/octavo.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
  RENAME octavo)
install(FILES doc/completion/_octavo DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)

install(DIRECTORY examples/recipes/ DESTINATION ${CMAKE_INSTALL_DATADIR}/octavo/recipes)
install(DIRECTORY examples/sample-site/ DESTINATION ${CMAKE_INSTALL_DATADIR}/octavo/sample-site)
install(FILES README.md LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})

install(CODE "
  set(OV_SRC \"${CMAKE_CURRENT_SOURCE_DIR}\")
  set(OV_VERSION \"${PROJECT_VERSION}\")
  set(OV_REL_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
  set(OV_REL_DATADIR \"${CMAKE_INSTALL_DATADIR}\")
  set(OV_REL_MANDIR \"${CMAKE_INSTALL_MANDIR}\")
  set(OV_REL_LIBDIR \"${CMAKE_INSTALL_LIBDIR}\")
  set(OV_REL_INCLUDEDIR \"${CMAKE_INSTALL_INCLUDEDIR}\")
  include(\"${CMAKE_CURRENT_SOURCE_DIR}/cmake/ConfigureInstalled.cmake\")
")
