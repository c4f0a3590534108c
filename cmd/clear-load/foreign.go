package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/bech32"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
)

// foreignChain is a Cosmos SDK chain other than ClearChain (a stock wasmd
// node, scripts/bench-wasmd.sh) that clear-load offers bank sends to: no
// licences, entities, assets or market, only accounts funded at genesis,
// addressed with its bech32 prefix and paying its gas price.
type foreignChain struct {
	prefix   string
	denom    string      // of the sends
	gasPrice sdk.DecCoin // fee = gas limit x price, rounded up (zero: no fee)
}

// bech32 is addr under the foreign chain's prefix.
func (fc *foreignChain) bech32(addr sdk.AccAddress) string {
	s, err := bech32.ConvertAndEncode(fc.prefix, addr)
	if err != nil {
		panic(fmt.Sprintf("bech32 %q: %v", fc.prefix, err)) // the prefix is checked by newForeignChain
	}
	return s
}

// send is a bank send of one unit of the chain's denom.
func (fc *foreignChain) send(from, to sdk.AccAddress) sdk.Msg {
	return &banktypes.MsgSend{FromAddress: fc.bech32(from), ToAddress: fc.bech32(to),
		Amount: sdk.NewCoins(sdk.NewInt64Coin(fc.denom, 1))}
}

// world is the load's world on the foreign chain: n traders of seed,
// funded at genesis (their addresses: clear-load foreign addresses).
func (fc *foreignChain) world(seed string, n int) *world {
	w := &world{foreign: fc, maxPerBlock: 1}
	for i := 0; i < n; i++ {
		w.traders = append(w.traders, newAccount(seed, fmt.Sprintf("trader-%d", i)))
	}
	return w
}

func newForeignChain(prefix, denom, gasPrice string) (*foreignChain, error) {
	if _, err := bech32.ConvertAndEncode(prefix, make([]byte, 20)); err != nil || prefix == "" {
		return nil, fmt.Errorf("--prefix %q is not a bech32 prefix", prefix)
	}
	if err := sdk.ValidateDenom(denom); err != nil {
		return nil, fmt.Errorf("--denom: %w", err)
	}
	fc := &foreignChain{prefix: prefix, denom: denom, gasPrice: sdk.NewDecCoin(denom, sdkmath.ZeroInt())}
	if gasPrice != "" {
		p, err := sdk.ParseDecCoin(gasPrice)
		if err != nil {
			return nil, fmt.Errorf("--gas-price %q: %w", gasPrice, err)
		}
		fc.gasPrice = p
	}
	return fc, nil
}

// address is a's address as the node spells it.
func (c *chain) address(a *account) string {
	if c.foreign != nil {
		return c.foreign.bech32(a.addr)
	}
	return a.addr.String()
}

// fee is the fee of a tx of gas limit gas: none on ClearChain (0uclear
// minimum gas price, cleard init), gas x --gas-price on a foreign chain.
func (c *chain) fee(gas uint64) sdk.Coins {
	if c.foreign == nil || !c.foreign.gasPrice.IsPositive() {
		return nil
	}
	amt := c.foreign.gasPrice.Amount.MulInt64(int64(gas)).Ceil().TruncateInt()
	return sdk.NewCoins(sdk.NewCoin(c.foreign.gasPrice.Denom, amt))
}

func newForeignCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "foreign",
		Short: "Bank sends against another Cosmos SDK chain (a stock wasmd node: make bench-wasmd)",
		Long: `Offer ClearChain's bank-send load to a chain that is not ClearChain — a stock wasmd node of
the same versions on the same machine (issue 15's comparison, scripts/bench-wasmd.sh) — with
the same pre-signing, gRPC broadcast, block read-back and /proc CPU measurement as
"clear-load run". No licences, entities, assets or market: the accounts are funded at genesis.

  clear-load foreign addresses --prefix wasm --accounts 1000   # the accounts to fund in genesis
  clear-load foreign run --prefix wasm --denom stake --chain-id wasmd-bench --send-rate 300 ...`,
	}
	cmd.AddCommand(newForeignAddressesCmd(), newForeignRunCmd())
	return cmd
}

func newForeignAddressesCmd() *cobra.Command {
	var seed, prefix string
	var n int
	cmd := &cobra.Command{
		Use:   "addresses",
		Short: "Print the addresses of the load's accounts (trader-0 .. trader-<n-1> of --seed) under --prefix, one a line",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fc, err := newForeignChain(prefix, "stake", "")
			if err != nil {
				return err
			}
			for _, t := range fc.world(seed, n).traders {
				fmt.Fprintln(cmd.OutOrStdout(), fc.bech32(t.addr))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&seed, "seed", "bench", "seed of the tool's deterministic keys")
	cmd.Flags().StringVar(&prefix, "prefix", "wasm", "the chain's bech32 account prefix")
	cmd.Flags().IntVar(&n, "accounts", 300, "how many accounts")
	return cmd
}

func newForeignRunCmd() *cobra.Command {
	var f runFlags
	var prefix, denom, gasPrice string
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Offer pre-signed bank sends to the node, read the blocks back and report (as clear-load run)",
		Long: `Offer --send-rate pre-signed bank sends a second for --duration from --accounts accounts
(funded at genesis: clear-load foreign addresses), each sending one --denom to the next account,
over gRPC in sync mode; read every block back over CometBFT RPC and print the same report as
"clear-load run": committed bank-send tx/s, block interval p50/p99/max, the node's CPU per
committed tx (--node-pid), the load average; last line
  orders_per_sec=0 p99_ms=0 single_order_tx_per_sec=0 banksend_tx_per_sec=<n> block_p99_ms=<n>`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fc, err := newForeignChain(prefix, denom, gasPrice)
			if err != nil {
				return err
			}
			f.foreign, f.batchRate, f.singleRate, f.batchSize = fc, 0, 0, 1
			if f.sendRate <= 0 {
				return fmt.Errorf("--send-rate must be positive")
			}
			return run(cmd.Context(), cmd.OutOrStdout(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.grpc, "grpc", "127.0.0.1:9090", "the node's gRPC address (loopback only)")
	fl.StringVar(&f.rpc, "rpc", "http://127.0.0.1:26657", "the node's CometBFT RPC (loopback only)")
	fl.StringVar(&f.chainID, "chain-id", "wasmd-bench", "chain id")
	fl.StringVar(&f.seed, "seed", "bench", "seed of the tool's deterministic keys (as for clear-load foreign addresses)")
	fl.StringVar(&prefix, "prefix", "wasm", "the chain's bech32 account prefix")
	fl.StringVar(&denom, "denom", "stake", "the denom sent (the accounts must hold it)")
	fl.StringVar(&gasPrice, "gas-price", "", "fee per unit of gas, e.g. 0.025stake (empty: no fee; the node's minimum-gas-prices must be 0)")
	fl.IntVar(&f.pid, "node-pid", 0, "the node's process id, for CPU per committed tx from /proc/<pid>/stat (0: not measured)")
	fl.IntVar(&f.accounts, "accounts", 300, "sending accounts (trader-0 .. of --seed, funded at genesis)")
	fl.DurationVar(&f.duration, "duration", 30*time.Second, "how long the load is offered")
	fl.DurationVar(&f.drain, "drain", 90*time.Second, "how long to wait after the load for the mempool to drain")
	fl.Float64Var(&f.sendRate, "send-rate", 100, "bank-send txs offered a second")
	fl.DurationVar(&f.cpuWindow, "cpu-window", time.Minute, "with --node-pid: also report the node's CPU per committed tx over the first and the last window of this length (0: off)")
	fl.StringVar(&f.pprof, "pprof", "", "the node's pprof base URL (loopback), e.g. http://127.0.0.1:6060: a CPU profile of the node over the load goes to --profile-out")
	fl.StringVar(&f.profileOut, "profile-out", "bench-wasmd.cpu.pprof", "where the node's CPU profile is written (with --pprof)")
	return cmd
}
