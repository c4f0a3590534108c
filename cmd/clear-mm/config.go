package main

import (
	"fmt"
	"os"

	"gopkg.in/yaml.v2"
)

// Config is the bot's YAML config file (README.md, "Config").
type Config struct {
	// Node's gRPC address (stream, queries, broadcast).
	GRPC    string `yaml:"grpc"`
	ChainID string `yaml:"chain_id"`
	// Prefix: bech32 account prefix (default "clear").
	Prefix string `yaml:"prefix"`
	// Mnemonic of the market maker's key, or MnemonicFile holding it.
	Mnemonic     string `yaml:"mnemonic"`
	MnemonicFile string `yaml:"mnemonic_file"`
	// PrivateKeyHex: the secp256k1 key in hex (cleard keys export NAME
	// --unarmored-hex --unsafe), instead of a mnemonic.
	PrivateKeyHex string `yaml:"private_key_hex"`
	// Fees paid by every refresh tx (e.g. "5000uclear"; "" none).
	Fees   string `yaml:"fees"`
	Market uint64 `yaml:"market"`
	// OracleFeed: the feed whose price the quotes centre on; until one is
	// seen (or without a feed) the book's mid, else ReferencePrice.
	OracleFeed     string `yaml:"oracle_feed"`
	ReferencePrice int64  `yaml:"reference_price"`
	// SpreadBps: the full bid-ask spread around the reference, in basis
	// points; LevelStepTicks between levels; Levels per side; Quantity per
	// quote in lots.
	SpreadBps      int64  `yaml:"spread_bps"`
	LevelStepTicks int64  `yaml:"level_step_ticks"`
	Levels         int    `yaml:"levels"`
	Quantity       uint64 `yaml:"quantity"`
	// SkewBpsPerLot shifts both sides down (long) or up (short) by this many
	// basis points of the reference per lot of inventory; MaxInventory stops
	// quoting the side that would grow the position beyond it.
	SkewBpsPerLot int64 `yaml:"skew_bps_per_lot"`
	MaxInventory  int64 `yaml:"max_inventory"`
	// RefreshBlocks: re-quote (batch cancel + place) every N blocks.
	RefreshBlocks int64 `yaml:"refresh_blocks"`
	// HeartbeatBlocks: the dead-man switch window sent with every refresh
	// (the exchange cancels every quote if no refresh arrives in time).
	HeartbeatBlocks uint64 `yaml:"heartbeat_blocks"`
	// MetricsListen: Prometheus /metrics address ("" disables).
	MetricsListen string `yaml:"metrics_listen"`
}

// DefaultConfig is the config init-config writes.
func DefaultConfig() Config {
	return Config{GRPC: "127.0.0.1:9090", ChainID: "clearchain-demo", Prefix: "clear", Market: 1,
		ReferencePrice: 1000, SpreadBps: 100, LevelStepTicks: 1, Levels: 2, Quantity: 10,
		SkewBpsPerLot: 1, MaxInventory: 200, RefreshBlocks: 2, HeartbeatBlocks: 10, MetricsListen: "127.0.0.1:9464"}
}

// LoadConfig reads and validates a config file; unknown keys are errors.
func LoadConfig(path string) (Config, error) {
	cfg := DefaultConfig()
	bz, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("clear-mm: reading the config: %w", err)
	}
	if err := yaml.UnmarshalStrict(bz, &cfg); err != nil {
		return cfg, fmt.Errorf("clear-mm: config %s: %w", path, err)
	}
	if cfg.MnemonicFile != "" && cfg.Mnemonic == "" {
		m, err := os.ReadFile(cfg.MnemonicFile)
		if err != nil {
			return cfg, fmt.Errorf("clear-mm: mnemonic file: %w", err)
		}
		cfg.Mnemonic = string(m)
	}
	return cfg, cfg.Validate()
}

// Validate checks the config's values.
func (c Config) Validate() error {
	switch {
	case c.GRPC == "" || c.ChainID == "":
		return fmt.Errorf("clear-mm: config: grpc and chain_id are required")
	case c.Mnemonic == "" && c.PrivateKeyHex == "":
		return fmt.Errorf("clear-mm: config: mnemonic, mnemonic_file or private_key_hex is required")
	case c.Market == 0:
		return fmt.Errorf("clear-mm: config: market is required")
	case c.SpreadBps <= 0 || c.SpreadBps >= 10_000:
		return fmt.Errorf("clear-mm: config: spread_bps %d not in (0, 10000)", c.SpreadBps)
	case c.Levels <= 0 || c.Levels > 50:
		return fmt.Errorf("clear-mm: config: levels %d not in [1, 50]", c.Levels)
	case c.Quantity == 0:
		return fmt.Errorf("clear-mm: config: quantity must be positive")
	case c.RefreshBlocks <= 0:
		return fmt.Errorf("clear-mm: config: refresh_blocks must be positive")
	case c.HeartbeatBlocks != 0 && int64(c.HeartbeatBlocks) <= c.RefreshBlocks:
		return fmt.Errorf("clear-mm: config: heartbeat_blocks %d must exceed refresh_blocks %d", c.HeartbeatBlocks, c.RefreshBlocks)
	}
	return nil
}
