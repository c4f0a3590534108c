package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/clearchain/clearchain/oracle/feeder"
)

func newPricesCmd() *cobra.Command {
	var addr, output string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "prices",
		Short: "Query a running feeder and print its prices",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "text" && output != "json" {
				return fmt.Errorf("--output %q: want text or json", output)
			}
			if timeout <= 0 {
				return fmt.Errorf("--timeout %s: must be positive", timeout)
			}
			client, err := feeder.NewClient(addr)
			if err != nil {
				return err
			}
			defer client.Close()
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			snap, err := client.Snapshot(ctx)
			if err != nil {
				return fmt.Errorf("querying the feeder at %s: %w", addr, err)
			}
			if output == "json" {
				return printJSON(cmd, snap)
			}
			return printText(cmd, snap)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", feeder.DefaultListenAddr, "gRPC address of the feeder")
	cmd.Flags().DurationVar(&timeout, "timeout", 2*time.Second, "deadline of the query")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}

func printText(cmd *cobra.Command, snap feeder.Snapshot) error {
	w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "PAIR\tPRICE\tSOURCES\tAGE")
	for _, p := range snap.Prices {
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\n", p.Pair, feeder.FormatPrice(p.Price, p.Decimals), p.Sources, age(p.Time))
	}
	for _, u := range snap.Unavailable {
		fmt.Fprintf(w, "%s\t-\t-\t%s\n", u.Pair, u.Reason)
	}
	return w.Flush()
}

func age(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return time.Since(t).Round(time.Millisecond).String()
}

// jsonPrice is the JSON output of one price: the exact decimal string and
// the fixed-point mantissa.
type jsonPrice struct {
	Pair     string    `json:"pair"`
	Price    string    `json:"price"`
	Mantissa string    `json:"mantissa"`
	Decimals uint8     `json:"decimals"`
	Sources  int       `json:"sources"`
	Time     time.Time `json:"time"`
}

func printJSON(cmd *cobra.Command, snap feeder.Snapshot) error {
	out := struct {
		Time        time.Time            `json:"time"`
		Prices      []jsonPrice          `json:"prices"`
		Unavailable []feeder.Unavailable `json:"unavailable"`
	}{Time: snap.Time, Prices: []jsonPrice{}, Unavailable: snap.Unavailable}
	for _, p := range snap.Prices {
		out.Prices = append(out.Prices, jsonPrice{Pair: p.Pair, Price: feeder.FormatPrice(p.Price, p.Decimals),
			Mantissa: fmt.Sprint(int64(p.Price)), Decimals: p.Decimals, Sources: p.Sources, Time: p.Time})
	}
	if out.Unavailable == nil {
		out.Unavailable = []feeder.Unavailable{}
	}
	enc := json.NewEncoder(cmd.OutOrStdout())
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
