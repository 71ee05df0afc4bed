#!/usr/bin/env bash
# Copyright 2026 The eboard authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Runs a browser test (node + Chromium + a real eboardd) inside a network
# namespace of its own with only loopback up, so that no packet leaves
# it, and always removes the namespace and ends its processes afterwards.
# Needs root (ip netns); without it the test fails and says why.
#
# usage: run-browser-test.sh EBOARDD TEST.mjs
set -uo pipefail

eboardd=$1
script=$2
here=$(cd "$(dirname "$0")" && pwd)

# TAP: a reason to stop before any test ran is a failure, never a skip.
bail() {
  echo "Bail out! $*"
  exit 1
}

[ "$(id -u)" -eq 0 ] \
  || bail "the browser tests need root to create a network namespace (ip netns); run them as root"
command -v ip >/dev/null || bail "'ip' is missing: install iproute2 (scripts/install-deps --tests)"
[ -x /usr/bin/chromium ] || bail "/usr/bin/chromium is missing: install chromium (scripts/install-deps --tests)"
command -v node >/dev/null || bail "node is missing: install nodejs (scripts/install-deps --tests)"
command -v ffprobe >/dev/null || bail "ffprobe is missing: install ffmpeg (scripts/install-deps --tests)"
[ -f "$here/node_modules/playwright-core/package.json" ] \
  || bail "playwright-core is missing: run 'npm ci' in tests/browser (scripts/install-deps --tests does)"
[ -x "$eboardd" ] || bail "no eboardd at $eboardd"

# Below the meson timeout, so that the clean-up below always runs (a
# SIGKILL from meson would leave the namespace behind).
deadline=${EB_BROWSER_TEST_SECONDS:-240}

# Namespaces left by runs that were killed: their runner's pid is gone and
# nothing runs in them any more.
for stale in $(ip netns list 2>/dev/null | awk '/^eb-browser-[0-9]+/ { print $1 }'); do
  pid=${stale#eb-browser-}
  if ! kill -0 "$pid" 2>/dev/null && [ -z "$(ip netns pids "$stale" 2>/dev/null)" ]; then
    ip netns delete "$stale" 2>/dev/null
  fi
done

ns="eb-browser-$$"
work=$(mktemp -d "${TMPDIR:-/tmp}/eb-browser.XXXXXX") || bail "cannot create a temporary folder"

# shellcheck disable=SC2317  # called by the trap
cleanup() {
  local pids
  pids=$(ip netns pids "$ns" 2>/dev/null)
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null
    sleep 1
    pids=$(ip netns pids "$ns" 2>/dev/null)
    # shellcheck disable=SC2086
    [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
  fi
  ip netns delete "$ns" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
# a timeout (meson sends SIGTERM) or ^C still cleans up
trap 'exit 143' TERM
trap 'exit 130' INT

ip netns add "$ns" || bail "cannot create the network namespace $ns ('ip netns add' failed)"
ip -n "$ns" link set lo up || bail "cannot bring up loopback in $ns"

# in the background, so that the traps run at once on a signal
ip netns exec "$ns" env HOME="$work" TMPDIR="$work" \
  timeout --kill-after=10 "$deadline" node "$here/$script" "$eboardd" "$work" &
wait $!
status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  echo "Bail out! the test did not finish within $deadline s"
fi
exit "$status"
