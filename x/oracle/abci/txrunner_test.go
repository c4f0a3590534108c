package abci_test

import (
	"context"
	"errors"
	"testing"

	abcitypes "github.com/cometbft/cometbft/abci/types"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	oracleabci "github.com/clearchain/clearchain/x/oracle/abci"
	"github.com/clearchain/clearchain/x/oracle/types"
)

type fakeTx struct{ sdk.Tx }

func TestTxRunnerSkipsTheInjectedTx(t *testing.T) {
	injected, err := types.EncodeInjectedVotes(abcitypes.ExtendedCommitInfo{})
	if err != nil {
		t.Fatal(err)
	}
	decode := func(b []byte) (sdk.Tx, error) {
		if string(b) == "good" {
			return fakeTx{}, nil
		}
		return nil, errors.New("undecodable")
	}
	var delivered []int
	deliver := func(_ []byte, _ sdk.Tx, _ storetypes.MultiStore, i int, _ map[string]any) *abcitypes.ExecTxResult {
		delivered = append(delivered, i)
		return &abcitypes.ExecTxResult{Log: "ok"}
	}
	res, err := oracleabci.NewTxRunner(decode).Run(context.Background(), nil, [][]byte{injected, []byte("good"), []byte("junk"), injected}, deliver)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Code != 0 || res[0].Log != oracleabci.InjectedTxLog {
		t.Fatalf("injected tx result = %+v", res[0])
	}
	if res[1].Log != "ok" || len(delivered) != 1 || delivered[0] != 1 {
		t.Fatalf("good tx: %+v, delivered %v", res[1], delivered)
	}
	if res[2].Code != sdkerrors.ErrTxDecode.ABCICode() || res[3].Code != sdkerrors.ErrTxDecode.ABCICode() {
		t.Fatalf("junk and misplaced injected tx: %+v %+v", res[2], res[3])
	}
}
