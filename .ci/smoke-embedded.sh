#!/usr/bin/env bash
# The README's promise: `npm start` with no configuration serves /health/ready within 30 s on the
# embedded database, and the guide's two requests work against it.
set -euo pipefail
dir=$(mktemp -d)
# A free loopback port, so a stale server elsewhere cannot answer in our place.
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})')
log="$dir/server.log"
# Its own process group (setsid), so that npm, the shell and node all stop together.
env -u DATABASE_URL DATA_DIR="$dir/data" PORT=$port setsid npm start >"$log" 2>&1 &
pid=$!
stop() { kill -TERM -- "-$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
trap 'stop; kill -KILL -- "-$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
ready=""
for _ in $(seq 1 60); do
  if curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; then ready=yes; break; fi
  sleep 0.5
done
if [ -z "$ready" ]; then echo "server not ready within 30 s"; tail -50 "$log"; exit 1; fi
grep -q "Developer portal: *http://localhost:$port/portal" "$log" || { echo "the start-up lines do not name the portal"; cat "$log"; exit 1; }
curl -sf -o /dev/null "http://127.0.0.1:$port/portal/signin"
id=$(grep -m1 'client_id:' "$log" | awk '{print $2}')
secret=$(grep -m1 'client_secret:' "$log" | awk '{print $2}')
token=$(curl -sf -X POST "http://127.0.0.1:$port/oauth2/token" -H 'Content-Type: application/x-www-form-urlencoded' \
  -d "grant_type=client_credentials&client_id=$id&client_secret=$secret" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).access_token))')
code=$(curl -s -o "$dir/users.json" -w '%{http_code}' "http://127.0.0.1:$port/v1/users" -H "Authorization: Bearer $token")
if [ "$code" != 200 ]; then echo "GET /v1/users answered $code"; cat "$dir/users.json"; exit 1; fi
grep -q '"email"' "$dir/users.json"
stop
sleep 0.5
if ss -ltn | grep -q "127.0.0.1:$port "; then echo "the server did not stop on SIGTERM"; exit 1; fi
if grep -q '"level":50' "$log"; then echo "errors were logged:"; grep '"level":50' "$log"; exit 1; fi
# Deprecated options are fixed when they appear (Fastify's FSTDEP warnings name what replaces them).
if grep -qE 'DeprecationWarning|FSTDEP' "$log"; then echo "deprecation warnings at start-up:"; grep -E 'DeprecationWarning|FSTDEP' "$log"; exit 1; fi
echo "embedded smoke test: ready, token issued, GET /v1/users answered 200"
