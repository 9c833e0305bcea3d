#!/usr/bin/env bash
# Installs the Debian packages Raqib needs, idempotently (safe to run again).
#   runtime: ffmpeg (video decode/encode), mosquitto (MQTT broker for notifications and their tests),
#            nginx + libnginx-mod-rtmp (the RTMP ingest `raqib serve` starts with its own config, unprivileged)
#            chromium (the dashboard's browser tests drive Debian's /usr/bin/chromium with playwright-core;
#            `raqib report --pdf` and GET /api/v1/events/:id/report?format=pdf print with it)
#            fonts-dejavu-core (Latin and Arabic glyphs for those PDFs: Debian's chromium brings no font)
#            postgresql (PostgreSQL 15 for storage.postgres; the tests start their own throw-away server from
#            /usr/lib/postgresql/15/bin, as the postgres user when run as root)
#            nats-server (NATS with JetStream for scale-out: the bus, stream leases and the store writer; the tests
#            start their own throw-away server on free loopback ports)
#   build: g++, make, python3 (node-gyp compiles better-sqlite3 when no prebuilt binary can be downloaded;
#          see scripts/native-build-env.sh); openssl (self-signed certificates for the TLS tests)
#   training (optional, RAQIB_TRAINING=1): PyTorch and friends from Debian, run with /usr/bin/python3
set -euo pipefail

runtime_pkgs=(ffmpeg mosquitto nginx libnginx-mod-rtmp chromium fonts-dejavu-core postgresql nats-server g++ make python3 openssl)
training_pkgs=(python3-torch python3-torchvision python3-onnx python3-numpy python3-scipy python3-pil libopenblas0-pthread)

wanted=("${runtime_pkgs[@]}")
if [[ "${RAQIB_TRAINING:-0}" == "1" ]]; then wanted+=("${training_pkgs[@]}"); fi

missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then missing+=("$pkg"); fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-system-deps: all present (${wanted[*]})"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "install-system-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
