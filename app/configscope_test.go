package app

import (
	"os"
	"testing"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// TestSDKConfigLookupMakesNoSyscall: sdk.GetConfig, called for every bech32
// address parsed (several per tx in CheckTx, ReCheckTx and DeliverTx),
// builds its registry key from os.Executable (a readlink) and os.Hostname
// (a file read) unless COSMOS_SDK_CONFIG_SCOPE is set: 7.3% of the node's
// CPU at 10,000 orders/s offered (docs/benchmarks.md). With the scope
// pinned by this package it allocates nothing (the SDK's key building
// allocates) and returns the same config as before.
func TestSDKConfigLookupMakesNoSyscall(t *testing.T) {
	if os.Getenv(sdk.EnvConfigScope) == "" {
		t.Fatalf("%s is not set: every sdk.GetConfig does a readlink and a hostname read", sdk.EnvConfigScope)
	}
	cfg := sdk.GetConfig()
	if a := testing.AllocsPerRun(100, func() { _ = sdk.GetConfig() }); a != 0 {
		t.Fatalf("sdk.GetConfig allocates %v times per call", a)
	}
	// The pinned key is the SDK's own: the config set before pinning is
	// the one found after.
	v := os.Getenv(sdk.EnvConfigScope)
	os.Unsetenv(sdk.EnvConfigScope)
	unpinned := sdk.GetConfig()
	os.Setenv(sdk.EnvConfigScope, v)
	if unpinned != cfg {
		t.Fatal("the pinned scope names another config than the SDK's default key")
	}
}

// BenchmarkAddressParse: one bech32 account address parsed, as the ante
// chain does several times per tx, with the SDK's per-call config key
// (unpinned) and with the scope pinned at start (pinned).
func BenchmarkAddressParse(b *testing.B) {
	addr := sdk.AccAddress(make([]byte, 20)).String()
	v := os.Getenv(sdk.EnvConfigScope)
	for _, pinned := range []bool{false, true} {
		name := "unpinned"
		if pinned {
			name = "pinned"
		}
		b.Run(name, func(b *testing.B) {
			if pinned {
				os.Setenv(sdk.EnvConfigScope, v)
			} else {
				os.Unsetenv(sdk.EnvConfigScope)
			}
			defer os.Setenv(sdk.EnvConfigScope, v)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := sdk.AccAddressFromBech32(addr); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
