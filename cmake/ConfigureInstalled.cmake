# Run at install time (install(SCRIPT)): the files that name installed paths
# (octavo.pc, systemd unit, crontab, man pages) are configured with the prefix the
# install really uses (`cmake --install --prefix P`, or /usr under cpack),
# then installed under $DESTDIR. Inputs come from install(CODE) variables:
# OV_SRC (source root), OV_VERSION, OV_REL_BINDIR,
# OV_REL_DATADIR, OV_REL_MANDIR, OV_REL_LIBDIR, OV_REL_INCLUDEDIR.
foreach(_v OV_SRC OV_VERSION OV_REL_BINDIR OV_REL_DATADIR OV_REL_MANDIR OV_REL_LIBDIR OV_REL_INCLUDEDIR)
  if(NOT DEFINED ${_v})
    message(FATAL_ERROR "ConfigureInstalled.cmake: ${_v} not set")
  endif()
endforeach()
function(ov_full out rel)
  if(IS_ABSOLUTE "${rel}")
    set(${out} "${rel}" PARENT_SCOPE)
  else()
    set(${out} "${CMAKE_INSTALL_PREFIX}/${rel}" PARENT_SCOPE)
  endif()
endfunction()
ov_full(OV_BINDIR "${OV_REL_BINDIR}")
ov_full(OV_DATADIR "${OV_REL_DATADIR}")
ov_full(OV_MANDIR "${OV_REL_MANDIR}")
ov_full(OV_LIBDIR "${OV_REL_LIBDIR}")
set(OV_PREFIX "${CMAKE_INSTALL_PREFIX}")
# The names the templates use (CMAKE_INSTALL_FULL_BINDIR at install time).
set(CMAKE_INSTALL_FULL_BINDIR "${OV_BINDIR}")
# Configured straight into the destination (two installs with different
# prefixes may run at once: no shared scratch file in the build tree).
function(ov_put src dest_dir)
  get_filename_component(_name "${src}" NAME)
  string(REGEX REPLACE "\\.in$" "" _name "${_name}")
  set(_dest "$ENV{DESTDIR}${dest_dir}/${_name}")
  message(STATUS "Installing: ${_dest}")
  configure_file("${OV_SRC}/${src}" "${_dest}" @ONLY)
  file(CHMOD "${_dest}" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  set(CMAKE_INSTALL_MANIFEST_FILES ${CMAKE_INSTALL_MANIFEST_FILES} "${_dest}" PARENT_SCOPE)
endfunction()
ov_put(examples/systemd/octavo-daily.service.in "${OV_DATADIR}/octavo/systemd")
ov_put(examples/systemd/octavo-daily.timer "${OV_DATADIR}/octavo/systemd")
ov_put(examples/cron/octavo.crontab.in "${OV_DATADIR}/octavo/cron")
ov_put(cmake/octavo.pc.in "${OV_LIBDIR}/pkgconfig")
ov_put(doc/octavo.1 "${OV_MANDIR}/man1")
ov_put(doc/octavo-recipe.5 "${OV_MANDIR}/man5")
