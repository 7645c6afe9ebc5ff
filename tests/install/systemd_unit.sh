#!/usr/bin/env bash
# The installed systemd service and timer pass `systemd-analyze verify`, and
# say what the issue asks: the installed binary, SuccessExitStatus=4, state
# and cache under StateDirectory=/CacheDirectory=, a hardened sandbox and the
# man page as documentation. Exits 77 (skipped) when systemd-analyze is
# missing or cannot run in this container.
set -euo pipefail
: "${OV_BUILD_DIR:?run through ctest}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "systemd unit test: $*" >&2; exit 1; }
prefix=$tmp/prefix
cmake --install "$OV_BUILD_DIR" --prefix "$prefix" >/dev/null
unit=$prefix/share/octavo/systemd/octavo-daily.service
timer=$prefix/share/octavo/systemd/octavo-daily.timer

# What the unit must say, checked whatever systemd-analyze can do here.
for want in "^ExecStart=$prefix/bin/octavo build " "^ExecStartPost=$prefix/bin/octavo opds " \
            "^SuccessExitStatus=4$" "^DynamicUser=yes$" "^StateDirectory=octavo$" \
            "^CacheDirectory=octavo$" "^ProtectSystem=strict$" "^NoNewPrivileges=yes$" \
            "^PrivateTmp=yes$" "^Documentation=man:octavo\(1\)" \
            "--state \${STATE_DIRECTORY}/state.db" "--cache-dir \${CACHE_DIRECTORY}"; do
  grep -qE -- "$want" "$unit" || grep -qF -- "$want" "$unit" || fail "the unit lacks: $want"
done
grep -q "^Documentation=man:octavo(1)" "$timer" || fail "the timer has no Documentation="
[ -x "$prefix/bin/octavo" ] || fail "no installed binary"

if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze is not installed (apt-get install systemd)"
  exit 77
fi
# verify needs the man page it is pointed at to resolve man:octavo(1)
export MANPATH=$prefix/share/man:
out=$tmp/verify.out
if systemd-analyze verify --man=yes "$unit" "$timer" >"$out" 2>&1; then
  status=0
else
  status=$?
fi
if grep -qiE "Failed to (initialize|connect|create|setup)|Operation not permitted|System has not been booted with systemd|Couldn't find an init|Cannot determine cgroup" "$out" \
   && ! grep -q "octavo-daily" "$out"; then
  cat "$out"
  echo "SKIP: systemd-analyze verify cannot run in this container (see above)"
  exit 77
fi
cat "$out"
# Warnings about units octavo does not ship (the host's own) are not ours.
if grep -E "octavo-daily\.(service|timer)" "$out" | grep -v "^$"; then
  fail "systemd-analyze verify complained about the octavo units"
fi
[ "$status" -eq 0 ] || fail "systemd-analyze verify exited $status"
echo "systemd unit test: ok (systemd-analyze verify passed)"
