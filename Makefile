# ClearChain — see README.md. `make help` lists the targets.
SHELL := /bin/bash
BUILDDIR ?= $(CURDIR)/build
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS := -X github.com/cosmos/cosmos-sdk/version.Name=ClearChain \
           -X github.com/cosmos/cosmos-sdk/version.AppName=cleard \
           -X github.com/cosmos/cosmos-sdk/version.Version=$(VERSION) \
           -X github.com/cosmos/cosmos-sdk/version.Commit=$(COMMIT)
export PATH := $(CURDIR)/.cache/bin:$(PATH)
export CGO_ENABLED := 1
GO_TEST_FLAGS ?=

.PHONY: help deps build install demo test test-unit test-race test-sim-nondeterminism test-sim-import-export \
        test-localnet test-oracle-localnet test-oracle-gov-localnet test-crash lint proto-gen localnet-start localnet-stop bench clean \
        bench-e2e bench-e2e-capped bench-e2e-smoke

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  %-26s %s\n", $$1, $$2}'

deps: ## Install what a fresh machine lacks (idempotent)
	@bash scripts/install-deps.sh

build: deps ## Build build/cleard, build/clear-feeder, build/clear-load and build/clear-mm
	@mkdir -p $(BUILDDIR)
	go build -ldflags '$(LDFLAGS)' -o $(BUILDDIR)/cleard ./cmd/cleard
	go build -o $(BUILDDIR)/clear-feeder ./cmd/clear-feeder
	go build -o $(BUILDDIR)/clear-load ./cmd/clear-load
	go build -o $(BUILDDIR)/clear-mm ./cmd/clear-mm

install: deps ## Install cleard into GOBIN
	go install -ldflags '$(LDFLAGS)' ./cmd/cleard

demo: build ## Start a single-node chain on Pebble and run a short market session
	@bash scripts/demo.sh

test: build ## The whole test suite (what CI runs)
	go test $(GO_TEST_FLAGS) -count=1 ./...
	$(MAKE) --no-print-directory test-sim-nondeterminism
	$(MAKE) --no-print-directory test-sim-import-export
	$(MAKE) --no-print-directory test-localnet
	$(MAKE) --no-print-directory test-oracle-localnet
	$(MAKE) --no-print-directory test-oracle-gov-localnet
	$(MAKE) --no-print-directory bench-e2e-smoke
	$(MAKE) --no-print-directory test-contracts

test-unit: deps ## Unit tests only, no network
	go test $(GO_TEST_FLAGS) -count=1 -short ./...

test-race: deps ## Unit tests under the race detector
	go test -race -short -count=1 ./...

SIM_FLAGS ?= -Enabled=true -NumBlocks=20 -BlockSize=50 -Commit=true -Period=0 -Seed=42

test-sim-nondeterminism: deps ## Small SDK simulation run 3x per seed: app hashes must match
	go test ./app -run '^TestAppStateDeterminism$$' -count=1 -v -timeout 20m $(SIM_FLAGS) 2>&1 | grep -E '^(=== RUN|--- |PASS|FAIL|ok|\s+sim_test)'; exit $${PIPESTATUS[0]}

test-sim-import-export: deps ## Simulate, export genesis, import into a fresh app, compare every store
	go test ./app -run '^TestAppImportExport$$' -count=1 -v -timeout 20m $(SIM_FLAGS) 2>&1 | grep -E '^(=== RUN|--- |PASS|FAIL|ok|\s+sim_test)'; exit $${PIPESTATUS[0]}

test-localnet: build ## 4 validators on loopback; SIGKILL one, it catches up to the same app hash
	@bash scripts/test-localnet.sh

test-oracle-localnet: build ## 4 validators + 4 feeders: prices on chain, a wild or stopped feeder changes nothing
	@bash scripts/test-oracle-localnet.sh

test-oracle-gov-localnet: build ## 4 validators + feeders: governance removes a feed mid-run, the chain and the other prices go on
	@bash scripts/test-oracle-gov-localnet.sh

test-crash: build ## A node SIGKILLed while txs flow restarts with the same app hash and no lost tx
	go test ./tests/e2e -run TestCrashRecovery -count=1 -v

localnet-start: build ## Start a 4-validator localnet on loopback (build/localnet)
	@bash scripts/localnet.sh start

localnet-stop: ## Stop the localnet
	@bash scripts/localnet.sh stop

lint: deps ## gofmt, go vet, staticcheck
	@bash scripts/install-deps.sh --lint
	@test -z "$$(gofmt -l $$(git ls-files '*.go' | grep -v '\.pb\(\.gw\)\?\.go$$'))" || { gofmt -l $$(git ls-files '*.go' | grep -v '\.pb\(\.gw\)\?\.go$$'); echo 'gofmt: files above need formatting'; exit 1; }
	go vet ./...
	staticcheck ./...

proto-gen: ## Regenerate *.pb.go from proto/ (offline: buf + gocosmos)
	@bash scripts/install-deps.sh --proto
	@bash scripts/protocgen.sh

bench: deps ## Benchmarks of the engine, oracle and EndBlock (see docs/benchmarks.md)
	go test -run '^$$' -bench . -benchmem -count 1 ./matching/ ./oracle/ ./x/...

# 51 batches of 200 a second, 50 single-order txs and 50 bank sends: 10,250
# orders/s offered, so that the committed rate, counted from the start of the
# load to the commit of the last block, can reach 10,000 (issue 15's target).
BENCH_E2E_FLAGS ?= --accounts 600 --duration 30s --batch-rate 51 --batch-size 200 --single-rate 50 --send-rate 50 --drain 180s

bench-e2e: build ## One node on loopback (its defaults: 300 ms blocks) at 10,250 orders/s offered (10,200 in batches of 200): orders/s, tx/s, latency, block times, CPU per order (docs/benchmarks.md)
	@bash scripts/bench-e2e.sh $(BENCH_E2E_FLAGS)

bench-e2e-capped: build ## bench-e2e at 5,000 orders/s offered with blocks bounded by max_proposal_orders only (max_gas -1): runs A-E of docs/benchmarks.md
	@BENCH_MAX_GAS=-1 bash scripts/bench-e2e.sh --accounts 200 --duration 20s --batch-rate 100 --batch-size 50 --single-rate 50 --send-rate 50 --drain 180s

bench-e2e-smoke: build ## A few seconds of bench-e2e load: checks the tool end to end (not speed), then again with the single orders by the order lane
	@BENCH_SMOKE=1 bash scripts/bench-e2e.sh --accounts 6 --duration 3s --batch-rate 5 --batch-size 10 --single-rate 5 --send-rate 5 --drain 60s
	@BENCH_SMOKE=1 bash scripts/bench-e2e.sh --accounts 6 --duration 3s --batch-rate 5 --batch-size 10 --single-rate 5 --send-rate 5 --drain 60s --lane

clean: ## Remove build outputs and local networks
	rm -rf $(BUILDDIR)

test-stream: build ## The market-data stream: hub, client, bot, whole-app stream test, e2e (grpcurl, restart)
	bash scripts/install-grpcurl.sh
	go test ./stream/... ./client/... ./cmd/clear-mm/...
	go test ./app/ -run 'TestStream|TestUnordered'
	E2E_CLEARD=$(CURDIR)/$(BUILDDIR)/cleard go test ./tests/e2e/ -run TestStreamNode -v
.PHONY: contracts test-contracts
contracts: ## Build the CosmWasm contracts into contracts-wasm/artifacts (installs Debian rustc-web, wasm-ld-22, binaryen, wabt when missing)
	@bash scripts/build-contracts.sh

test-contracts: ## Host-side contract tests: cargo test of contracts-wasm/ (cw-multi-test, proptest, binding golden files)
	cd contracts-wasm && nice -n 10 cargo test --locked
# ---- Market surveillance (surveillance/, cmd/clear-surveil; docs/surveillance.md) ----
.PHONY: build-surveil test-surveil
build-surveil: deps ## Build build/clear-surveil (live market surveillance, auditor page)
	go build -o $(BUILDDIR)/clear-surveil ./cmd/clear-surveil

test-surveil: build ## Detectors, clear-surveil's page in headless Chromium, and clear-surveil catching a wash trade on a node
	bash scripts/install-chromium.sh
	go test ./surveillance/ ./cmd/clear-surveil/ -count=1
	E2E_CLEARD=$(BUILDDIR)/cleard go test ./tests/e2e -run TestSurveilCatchesWashTrade -count=1 -v

# --- Regulator simulations (issue 18: simulation/, cleard simulate, cleard replay-block) ---
SIM_OUT ?= $(BUILDDIR)/sim
.PHONY: sim-scenarios sim-compare test-sim-scenarios test-replay
sim-scenarios: build ## Run every bundled scenario (simulation/scenarios) with surveillance; reports in build/sim/<name>/report.html
	@set -e; for f in simulation/scenarios/*.yaml; do n=$$(basename $$f .yaml); \
	  $(BUILDDIR)/cleard simulate --scenario $$f --out $(SIM_OUT)/$$n; done

sim-compare: build ## Flash crash with a 10% vs a 20% band, same seed, one report (build/sim/compare-band)
	$(BUILDDIR)/cleard simulate --compare simulation/scenarios/flash-crash.yaml simulation/scenarios/flash-crash-band-20.yaml --out $(SIM_OUT)/compare-band

test-sim-scenarios: deps ## Scenario determinism (byte-identical outputs), bad-file errors, every bundled scenario holds its invariants, the detectors' seed sweeps (SIM_SWEEP=1; `make test` runs one seed)
	SIM_SWEEP=1 go test ./simulation/... -count=1 -timeout 30m $(GO_TEST_FLAGS)

test-replay: build ## cleard replay-block on a real node: re-executed fills equal the committed ones
	E2E_CLEARD=$(BUILDDIR)/cleard go test ./tests/e2e -run '^TestReplayBlockEqualsCommitted$$' -count=1 -v -timeout 20m

.PHONY: bench-wasmd
BENCH_WASMD_FLAGS ?= --accounts 1000 --send-rate 300 --duration 30s --drain 120s
bench-wasmd: build ## Bank sends on a stock wasmd node of our go.mod's versions (built once into build/wasmd-stock), same load tool: tx/s, block interval, CPU per send (scripts/bench-wasmd.sh --help)
	@bash scripts/bench-wasmd.sh $(BENCH_WASMD_FLAGS)
