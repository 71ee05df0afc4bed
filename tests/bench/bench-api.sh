#!/usr/bin/env bash
# Copyright 2026 The eboard authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# API throughput benchmark: reading one session (GET /api/v1/sessions/ID)
# from the real eboardd, side by side with nginx serving the same JSON bytes
# from a file on the same machine, both under the same wrk load. Loopback
# only; both servers are stopped on exit.
#
# usage: bench-api.sh [PATH/TO/eboardd]
# environment: BENCH_DURATION (15s), BENCH_CONNECTIONS (64), BENCH_THREADS (2),
#              NGINX (/usr/sbin/nginx), WRK (wrk)
# Exit status 77 (skipped) when wrk or nginx is missing.
set -euo pipefail

eboardd=${1:-${EBOARDD:-build/src/daemon/eboardd}}
duration=${BENCH_DURATION:-15s}
connections=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}
nginx=${NGINX:-/usr/sbin/nginx}
wrk=${WRK:-wrk}

for tool in "$wrk" curl python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "bench-api: $tool is not installed: skipped" >&2
    exit 77
  fi
done
if [ ! -x "$nginx" ]; then
  echo "bench-api: $nginx is not installed (Debian: nginx-light): skipped" >&2
  exit 77
fi
if [ ! -x "$eboardd" ]; then
  echo "bench-api: no eboardd at $eboardd" >&2
  exit 1
fi

tmp=$(mktemp -d -t eboard-bench-api-XXXXXX)
eboardd_pid=""
nginx_pid=""

stop() {
  # $1: pid; TERM, then KILL after 5 s.
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  stop "$nginx_pid"
  stop "$eboardd_pid"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

json_field() {
  # $1: field name; reads JSON on stdin
  python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# ms from a wrk duration such as 812.00us, 1.23ms or 1.01s
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.3f", v * 60000 }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else { print "nan" }
  }'
}

# Runs wrk against $1 with extra wrk arguments after it; sets rps, p50, p99.
run_wrk() {
  local url=$1 out
  shift
  out=$("$wrk" -t"$threads" -c"$connections" -d"$duration" --latency "$@" "$url")
  echo "$out" | sed 's/^/    /'
  if echo "$out" | grep -q 'Non-2xx or 3xx responses'; then
    echo "bench-api: $url answered errors under load" >&2
    exit 1
  fi
  rps=$(echo "$out" | awk '/^Requests\/sec:/ { print $2 }')
  p50=$(to_ms "$(echo "$out" | awk '$1 == "50%" { print $2 }')")
  p99=$(to_ms "$(echo "$out" | awk '$1 == "99%" { print $2 }')")
}

# --- eboardd ---
echo "machine: $(nproc) processors,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
mkdir -p "$tmp/www"
"$eboardd" --data-dir "$tmp/data" --address 127.0.0.1 --port 0 \
  --port-file "$tmp/eboardd.port" >"$tmp/eboardd.out" 2>"$tmp/eboardd.log" &
eboardd_pid=$!
for _ in $(seq 100); do
  [ -s "$tmp/eboardd.port" ] && break
  kill -0 "$eboardd_pid" 2>/dev/null || { cat "$tmp/eboardd.log" >&2; exit 1; }
  sleep 0.1
done
[ -s "$tmp/eboardd.port" ] || { echo "bench-api: eboardd did not start" >&2; exit 1; }
port=$(cat "$tmp/eboardd.port")
token=$(cat "$tmp/data/bootstrap-token")
base="http://127.0.0.1:$port"
auth="Authorization: Bearer $token"

# POST $2 (JSON) to $1 and print the new object's id.
create() {
  local answer
  if ! answer=$(curl -sS --fail-with-body -X POST -H "$auth" \
    -H 'Content-Type: application/json' -d "$2" "$base$1"); then
    echo "bench-api: POST $1 failed: $answer" >&2
    tail -n 20 "$tmp/eboardd.log" >&2
    exit 1
  fi
  echo "$answer" | json_field id
}

site_id=$(create /api/v1/sites \
  '{"name": "Benchmark hub", "code": "BENCH", "timezone": "Europe/Berlin",
    "status": "active", "is_hub": true}')
session_id=$(create /api/v1/sessions \
  '{"title": "Thoracic tumor board", "focus": "Lung and mesothelioma",
    "host_site_id": '"$site_id"', "start": "2026-12-01T15:00:00Z",
    "duration_minutes": 60, "timezone": "Europe/Berlin",
    "recurrence": {"frequency": "weekly", "interval": 1, "count": 26,
                   "until": null, "last_weekday": false}}')
path="/api/v1/sessions/$session_id"
curl -sS --fail-with-body -H "$auth" -o "$tmp/www/session.json" "$base$path" || {
  echo "bench-api: GET $path failed" >&2
  exit 1
}
bytes=$(wc -c <"$tmp/www/session.json")

echo "eboardd $("$eboardd" --version | awk '{ print $2 }') on $base (pid $eboardd_pid)"
echo "GET $path: $bytes bytes of JSON"
echo "wrk -t$threads -c$connections -d$duration --latency -H 'Authorization: Bearer ...' $base$path"
run_wrk "$base$path" -H "$auth"
eb_rps=$rps eb_p50=$p50 eb_p99=$p99

# --- nginx, the same bytes from a file ---
# The worker processes may run as another user: let them read the file.
mkdir -p "$tmp/nginx/logs" "$tmp/www/api/v1/sessions"
cp "$tmp/www/session.json" "$tmp/www/api/v1/sessions/$session_id"
chmod 0755 "$tmp" "$tmp/www" "$tmp/www/api" "$tmp/www/api/v1" "$tmp/www/api/v1/sessions"
chmod 0644 "$tmp/www/api/v1/sessions/$session_id"
for attempt in 1 2 3; do
  nginx_port=$(free_port)
  cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/client_body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  # Connections stay open as long as wrk keeps them, as with eboardd.
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port;
    root $tmp/www;
    default_type application/json;
    location /api/v1/sessions/ { }
  }
}
EOF
  "$nginx" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/logs/error.log" &
  nginx_pid=$!
  for _ in $(seq 50); do
    curl -sf -o /dev/null "http://127.0.0.1:$nginx_port$path" && break
    kill -0 "$nginx_pid" 2>/dev/null || break
    sleep 0.1
  done
  if curl -sf -o /dev/null "http://127.0.0.1:$nginx_port$path"; then
    break
  fi
  stop "$nginx_pid"
  nginx_pid=""
  [ "$attempt" -lt 3 ] || { cat "$tmp/nginx/logs/error.log" >&2; exit 1; }
done
curl -sfS -o "$tmp/nginx.json" "http://127.0.0.1:$nginx_port$path"
cmp -s "$tmp/nginx.json" "$tmp/www/session.json" || {
  echo "bench-api: nginx does not serve the same bytes" >&2
  exit 1
}

echo
echo "$("$nginx" -v 2>&1 | sed 's/^nginx version: //') on 127.0.0.1:$nginx_port (pid $nginx_pid), the same $bytes bytes from a file"
echo "wrk -t$threads -c$connections -d$duration --latency -H 'Authorization: Bearer ...' http://127.0.0.1:$nginx_port$path"
run_wrk "http://127.0.0.1:$nginx_port$path" -H "$auth"
ng_rps=$rps ng_p50=$p50 ng_p99=$p99

echo
printf '%-10s %14s %10s %10s\n' server "requests/s" "p50 ms" "p99 ms"
printf '%-10s %14.0f %10.3f %10.3f\n' eboardd "$eb_rps" "$eb_p50" "$eb_p99"
printf '%-10s %14.0f %10.3f %10.3f\n' nginx "$ng_rps" "$ng_p50" "$ng_p99"
awk -v a="$eb_rps" -v b="$ng_rps" -v c="$eb_p99" -v d="$ng_p99" 'BEGIN {
  printf "ratio eboard/nginx: requests/s %.2f, p99 latency %.2f\n", a / b, c / d
}'
