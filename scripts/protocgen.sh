#!/usr/bin/env bash
# Regenerates the Go code of proto/ offline: third-party protos come from the
# Go module cache, buf and the plugins from scripts/install-deps.sh --proto.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.cache/bin:$PATH"

# Third-party protos, copied from the exact module versions in go.mod.
tp=third_party/proto
rm -rf "$tp" && mkdir -p "$tp"
dir() { go list -m -f '{{.Dir}}' "$1"; }
cp -r "$(dir github.com/cosmos/cosmos-sdk)/proto/cosmos" "$tp/"
cp -r "$(dir github.com/cosmos/cosmos-sdk)/proto/amino" "$tp/"
cp -r "$(dir github.com/cosmos/cosmos-proto)/proto/cosmos_proto" "$tp/"
mkdir -p "$tp/gogoproto" "$tp/google/api" "$tp/google/protobuf"
cp "$(dir github.com/cosmos/gogoproto)/gogoproto/gogo.proto" "$tp/gogoproto/"
cp "$(dir github.com/grpc-ecosystem/grpc-gateway)"/third_party/googleapis/google/api/{annotations,http}.proto "$tp/google/api/"
chmod -R u+w "$tp"
cat > "$tp/buf.yaml" <<'YAML'
version: v1
YAML

protos=$(find proto/clearchain -name '*.proto' | sort)
if [[ -z "$protos" ]]; then echo "protocgen: no protos"; exit 0; fi
(cd proto && buf generate --template buf.gen.gogo.yaml $(printf -- '--path %s ' $(cd .. && echo "$protos" | sed 's#^proto/##')))

# The generators write under the go_package path; move the files home.
if [[ -d github.com/clearchain/clearchain ]]; then
  cp -r github.com/clearchain/clearchain/* ./
  rm -rf github.com
fi
echo "protocgen: generated $(echo "$protos" | wc -l) files"
