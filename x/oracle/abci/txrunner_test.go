package abci_test

import (
	"context"
	"testing"

	abcitypes "github.com/cometbft/cometbft/abci/types"

	"github.com/cosmos/cosmos-sdk/baseapp"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	oracleabci "github.com/clearchain/clearchain/x/oracle/abci"
	"github.com/clearchain/clearchain/x/oracle/types"
)

// userTx is a real SDK transaction (unsigned: decoding does not check
// signatures) carrying a MsgSubmitPrice.
func (f *fixture) userTx(t *testing.T, msgs ...sdk.Msg) []byte {
	t.Helper()
	if len(msgs) == 0 {
		msgs = []sdk.Msg{&types.MsgSubmitPrice{Feeder: f.k.Authority(), FeedId: "GREEN-IDX", Price: 1}}
	}
	b := f.enc.TxConfig.NewTxBuilder()
	if err := b.SetMsgs(msgs...); err != nil {
		t.Fatal(err)
	}
	b.SetGasLimit(200_000)
	bz, err := f.enc.TxConfig.TxEncoder()(b.GetTx())
	if err != nil {
		t.Fatal(err)
	}
	return bz
}

func TestTxRunnerSkipsTheInjectedTx(t *testing.T) {
	f := newFixture(t, 4)
	injected, err := types.EncodeInjectedVotes(abcitypes.ExtendedCommitInfo{}, f.k.ModuleAddress())
	if err != nil {
		t.Fatal(err)
	}
	var delivered []int
	deliver := func(_ []byte, _ sdk.Tx, _ storetypes.MultiStore, i int, _ map[string]any) *abcitypes.ExecTxResult {
		delivered = append(delivered, i)
		return &abcitypes.ExecTxResult{Log: "ok"}
	}
	txs := [][]byte{injected, f.userTx(t), []byte("junk"), injected}
	res, err := oracleabci.NewTxRunner(f.enc.TxConfig.TxDecoder()).Run(context.Background(), nil, txs, deliver)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Code != 0 || res[0].Log != oracleabci.InjectedTxLog {
		t.Fatalf("injected tx result = %+v", res[0])
	}
	if res[2].Code != sdkerrors.ErrTxDecode.ABCICode() {
		t.Fatalf("junk: %+v", res[2])
	}
	// Anywhere but first, the injected tx is an ordinary tx (which fails
	// ValidateBasic when delivered; ProcessProposal refuses such blocks).
	if len(delivered) != 2 || delivered[0] != 1 || delivered[1] != 3 {
		t.Fatalf("delivered %v, want [1 3]", delivered)
	}
}

// The injected vote tx must be a transaction every client can decode: the
// SDK tx decoder (tx service, `cleard q txs`, GetBlockWithTxs) decodes
// every tx of a block built by PrepareProposal.
func TestInjectedVoteTxDecodesAsAnSDKTx(t *testing.T) {
	f := newFixture(t, 4)
	info, last := f.commit(t, 5, []ballot{{ext: clear(t, 100_000_000)}, {ext: clear(t, 100_000_000)}, {ext: clear(t, 100_000_000)}, {absent: true}})
	user := f.userTx(t)
	prep, err := f.handlers(nil, 0).PrepareProposalHandler(baseapp.NoOpPrepareProposal())(f.atHeight(5, last),
		&abcitypes.RequestPrepareProposal{Height: 5, MaxTxBytes: 1 << 20, Txs: [][]byte{user}, LocalLastCommit: info})
	if err != nil {
		t.Fatal(err)
	}
	if len(prep.Txs) != 2 {
		t.Fatalf("%d txs", len(prep.Txs))
	}
	decode := f.enc.TxConfig.TxDecoder()
	for i, raw := range prep.Txs {
		tx, err := decode(raw)
		if err != nil {
			t.Fatalf("tx %d of the block does not decode: %v", i, err)
		}
		if _, err := f.enc.TxConfig.TxJSONEncoder()(tx); err != nil {
			t.Fatalf("tx %d does not encode to JSON (as the tx service answers): %v", i, err)
		}
	}
	tx, _ := decode(prep.Txs[0])
	msgs := tx.GetMsgs()
	if len(msgs) != 1 {
		t.Fatalf("injected tx has %d messages", len(msgs))
	}
	m, ok := msgs[0].(*types.MsgInjectedVotes)
	if !ok || m.Authority != f.k.ModuleAddress() {
		t.Fatalf("injected message = %T %+v", msgs[0], msgs[0])
	}
	// A user cannot submit it: ValidateBasic (CheckTx) refuses it.
	if err := m.ValidateBasic(); !types.ErrInjectedVotesMsg.Is(err) {
		t.Fatalf("ValidateBasic = %v", err)
	}
	if !f.process(t, 5, last, prep.Txs) {
		t.Fatal("ProcessProposal rejected the block PrepareProposal built")
	}
}

// A MsgInjectedVotes anywhere but as the proposer's first tx, even inside
// an otherwise ordinary tx, makes the proposal invalid.
func TestMisplacedInjectedVotesMessageIsRejected(t *testing.T) {
	f := newFixture(t, 4)
	good := []ballot{{ext: clear(t, 100_000_000)}, {ext: clear(t, 100_000_000)}, {ext: clear(t, 100_000_000)}, {ext: clear(t, 100_000_000)}}
	info, last := f.commit(t, 5, good)
	injected, err := types.EncodeInjectedVotes(info, f.k.ModuleAddress())
	if err != nil {
		t.Fatal(err)
	}
	smuggled := f.userTx(t,
		&types.MsgSubmitPrice{Feeder: f.k.Authority(), FeedId: "GREEN-IDX", Price: 1},
		&types.MsgInjectedVotes{Authority: f.k.ModuleAddress()})
	if !f.process(t, 5, last, [][]byte{injected, f.userTx(t)}) {
		t.Fatal("a good proposal was rejected")
	}
	if f.process(t, 5, last, [][]byte{injected, smuggled}) {
		t.Fatal("accepted a user tx carrying MsgInjectedVotes")
	}
	other, err := types.EncodeInjectedVotes(info, f.k.Authority())
	if err != nil {
		t.Fatal(err)
	}
	if f.process(t, 5, last, [][]byte{other}) {
		t.Fatal("accepted injected votes that do not name the oracle module")
	}
}

func TestInjectedVotesMsgServerRefuses(t *testing.T) {
	f := newFixture(t, 4)
	_, err := keeperMsgServer(f).InjectedVotes(f.ctx, &types.MsgInjectedVotes{Authority: f.k.Authority()})
	if !types.ErrInjectedVotesMsg.Is(err) {
		t.Fatalf("msg server = %v", err)
	}
}
