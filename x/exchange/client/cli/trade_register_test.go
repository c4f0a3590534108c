package cli_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/cosmos/cosmos-sdk/client"

	"github.com/clearchain/clearchain/x/exchange/client/cli"
)

func TestTradeRegisterRefusesBadFlags(t *testing.T) {
	for name, args := range map[string][]string{
		"reversed range":  {"--from-height", "5", "--to-height", "2"},
		"zero height":     {"--from-height", "0", "--to-height", "2"},
		"too many blocks": {"--from-height", "1", "--to-height", "100001"},
		"unknown output":  {"--from-height", "1", "--to-height", "2", "--output", "xml"},
	} {
		t.Run(name, func(t *testing.T) {
			cmd := cli.TradeRegisterCmd()
			cmd.SetArgs(args)
			cmd.SetContext(context.WithValue(context.Background(), client.ClientContextKey, &client.Context{}))
			require.ErrorContains(t, cmd.Execute(), "trade-register")
		})
	}
}

func TestParseFillsRefusesAForeignHeight(t *testing.T) {
	_, err := cli.ParseFills(7, []abci.Event{{Type: cli.EventTypeFill, Attributes: []abci.EventAttribute{{Key: "height", Value: "8"}}}})
	require.Error(t, err)
	_, err = cli.ParseFills(7, []abci.Event{{Type: cli.EventTypeFill, Attributes: []abci.EventAttribute{{Key: "qty", Value: "x"}}}})
	require.Error(t, err)
	tr, err := cli.ParseFills(7, []abci.Event{{Type: "other"}})
	require.NoError(t, err)
	require.Empty(t, tr)
}
