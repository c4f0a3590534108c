package cli

import (
	"encoding/base64"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	signingtypes "github.com/cosmos/cosmos-sdk/types/tx/signing"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// FlagLaneTimeout is how long after now a lane order may still be
// included.
const FlagLaneTimeout = "lane-timeout"

// MaxLaneTimeout is the furthest timeout a node accepts (the SDK's
// unordered-tx window, ante.DefaultMaxTimeoutDuration).
const MaxLaneTimeout = 10 * time.Minute

// GetTxCmd returns the hand-written tx commands (place-lane); autocli adds
// the generated ones (EnhanceCustomCommand in autocli.go).
func GetTxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Exchange transactions subcommands",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(PlaceLaneCmd())
	return cmd
}

// PlaceLaneCmd signs one order as a lane tx (x/exchange/README.md, "The
// order lane") with a local secp256k1 key and broadcasts it, or prints it
// (--generate-only).
func PlaceLaneCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "place-lane [order-json]",
		Short: "Place an order by the order lane: signed by its owner alone, no fee, gas, account number or sequence",
		Long: `Place one order as a lane tx (x/exchange/README.md, "The order lane"): the order signed by the
--from key over the lane's sign doc (chain id, timeout, order bytes), with no SDK tx around it. It
needs no account number or sequence, so any number can be in flight at once, and pays no fee; it
goes through the same order gas, rate limit, compliance gate and Msg server as "tx exchange place".
Replay protection is the timeout (--lane-timeout after now, at most 10m): the node refuses the same
signed order twice, and any order after its timeout.

The key must be a local secp256k1 key (not a ledger, multisig or offline key). Fee, gas and sign
mode flags do not apply. With --generate-only the signed tx is printed (base64) instead of sent;
broadcast it with any CometBFT client (broadcast_tx_sync) or the gRPC tx service.`,
		Example: `cleard tx exchange place-lane '{"market_id":1,"side":"SIDE_BUY","price":500,"quantity":10}' --from alice
cleard tx exchange place-lane '{"market_id":1,"side":"SIDE_SELL","price":510,"quantity":5,"client_order_id":"ask-1"}' --from alice --lane-timeout 30s --generate-only`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			timeout, err := cmd.Flags().GetDuration(FlagLaneTimeout)
			if err != nil {
				return err
			}
			bz, err := SignLaneOrder(clientCtx, args[0], time.Now().Add(timeout), timeout)
			if err != nil {
				return err
			}
			if clientCtx.GenerateOnly {
				return clientCtx.PrintString(base64.StdEncoding.EncodeToString(bz) + "\n")
			}
			res, err := clientCtx.BroadcastTx(bz)
			if err != nil {
				return err
			}
			return clientCtx.PrintProto(res)
		},
	}
	flags.AddTxFlagsToCmd(cmd)
	cmd.Flags().Duration(FlagLaneTimeout, time.Minute, "the order may be included until this long after now (at most 10m)")
	for _, f := range []string{flags.FlagFees, flags.FlagGasPrices, flags.FlagGas, flags.FlagGasAdjustment,
		flags.FlagFeePayer, flags.FlagFeeGranter, flags.FlagSignMode, flags.FlagNote, flags.FlagTimeoutHeight,
		flags.TimeoutDuration, flags.FlagUnordered, flags.FlagAccountNumber, flags.FlagSequence,
		flags.FlagOffline, flags.FlagDryRun, flags.FlagAux, flags.FlagTip} {
		if cmd.Flags().Lookup(f) != nil {
			_ = cmd.Flags().MarkHidden(f)
		}
	}
	return cmd
}

// SignLaneOrder returns the lane tx of the order spec orderJSON (as "tx
// exchange place" takes it), owned and signed by clientCtx's --from key
// for clientCtx's chain, valid until timeout (ttl after now: at most
// MaxLaneTimeout). The order is checked as the node checks it
// (ValidateBasic) before anything is signed.
func SignLaneOrder(clientCtx client.Context, orderJSON string, timeout time.Time, ttl time.Duration) ([]byte, error) {
	if ttl <= 0 || ttl > MaxLaneTimeout {
		return nil, fmt.Errorf("--%s %s: want more than 0 and at most %s", FlagLaneTimeout, ttl, MaxLaneTimeout)
	}
	if clientCtx.ChainID == "" {
		return nil, fmt.Errorf("the chain id is required (--%s): it is part of what the key signs", flags.FlagChainID)
	}
	if clientCtx.Keyring == nil || clientCtx.FromName == "" {
		return nil, fmt.Errorf("a key is required (--%s)", flags.FlagFrom)
	}
	rec, err := clientCtx.Keyring.Key(clientCtx.FromName)
	if err != nil {
		return nil, err
	}
	if rec.GetLocal() == nil {
		return nil, fmt.Errorf("key %q is not a local key: the lane signs with a local secp256k1 key (not a ledger, multisig or offline key)", clientCtx.FromName)
	}
	var spec types.OrderSpec
	if err := clientCtx.Codec.UnmarshalJSON([]byte(orderJSON), &spec); err != nil {
		return nil, fmt.Errorf("order-json: %w", err)
	}
	msg := &types.MsgPlaceOrder{Owner: clientCtx.GetFromAddress().String(), Order: spec}
	if err := msg.ValidateBasic(); err != nil {
		return nil, err
	}
	bz, err := types.SignLaneTx(clientCtx.ChainID, msg, uint64(timeout.UnixNano()), func(doc []byte) ([]byte, []byte, error) {
		sig, pub, err := clientCtx.Keyring.Sign(clientCtx.FromName, doc, signingtypes.SignMode_SIGN_MODE_DIRECT)
		if err != nil {
			return nil, nil, err
		}
		if len(pub.Bytes()) != types.LanePubKeyLen || len(sig) != types.LaneSignatureLen {
			return nil, nil, fmt.Errorf("key %q is a %s key: the lane takes secp256k1 keys", clientCtx.FromName, pub.Type())
		}
		return sig, pub.Bytes(), nil
	})
	if err != nil {
		return nil, err
	}
	if _, err := types.DecodeLaneTx(bz); err != nil {
		return nil, err
	}
	return bz, nil
}
