#!/usr/bin/env bash
# treepeak.sh OUT -- CMD [ARGS...]
#
# Runs CMD under GNU time and, while it runs, polls the whole process tree
# (every 0.1 s, with ps) for the sum of its members' resident set sizes.
# Writes one line "WALL_S MAXRSS_KB TREE_PEAK_KB CPU_S" to OUT and exits
# with CMD's status.
#
#   WALL_S        GNU time %e (elapsed seconds)
#   MAXRSS_KB     GNU time %M: the peak RSS of the largest single process in
#                 the tree (Linux rusage semantics), NOT the sum
#   TREE_PEAK_KB  highest polled sum of RSS over the tree; a sample, so a
#                 peak shorter than 0.1 s can be missed, and shared pages
#                 are counted once per process (an over-estimate for forks)
#   CPU_S         GNU time %U + %S: user plus system CPU seconds of CMD and
#                 the children it waited for (steadier than wall on a busy box)
set -euo pipefail

out=$1
shift
[ "${1:-}" = "--" ] && shift
tfile=$(mktemp)
trap 'rm -f "$tfile"' EXIT

/usr/bin/time -f '%e %M %U %S' -o "$tfile" "$@" &
root=$!
peak=0
while kill -0 "$root" 2>/dev/null; do
    sum=$(ps -e -o pid=,ppid=,rss= | awk -v root="$root" '
        { parent[$1] = $2; rss[$1] = $3 }
        END {
            total = 0
            for (p in rss) {
                q = p
                for (depth = 0; depth < 64 && q != "" && q != 0; depth++) {
                    if (q == root) { total += rss[p]; break }
                    q = parent[q]
                }
            }
            print total
        }')
    if [ "$sum" -gt "$peak" ]; then peak=$sum; fi
    sleep 0.1
done
status=0
wait "$root" || status=$?
# GNU time writes "Command exited with non-zero status N" first on failure.
read -r wall maxrss user sys < <(tail -n 1 "$tfile")
cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
echo "$wall $maxrss $peak $cpu" >"$out"
exit "$status"
