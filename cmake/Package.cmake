# Debian package: `cd build && cpack -G DEB` (or scripts/deb) writes
# octavo_VERSION_ARCH.deb. Depends is computed by dpkg-shlibdeps from the
# installed binary and shared library (package dpkg-dev).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME octavo)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "octavo maintainers <octavo@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "turn news sites, feeds and saved pages into EPUB 3 books")
set(CPACK_PACKAGE_DESCRIPTION "octavo fetches feeds, sitemaps, section pages, article URLs or
saved pages and writes a clean EPUB 3 that passes epubcheck, ready for
Kindle, Kobo, KOReader and Apple Books. Recipes make daily issues of a
periodical from cron or a systemd timer, with a state store that never
repeats an article, OPDS catalogs and mail delivery. Also liboctavo, its
headers and pkg-config file.")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/octavo/octavo")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION text)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# liboctavo.so lives in the same package: dpkg-shlibdeps must not look for
# another package that provides it.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
# libvips is dlopened (src/package/image/vips_dl.h), so dpkg-shlibdeps cannot
# see it: name its package (libvips.so.42 -> libvips42) here; cpack adds the
# computed Depends after it.
string(REGEX REPLACE "^lib(.*)\\.so\\.([0-9]+)$" "lib\\1\\2" OV_VIPS_PACKAGE "${OV_VIPS_SONAME}")
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${OV_VIPS_PACKAGE}")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-wqy-microhei")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "epubcheck")
set(CPACK_STRIP_FILES OFF)
include(CPack)
