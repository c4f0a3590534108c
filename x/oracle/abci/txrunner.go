package abci

import (
	"context"

	abci "github.com/cometbft/cometbft/abci/types"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/clearchain/clearchain/x/oracle/types"
)

// InjectedTxLog is the log of the injected tx's (successful) result.
const InjectedTxLog = "oracle: vote extensions of the previous height, aggregated in PreBlock"

// TxRunner executes a block's transactions one after another like the SDK's
// default runner, except that the injected vote-extension tx (the first tx
// of a block, consumed by PreBlock) gets a successful empty result instead
// of executing it. It is installed with BaseApp.SetBlockSTMTxRunner, the
// SDK v0.54 hook for replacing the tx runner.
type TxRunner struct {
	decoder sdk.TxDecoder
}

var _ sdk.TxRunner = TxRunner{}

// NewTxRunner returns the runner; decoder is the app's tx decoder.
func NewTxRunner(decoder sdk.TxDecoder) TxRunner { return TxRunner{decoder: decoder} }

// Run implements sdk.TxRunner.
func (r TxRunner) Run(ctx context.Context, _ storetypes.MultiStore, txs [][]byte, deliverTx sdk.DeliverTxFunc) ([]*abci.ExecTxResult, error) {
	results := make([]*abci.ExecTxResult, 0, len(txs))
	for i, raw := range txs {
		var res *abci.ExecTxResult
		switch memTx, err := r.decoder(raw); {
		case i == 0 && types.IsInjectedTx(raw):
			res = &abci.ExecTxResult{Log: InjectedTxLog}
		case err == nil:
			res = deliverTx(raw, memTx, nil, i, nil)
		default:
			res = sdkerrors.ResponseExecTxResultWithEvents(sdkerrors.ErrTxDecode, 0, 0, nil, false)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		default:
		}
		results = append(results, res)
	}
	return results, nil
}
