#!/usr/bin/env bash
# Debian package tier (run by scripts/test after the gcc build; needs root):
# build octavo_VERSION_ARCH.deb with cpack, check its Depends: was computed,
# install it with apt-get, make a book from the sample site with the
# installed /usr/bin/octavo (epubcheck must pass), check man, pkg-config and
# the library, then remove the package. Safe to run again: a package left
# by an earlier run is removed first, and always removed at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-build}
fail() { echo "deb test: $*" >&2; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
  echo "deb test: SKIP (needs root to install a package)"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
remove() {
  if dpkg-query -W -f='${Status}' octavo 2>/dev/null | grep -q "install ok installed"; then
    apt-get remove -y -qq octavo >/dev/null
  fi
}
tmp=$(mktemp -d)
trap 'remove; rm -rf "$tmp"' EXIT
remove

deb=$(scripts/deb "$dir")
name=$(basename "$deb")
version=$(sed -n 's/^#define OV_VERSION_STRING "\(.*\)"/\1/p' include/octavo/version.h)
[ "$name" = "octavo_${version}_$(dpkg --print-architecture).deb" ] || fail "package named $name"
depends=$(dpkg-deb -f "$deb" Depends)
echo "deb test: $name, $(du -k "$deb" | cut -f1) KB, Depends: $depends"
for lib in libc6 libcurl4 libxml2 libzip4 libvips42 libsqlite3-0 libuuid1 libjson-c5 libuchardet0 zlib1g; do
  case ", $depends" in *", $lib "*|*", $lib,"*|*", $lib") ;; *) fail "Depends lacks $lib: $depends" ;; esac
done
dpkg-deb -c "$deb" >"$tmp/contents"
grep -q "\./usr/bin/octavo$" "$tmp/contents" || fail "no /usr/bin/octavo in the package"

apt-get install -y -qq "./$deb" >"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log"; fail "apt-get install failed"; }
[ -x /usr/bin/octavo ] || fail "no /usr/bin/octavo after install"
[ "$(/usr/bin/octavo --version)" = "octavo $version" ] || fail "/usr/bin/octavo --version"
/usr/bin/octavo build -q --no-cache examples/sample-site -o "$tmp/sample.epub"
[ -s "$tmp/sample.epub" ] || fail "no EPUB from the installed octavo"
# Debian's /usr/bin/epubcheck is the jar itself (as scripts/epubcheck-gate runs it)
if [ -f /usr/bin/epubcheck ] && command -v java >/dev/null; then
  java -jar /usr/bin/epubcheck --failonwarnings "$tmp/sample.epub" >"$tmp/epubcheck.log" 2>&1 \
    || { cat "$tmp/epubcheck.log"; fail "epubcheck"; }
fi
man -w octavo >/dev/null || fail "man octavo: no page"
man -w 5 octavo-recipe >/dev/null || fail "man 5 octavo-recipe: no page"
pkg-config --exists octavo || fail "pkg-config does not find octavo"
case "$(pkg-config --libs octavo)" in *-loctavo*) ;; *) fail "pkg-config --libs octavo" ;; esac
grep -q "^ExecStart=/usr/bin/octavo " /usr/share/octavo/systemd/octavo-daily.service || fail "the installed unit does not run /usr/bin/octavo"
ldconfig -p >"$tmp/ldcache"
grep -q 'liboctavo.so.0' "$tmp/ldcache" || fail "liboctavo.so.0 not in the linker cache"
remove
[ ! -e /usr/bin/octavo ] || fail "/usr/bin/octavo left after removal"
echo "deb test: ok"
