// Package cli holds the exchange's hand-written commands (the rest of its CLI
// comes from autocli.go): the trade register export, which reads fills from
// block results over RPC and writes no state.
package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"

	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
)

// EventTypeFill is the plain event of one fill (x/exchange keeper).
const EventTypeFill = "exchange_fill"

// MaxRegisterBlocks bounds the height range of one export.
const MaxRegisterBlocks = 100_000

// Trade is one line of the trade register.
type Trade struct {
	Height      int64  `json:"height"`
	Market      uint64 `json:"market_id"`
	TakerOrder  uint64 `json:"taker_order_id"`
	MakerOrder  uint64 `json:"maker_order_id"`
	Price       int64  `json:"price_ticks"`
	Qty         uint64 `json:"quantity_lots"`
	TakerSide   string `json:"taker_side"`
	Taker       string `json:"taker"`
	Maker       string `json:"maker"`
	TakerEntity uint64 `json:"taker_entity_id"`
	MakerEntity uint64 `json:"maker_entity_id"`
	TakerLEI    string `json:"taker_lei"`
	MakerLEI    string `json:"maker_lei"`
}

// ParseFills returns the trades of a block's events, in event order. height
// is the block's; an event's own height attribute, when present, must match.
func ParseFills(height int64, events []abci.Event) ([]Trade, error) {
	var out []Trade
	for _, e := range events {
		if e.Type != EventTypeFill {
			continue
		}
		t := Trade{Height: height}
		for _, a := range e.Attributes {
			var err error
			switch a.Key {
			case "market":
				t.Market, err = strconv.ParseUint(a.Value, 10, 64)
			case "taker_order":
				t.TakerOrder, err = strconv.ParseUint(a.Value, 10, 64)
			case "maker_order":
				t.MakerOrder, err = strconv.ParseUint(a.Value, 10, 64)
			case "price":
				t.Price, err = strconv.ParseInt(a.Value, 10, 64)
			case "qty":
				t.Qty, err = strconv.ParseUint(a.Value, 10, 64)
			case "taker_side":
				t.TakerSide = a.Value
			case "taker":
				t.Taker = a.Value
			case "maker":
				t.Maker = a.Value
			case "taker_entity":
				t.TakerEntity, err = strconv.ParseUint(a.Value, 10, 64)
			case "maker_entity":
				t.MakerEntity, err = strconv.ParseUint(a.Value, 10, 64)
			case "height":
				var h int64
				if h, err = strconv.ParseInt(a.Value, 10, 64); err == nil && h != height {
					err = fmt.Errorf("event of height %d in block %d", h, height)
				}
			}
			if err != nil {
				return nil, fmt.Errorf("fill event at height %d, attribute %s=%q: %w", height, a.Key, a.Value, err)
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// ownEntityBit marks the entity the exchange gives an account without a
// registered legal entity (no LEI).
const ownEntityBit = uint64(1) << 63

// ResolveLEIs fills in the LEIs of the trades' entities through lookup, each
// entity looked up once.
func ResolveLEIs(trades []Trade, lookup func(id uint64) (string, error)) error {
	cache := map[uint64]string{}
	get := func(id uint64) (string, error) {
		if id == 0 || id&ownEntityBit != 0 {
			return "", nil
		}
		if lei, ok := cache[id]; ok {
			return lei, nil
		}
		lei, err := lookup(id)
		if err != nil {
			return "", fmt.Errorf("entity %d: %w", id, err)
		}
		cache[id] = lei
		return lei, nil
	}
	for i := range trades {
		var err error
		if trades[i].TakerLEI, err = get(trades[i].TakerEntity); err != nil {
			return err
		}
		if trades[i].MakerLEI, err = get(trades[i].MakerEntity); err != nil {
			return err
		}
	}
	return nil
}

var csvHeader = []string{"height", "market_id", "taker_order_id", "maker_order_id", "price_ticks", "quantity_lots",
	"taker_side", "taker", "taker_entity_id", "taker_lei", "maker", "maker_entity_id", "maker_lei"}

// WriteCSV writes the trades as CSV with a header line.
func WriteCSV(w io.Writer, trades []Trade) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	for _, t := range trades {
		if err := cw.Write([]string{strconv.FormatInt(t.Height, 10), u(t.Market), u(t.TakerOrder), u(t.MakerOrder),
			strconv.FormatInt(t.Price, 10), u(t.Qty), t.TakerSide, t.Taker, u(t.TakerEntity), t.TakerLEI,
			t.Maker, u(t.MakerEntity), t.MakerLEI}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes the trades as a JSON array.
func WriteJSON(w io.Writer, trades []Trade) error {
	if trades == nil {
		trades = []Trade{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(trades)
}

// GetQueryCmd returns the exchange's hand-written query commands; autocli
// adds the generated ones to it (EnhanceCustomCommand).
func GetQueryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "exchange",
		Short:                      "Querying commands for the exchange module",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(TradeRegisterCmd())
	return cmd
}

// TradeRegisterCmd exports the trade register of a height range from block
// results (no state is read but the entities' LEIs).
func TradeRegisterCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "trade-register",
		Short: "Export the fills of a height range (both sides' accounts, legal entities and LEIs) as CSV or JSON",
		Example: `cleard query exchange trade-register --from-height 100 --to-height 200 --output csv > trades.csv
cleard query exchange trade-register --from-height 100 --to-height 100 --output json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			from, _ := cmd.Flags().GetInt64("from-height")
			to, _ := cmd.Flags().GetInt64("to-height")
			output, _ := cmd.Flags().GetString("output")
			if from < 1 || to < from || to-from >= MaxRegisterBlocks {
				return fmt.Errorf("trade-register: need 1 <= --from-height <= --to-height and at most %d blocks", MaxRegisterBlocks)
			}
			if output != "csv" && output != "json" {
				return fmt.Errorf("trade-register: --output must be csv or json, not %q", output)
			}
			node, err := clientCtx.GetNode()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			var trades []Trade
			for h := from; h <= to; h++ {
				hh := h
				res, err := node.BlockResults(ctx, &hh)
				if err != nil {
					return fmt.Errorf("trade-register: block results of height %d: %w", h, err)
				}
				fills, err := ParseFills(h, res.FinalizeBlockEvents)
				if err != nil {
					return err
				}
				trades = append(trades, fills...)
			}
			q := compliancetypes.NewQueryClient(clientCtx)
			if err := ResolveLEIs(trades, func(id uint64) (string, error) {
				r, err := q.Entity(ctx, &compliancetypes.QueryEntityRequest{Id: id})
				if err != nil {
					return "", err
				}
				return r.Entity.Lei, nil
			}); err != nil {
				return err
			}
			if output == "csv" {
				return WriteCSV(cmd.OutOrStdout(), trades)
			}
			return WriteJSON(cmd.OutOrStdout(), trades)
		},
	}
	cmd.Flags().Int64("from-height", 0, "first height")
	cmd.Flags().Int64("to-height", 0, "last height")
	cmd.Flags().String("output", "csv", "csv or json")
	cmd.Flags().String(flags.FlagNode, "tcp://localhost:26657", "<host>:<port> to CometBFT RPC interface for this chain")
	cmd.Flags().String(flags.FlagGRPC, "", "the gRPC endpoint to use for this chain")
	cmd.Flags().Bool(flags.FlagGRPCInsecure, false, "allow gRPC over insecure channels, if not the server must use TLS")
	return cmd
}
