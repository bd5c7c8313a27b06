#!/usr/bin/env bash
# `npm run image:test`: builds the Dockerfile, starts the image with only its documented environment, waits for
# /readyz, sends one signed webhook (and one badly signed), reports build time, image size, time to ready and the
# app's resident memory, then stops it.
#
# Engine: `docker` where a Docker engine answers; otherwise buildah (Debian's package, installed when missing and
# we are root), whose chroot isolation builds and runs without a daemon, cgroups or a network namespace of its
# own, so the started app listens on this machine's loopback.
#
# Base image: NODE_IMAGE if set. With buildah and no NODE_IMAGE, a local `localhost/node:24-bookworm-slim` if one
# exists, else one made by ../shared/tools/node-base-image where that exists (it builds the stand-in from Debian's
# packages and the npm registry, for machines that reach no container registry), else the Dockerfile's default.
#
# Environment knobs: NODE_IMAGE, IMAGE (tag to build, default localhost/locate:image-test), PORT (default: a free
# one), READY_TIMEOUT (seconds, default 120), KEEP_IMAGE=1 to keep the image afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/locate:image-test}
READY_TIMEOUT=${READY_TIMEOUT:-120}
NODE_MAJOR=24
work=$(mktemp -d)
pid=""
ctr=""
engine=""

say() { printf '[image-test] %s\n' "$*"; }
fail() { say "FAILED: $*"; [ -f "$work/app.log" ] && { say "app output:"; tail -n 40 "$work/app.log"; }; exit 1; }
now_ms() { date +%s%3N; }

cleanup() {
  set +e
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" 2>/dev/null; fi
  if [ "$engine" = docker ] && [ -n "$ctr" ]; then docker rm -f "$ctr" >/dev/null 2>&1; fi
  if [ "$engine" = buildah ] && [ -n "$ctr" ]; then buildah rm "$ctr" >/dev/null 2>&1; fi
  if [ "${KEEP_IMAGE:-0}" != 1 ] && [ -n "$engine" ]; then
    if [ "$engine" = docker ]; then docker rmi "$IMAGE" >/dev/null 2>&1; else buildah rmi "$IMAGE" >/dev/null 2>&1; fi
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# ---- engine and base image -------------------------------------------------------------------------------------
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  engine=docker
else
  if ! command -v buildah >/dev/null; then
    [ "$(id -u)" = 0 ] || fail "no Docker engine and no buildah; install buildah (apt-get install buildah) or start Docker"
    say "no Docker engine: installing buildah"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah >/dev/null
  fi
  engine=buildah
  if [ -z "${NODE_IMAGE:-}" ]; then
    local_base="localhost/node:${NODE_MAJOR}-bookworm-slim"
    if buildah inspect --type image "$local_base" >/dev/null 2>&1; then
      NODE_IMAGE=$local_base
    elif [ -x ../shared/tools/node-base-image ]; then
      say "building the local stand-in $local_base with ../shared/tools/node-base-image"
      ../shared/tools/node-base-image "$NODE_MAJOR"
      NODE_IMAGE=$local_base
    fi
  fi
fi
build_args=()
[ -n "${NODE_IMAGE:-}" ] && build_args=(--build-arg "NODE_IMAGE=$NODE_IMAGE")
say "engine: $engine; base: ${NODE_IMAGE:-the default in the Dockerfile}; image: $IMAGE"

# ---- build -----------------------------------------------------------------------------------------------------
started=$(now_ms)
if [ "$engine" = docker ]; then
  docker build "${build_args[@]}" -t "$IMAGE" . > "$work/build.log" 2>&1 || { tail -n 40 "$work/build.log"; fail "docker build"; }
  size=$(( $(docker image inspect --format '{{.Size}}' "$IMAGE") / 1000 / 1000 ))" MB"
else
  buildah bud --isolation chroot --layers=false "${build_args[@]}" -t "$IMAGE" . > "$work/build.log" 2>&1 || { tail -n 40 "$work/build.log"; fail "buildah bud"; }
  size=$(buildah images --noheading --format '{{.Size}}' "$IMAGE")
fi
build_s=$(( ($(now_ms) - started) / 1000 ))
say "built in ${build_s} s; image size $size"

# ---- start with the documented environment only ----------------------------------------------------------------
# The Dockerfile's own run line: APP_ID, PRIVATE_KEY and WEBHOOK_SECRET (HOST, PORT and LOCATE_DATA_DIR are the
# image's defaults). PORT is set only with buildah, where the app shares this machine's network.
secret=$(openssl rand -hex 20)
key=$(openssl genrsa 2048 2>/dev/null)
[ -n "$key" ] || fail "openssl could not make a private key"
if [ -z "${PORT:-}" ]; then
  PORT=$(node -e 'const s=require("node:net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
fi

started=$(now_ms)
if [ "$engine" = docker ]; then
  ctr=$(docker run -d --init -p "127.0.0.1:$PORT:3000" -e APP_ID=1 -e PRIVATE_KEY="$key" -e WEBHOOK_SECRET="$secret" "$IMAGE")
  docker logs -f "$ctr" > "$work/app.log" 2>&1 &
else
  ctr=$(buildah from "$IMAGE")
  # The image's own command, user, working directory and environment; buildah run does not apply CMD itself.
  mapfile -t cmd < <(buildah inspect --type container --format '{{range .OCIv1.Config.Cmd}}{{println .}}{{end}}' "$ctr" | sed '/^$/d')
  [ "${#cmd[@]}" -gt 0 ] || fail "the image has no CMD"
  buildah run --isolation chroot \
    --env APP_ID=1 --env PRIVATE_KEY="$key" --env WEBHOOK_SECRET="$secret" --env PORT="$PORT" \
    "$ctr" -- "${cmd[@]}" > "$work/app.log" 2>&1 &
  pid=$!
fi

base="http://127.0.0.1:$PORT"
deadline=$(( $(date +%s) + READY_TIMEOUT ))
until curl -fsS -o /dev/null "$base/readyz" 2>/dev/null; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "/readyz did not answer 200 within ${READY_TIMEOUT} s"
  if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then fail "the container exited before it was ready"; fi
  sleep 0.2
done
ready_ms=$(( $(now_ms) - started ))
say "ready (/readyz 200) ${ready_ms} ms after start"

# ---- one signed webhook, and one signed with another secret ----------------------------------------------------
# GitHub's first delivery to a new hook: a ping. Probot verifies X-Hub-Signature-256 before anything else.
body='{"zen":"Keep it logically awesome.","hook_id":1,"hook":{"type":"App","id":1,"active":true,"events":["issue_comment","issues","workflow_run"],"config":{}}}'
deliver() {
  local signature
  signature=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$1" | sed 's/^.*= //')
  curl -sS -o "$work/reply" -w '%{http_code}' -X POST "$base/api/github/webhooks" \
    -H 'content-type: application/json' -H 'x-github-event: ping' -H "x-github-delivery: image-test-$RANDOM" \
    -H "x-hub-signature-256: sha256=$signature" --data-binary "$body"
}
status=$(deliver "$secret")
[ "$status" = 200 ] || fail "a correctly signed webhook got $status: $(cat "$work/reply")"
say "signed webhook: $status"
status=$(deliver "not-the-secret")
case "$status" in 4??) say "webhook signed with another secret: $status (rejected)" ;; *) fail "a badly signed webhook got $status" ;; esac
[ "$(curl -fsS "$base/healthz")" = ok ] || fail "/healthz"

# ---- memory --------------------------------------------------------------------------------------------------
# With buildah the app is a process of this machine, below `buildah run`: its RSS is read from /proc. With Docker,
# from the engine.
sleep "${IDLE_SECONDS:-5}"
if [ "$engine" = docker ]; then
  say "memory: $(docker stats --no-stream --format '{{.MemUsage}}' "$ctr") (docker stats), idle ${IDLE_SECONDS:-5} s after the webhooks"
else
  # The node process among buildah's descendants (Node 24 names its main thread, so match the executable, not comm).
  app_pid=""
  for p in $(ps -eo pid=,ppid= | awk -v root="$pid" '{ parent[$1] = $2 } END { for (p in parent) { q = p; while (q in parent && q != root) q = parent[q]; if (q == root && p != root) print p } }'); do
    case "$(readlink "/proc/$p/exe" 2>/dev/null)" in */node) app_pid=$p ;; esac
  done
  [ -n "$app_pid" ] || fail "the app's node process was not found below buildah (pid $pid)"
  say "memory: app RSS $(awk '/^VmRSS/{printf "%d MB", $2/1024}' "/proc/$app_pid/status"), idle ${IDLE_SECONDS:-5} s after the webhooks"
fi

# ---- stop ------------------------------------------------------------------------------------------------------
# SIGTERM to the app itself, as an orchestrator's stop does to PID 1 (buildah run would kill it outright).
if [ "$engine" = docker ]; then
  docker stop -t 10 "$ctr" >/dev/null
else
  kill -TERM "$app_pid"
  wait "$pid" || fail "the app did not exit cleanly on SIGTERM"
  pid=""
fi
grep -q 'shutting down' "$work/app.log" || fail "the app's log has no 'shutting down' line"
grep -q '"database ready"\|database ready' "$work/app.log" || fail "the app's log has no 'database ready' line"
say "OK: built in ${build_s} s, image $size, ready in ${ready_ms} ms, signed webhook answered 200"
