#!/usr/bin/env bash
# Install tier: `cmake --install` into a temporary prefix, then use what was
# installed the way a user would: the binary, a C program compiled with
# `pkg-config --cflags --libs octavo` (shared, then --static), both man
# pages through `man -l` with groff warnings on, the completions, and the
# examples (unit and crontab must name the installed binary).
set -euo pipefail
: "${OV_SOURCE_DIR:?run through ctest}" "${OV_BUILD_DIR:?}" "${OV_TEST_BOOKS:?}"
if [ "${OV_SANITIZE:-0}" = 1 ]; then
  # An outside program cannot load an ASan-instrumented liboctavo.so without
  # the sanitizer runtime; the gcc build runs this tier.
  echo "SKIP: sanitizer build (the gcc build runs the install tier)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
fail() { echo "install test: $*" >&2; exit 1; }

cmake --install "$OV_BUILD_DIR" --prefix "$prefix" >"$tmp/install.log" || { cat "$tmp/install.log"; fail "cmake --install failed"; }

# what must be there
pc=$(find "$prefix" -name octavo.pc | head -1)
[ -n "$pc" ] || fail "no octavo.pc"
libdir=$(dirname "$(dirname "$pc")")
for f in bin/octavo include/octavo/octavo.h include/octavo/build.h \
         share/man/man1/octavo.1 share/man/man5/octavo-recipe.5 \
         share/bash-completion/completions/octavo share/zsh/vendor-completions/_octavo \
         share/octavo/recipes/sample-site.recipe share/octavo/recipes/README.md \
         share/octavo/sample-site/feed.xml \
         share/octavo/systemd/octavo-daily.service share/octavo/systemd/octavo-daily.timer \
         share/octavo/cron/octavo.crontab share/doc/octavo/README.md; do
  [ -e "$prefix/$f" ] || fail "missing $f"
done
[ -f "$libdir/liboctavo.a" ] || fail "no liboctavo.a in $libdir"
so=$(readlink -f "$libdir/liboctavo.so")
[ -f "$so" ] || fail "no liboctavo.so in $libdir"
soname=$(readelf -d "$so" | sed -n 's/.*SONAME.*\[\(.*\)\].*/\1/p')
[ "$soname" = "liboctavo.so.0" ] || fail "SONAME is '$soname', want liboctavo.so.0"
[ -e "$libdir/$soname" ] || fail "no $soname link"
case "$so" in *liboctavo.so.0.*.*) ;; *) fail "shared library not versioned: $so" ;; esac
# only the public API is exported
nm -D --defined-only "$so" | awk '{print $3}' | sed "s/@.*//" >"$tmp/exports"
if grep -q "^ov__" "$tmp/exports"; then fail "liboctavo.so exports internal ov__ symbols"; fi
grep -qx "ov_build" "$tmp/exports" || fail "ov_build is not exported"
echo "install test: liboctavo.so exports $(grep -c '^ov_' "$tmp/exports") ov_ symbols, $(grep -vc '^ov_' "$tmp/exports") others"
# every header installed is one of ours, and no internal header went along
diff <(cd "$OV_SOURCE_DIR/include/octavo" && ls) <(cd "$prefix/include/octavo" && ls) \
  || fail "installed headers differ from include/octavo"

# the binary runs
case "$("$prefix/bin/octavo" --version)" in "octavo "[0-9]*) ;; *) fail "octavo --version" ;; esac

# a program built against the install with pkg-config, shared then static
export PKG_CONFIG_PATH=$libdir/pkgconfig
grep -q '^Requires.private: libcurl libxml-2.0 libzip uchardet sqlite3 uuid json-c zlib libpcre2-8$' "$pc" \
  || fail "Requires.private wrong in $pc"
# libvips is loaded when an image needs it, never linked (vips_dl.h): a run
# that touches no image does not map its ~64 libraries
ldd "$prefix/bin/octavo" >"$tmp/ldd-cli"
if grep -q 'libvips' "$tmp/ldd-cli"; then fail "octavo links libvips (it must dlopen it)"; fi
LD_LIBRARY_PATH=$libdir ldd "$libdir/liboctavo.so.0" >"$tmp/ldd-lib"
if grep -q 'libvips' "$tmp/ldd-lib"; then fail "liboctavo.so links libvips (it must dlopen it)"; fi
cflags=$(pkg-config --cflags octavo)
libs=$(pkg-config --libs octavo)
case "$cflags" in "-I$prefix/include "*) ;; *) fail "pkg-config --cflags gives '$cflags'" ;; esac
# shellcheck disable=SC2086
cc -std=c11 -Wall -Wextra -Werror $cflags -o "$tmp/client" "$OV_SOURCE_DIR/tests/install/api_client.c" $libs
mkdir -p "$OV_TEST_BOOKS"
LD_LIBRARY_PATH=$libdir "$tmp/client" "$prefix/share/octavo/sample-site" "$OV_TEST_BOOKS/install-api-shared.epub" \
  | tee "$tmp/client.out"
grep -q "articles" "$tmp/client.out" || fail "client printed no summary"
[ -s "$OV_TEST_BOOKS/install-api-shared.epub" ] || fail "client wrote no book"
LD_LIBRARY_PATH=$libdir ldd "$tmp/client" >"$tmp/ldd"
grep -q "$libdir/liboctavo.so.0" "$tmp/ldd" || fail "client not linked to the installed liboctavo.so"
# Static: liboctavo.a plus the libraries Requires.private names (linked
# shared: Debian ships no static libcurl dependencies).
privreq=$(pkg-config --print-requires-private octavo | tr '\n' ' ')
# shellcheck disable=SC2086
cc -std=c11 $cflags -o "$tmp/client-static" "$OV_SOURCE_DIR/tests/install/api_client.c" \
   "$libdir/liboctavo.a" $(pkg-config --libs $privreq) -lm -lpthread
ldd "$tmp/client-static" >"$tmp/ldd-static"
if grep -q liboctavo "$tmp/ldd-static"; then fail "static client uses the shared library"; fi
"$tmp/client-static" "$prefix/share/octavo/sample-site" "$OV_TEST_BOOKS/install-api-static.epub" >/dev/null
[ -s "$OV_TEST_BOOKS/install-api-static.epub" ] || fail "static client wrote no book"

# the installed binary builds the installed sample site
"$prefix/bin/octavo" build -q --no-cache "$prefix/share/octavo/sample-site" -o "$OV_TEST_BOOKS/install-cli.epub"
[ -s "$OV_TEST_BOOKS/install-cli.epub" ] || fail "installed octavo wrote no book"

# man pages: render with groff warnings on; any warning fails
for page in man1/octavo.1 man5/octavo-recipe.5; do
  f=$prefix/share/man/$page
  grep -q '@[A-Z_]*@' "$f" && fail "$page has unconfigured @VARS@"
  MANWIDTH=80 MAN_KEEP_FORMATTING=0 man -l --warnings "$f" >"$tmp/man.out" 2>"$tmp/man.err" \
    || { cat "$tmp/man.err"; fail "man -l $page failed"; }
  if [ -s "$tmp/man.err" ]; then cat "$tmp/man.err" >&2; fail "man -l --warnings $page warned"; fi
  [ "$(wc -l <"$tmp/man.out")" -gt 40 ] || fail "$page renders almost nothing"
done
MANWIDTH=80 man -l "$prefix/share/man/man1/octavo.1" >"$tmp/man1.txt" 2>/dev/null
grep -q -- "--version" "$tmp/man1.txt" || fail "octavo(1) lacks --version"
grep -q "$prefix/share/octavo/recipes" "$prefix/share/man/man5/octavo-recipe.5" || fail "octavo-recipe(5) does not name the installed recipes"

# every build option in --help is in the man page and in both completions
"$prefix/bin/octavo" build --help | grep -o -- '--[a-z][a-z-]*' | sort -u >"$tmp/opts"
while read -r opt; do
  man_opt=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
  grep -q -- "$man_opt" "$prefix/share/man/man1/octavo.1" || fail "octavo(1) lacks $opt"
  grep -q -- "$opt" "$prefix/share/bash-completion/completions/octavo" || fail "bash completion lacks $opt"
  grep -qE -- "${opt}([=[,}]|\$)" "$prefix/share/zsh/vendor-completions/_octavo" || fail "zsh completion lacks $opt"
done <"$tmp/opts"
bash -n "$prefix/share/bash-completion/completions/octavo" || fail "bash completion has a syntax error"
out=$(bash -c "source '$prefix/share/bash-completion/completions/octavo'; COMP_WORDS=(octavo bu); COMP_CWORD=1; _octavo; echo \${COMPREPLY[*]}")
[ "$out" = "build" ] || fail "bash completion of 'octavo bu' gave '$out'"
if command -v zsh >/dev/null; then zsh -n "$prefix/share/zsh/vendor-completions/_octavo" || fail "zsh completion syntax"; fi

# the examples run the installed binary
grep -q "^ExecStart=$prefix/bin/octavo build" "$prefix/share/octavo/systemd/octavo-daily.service" \
  || fail "the unit does not run $prefix/bin/octavo"
grep -q "$prefix/bin/octavo build" "$prefix/share/octavo/cron/octavo.crontab" || fail "the crontab does not run $prefix/bin/octavo"
grep -rq '@[A-Z_]*@' "$prefix/share/octavo/systemd" "$prefix/share/octavo/cron" && fail "unconfigured @VARS@ left"
echo "install test: ok ($(du -sk "$prefix" | cut -f1) KB installed)"
