#!/usr/bin/env bash
# treepeak.sh OUT -- CMD [ARGS...]
#
# Runs CMD under GNU time and, while it runs, polls the whole process tree
# (every 0.1 s) for the sum of its members' resident set sizes.
# Writes one line "WALL_S MAXRSS_KB TREE_PEAK_KB CPU_S" to OUT and exits
# with CMD's status.
#
#   WALL_S        elapsed seconds, to the millisecond (bash's time)
#   MAXRSS_KB     GNU time %M: the peak RSS of the largest single process in
#                 the tree (Linux rusage semantics), NOT the sum
#   TREE_PEAK_KB  highest polled sum of RSS over the tree; a sample, so a
#                 peak shorter than 0.1 s can be missed, and shared pages
#                 are counted once per process (an over-estimate for forks)
#   CPU_S         user plus system CPU seconds of CMD and the children it
#                 waited for, to the millisecond (bash's time over GNU
#                 time, whose own share is a millisecond or so; steadier
#                 than wall on a busy box)
#
# The poll reads /proc with shell built-ins only (no ps, awk or sleep
# started every 0.1 s): a poller that forks takes CPU from the two cores
# the measured command is using, and lowers its "CPUs used".
set -euo pipefail

out=$1
shift
[ "${1:-}" = "--" ] && shift
tfile=$(mktemp)
bfile=$(mktemp)
trap 'rm -f "$tfile" "$bfile"' EXIT

(
    TIMEFORMAT='%3R %3U %3S'
    { time /usr/bin/time -f '%e %M %U %S' -o "$tfile" "$@" 2>&3; } 3>&2 2>"$bfile"
) &
root=$!

# tree_rss PID [SELF]: sum of VmRSS (kB) of PID's descendants and, unless
# SELF is 0, of PID itself, into $sum. The root is this script's subshell
# around GNU time: not counted, as GNU time, the old root, is.
tree_rss() {
    local pid=$1 line kids k t
    if [ "${2:-1}" != 0 ] && [ -r "/proc/$pid/status" ]; then
        while read -r line; do
            case $line in VmRSS:*) line=${line#VmRSS:}; line=${line% kB}; sum=$((sum + line)); break ;; esac
        done <"/proc/$pid/status" 2>/dev/null || true
    fi
    for t in /proc/"$pid"/task/*/children; do
        [ -r "$t" ] || continue
        kids=
        read -r kids <"$t" 2>/dev/null || true
        for k in $kids; do tree_rss "$k"; done
    done
}

exec 9<> <(:) # a pipe nobody writes: read -t on it sleeps without a fork
peak=0
while kill -0 "$root" 2>/dev/null; do
    sum=0
    tree_rss "$root" 0
    if [ "$sum" -gt "$peak" ]; then peak=$sum; fi
    read -r -t 0.1 -u 9 _ || true
done
status=0
wait "$root" || status=$?
# GNU time writes "Command exited with non-zero status N" first on failure.
read -r _ maxrss _ _ < <(tail -n 1 "$tfile")
read -r wall user sys < <(tail -n 1 "$bfile")
cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')
echo "$wall $maxrss $peak $cpu" >"$out"
exit "$status"
