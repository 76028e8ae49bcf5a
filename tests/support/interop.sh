# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash
# The part every Linux interop test (tests/interop/*.sh) shares: the checks
# that skip a test (exit 77, with the reason printed), one network namespace
# of its own with a scratch folder, and the cleanup that kills what runs in
# that namespace and deletes it (with the TAP/TUN devices in it) however the
# test ends. Not a test itself: it lives outside tests/interop/, where every
# *.sh is registered with ctest. Sourced, after TETHER=${1:?...}, as
#     source "$(dirname "$0")/../support/interop.sh"
#     tt_interop_require ip ss socat   # root, /dev/net/tun and these tools
#     tt_interop_setup echo            # $ns, $dir, NS, cleanup on exit
# Only 192.0.2.0/24 is used, and only inside that namespace.

skip() { echo "SKIP: $*"; exit 77; }

# tt_interop_require TOOL...: skip without root, /dev/net/tun or any TOOL.
tt_interop_require() {
    local t
    [ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, TAP)"
    [ -c /dev/net/tun ] || skip "no /dev/net/tun"
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 || skip "$t is not installed"
    done
}

# Runs on exit: kill every process inside our own namespace (nothing else),
# reap the children, delete the namespace (its devices go with it) and $dir.
tt_interop_cleanup() {
    local p
    for p in $(ip netns pids "$ns" 2>/dev/null); do
        kill -KILL "$p" 2>/dev/null
    done
    wait 2>/dev/null
    ip netns del "$ns" 2>/dev/null
    rm -rf "$dir"
}

# tt_interop_setup NAME: the namespace $ns (tt_NAME_<pid>_<random>) with its
# loopback up, the scratch folder $dir, NS to run a command in the namespace,
# the cleanup on exit (also on INT, TERM and HUP), and the start time for
# tt_interop_secs. Skips when the namespace cannot be created.
tt_interop_setup() {
    ns="tt_$1_$$_$RANDOM"
    dir=$(mktemp -d "/tmp/tt_interop_$1.XXXXXX")
    trap tt_interop_cleanup EXIT
    trap 'exit 1' INT TERM HUP # so that a killed test still cleans up
    ip netns add "$ns" || skip "cannot create a network namespace"
    NS ip link set lo up
    tt_interop_t0=$(date +%s.%N)
}

# NS CMD...: CMD inside the namespace. Not for a background job whose $! is
# wanted: a function runs in a subshell, and $! would be the subshell's pid.
NS() { ip netns exec "$ns" "$@"; }

# tt_interop_dev tap|tun NAME ADDR...: a persistent TAP or TUN device in the
# namespace with the address `ip addr add ADDR...` gives it (e.g. 192.0.2.1/24,
# or 192.0.2.5 peer 192.0.2.6), up. A device that cannot be created fails the
# test.
tt_interop_dev() {
    local mode=$1 name=$2
    shift 2
    NS ip tuntap add dev "$name" mode "$mode" ||
        { echo "FAIL: cannot create ${mode^^} $name"; exit 1; }
    NS ip addr add "$@" dev "$name"
    NS ip link set "$name" up
}

# tt_interop_wait_log PATTERN FILE [PID]: wait, 5 s at most, until FILE holds
# a line matching PATTERN (0), or process PID has ended (1).
tt_interop_wait_log() {
    local _
    for _ in $(seq 50); do
        grep -qs -- "$1" "$2" && return 0
        [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null && return 1
        sleep 0.1
    done
    return 1
}

# tt_interop_until CMD...: run CMD every 0.1 s until it succeeds, 5 s at most.
tt_interop_until() {
    local _
    for _ in $(seq 50); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

# tt_interop_listening PORT: a TCP socket listens on PORT in the namespace.
tt_interop_listening() { NS ss -Htln "( sport = :$1 )" | grep -q .; }

# tt_interop_signal SIG NAME: send SIG to the processes called NAME (as in
# /proc/PID/comm) inside the namespace, e.g. tether itself rather than the
# `timeout` or `ip netns exec` that started it.
tt_interop_signal() {
    local p
    for p in $(ip netns pids "$ns" 2>/dev/null); do
        [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$2" ] && kill "-$1" "$p" 2>/dev/null
    done
    return 0
}

# tt_interop_secs: seconds since tt_interop_setup ("?" without bc).
tt_interop_secs() { echo "$(date +%s.%N) - $tt_interop_t0" | bc 2>/dev/null || echo "?"; }
