#!/usr/bin/env bash
# Installs grpcurl (pinned) into .cache/bin for the stream's e2e test and the
# demo. Idempotent: does nothing when the pinned version is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=v1.9.3
BIN="$PWD/.cache/bin"
mkdir -p "$BIN"
if [[ -x "$BIN/grpcurl" ]] && "$BIN/grpcurl" -version 2>&1 | grep -q "${VERSION#v}"; then
  exit 0
fi
echo "install-grpcurl: go install github.com/fullstorydev/grpcurl/cmd/grpcurl@$VERSION into $BIN"
GOBIN="$BIN" go install -ldflags "-X main.version=$VERSION" "github.com/fullstorydev/grpcurl/cmd/grpcurl@$VERSION"
"$BIN/grpcurl" -version
