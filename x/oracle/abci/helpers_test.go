package abci_test

import (
	"bytes"
	"context"
	"errors"
	"sort"
	"testing"
	"time"

	abcitypes "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"
	cmtprotocrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	protoio "github.com/cosmos/gogoproto/io"

	coreheader "cosmossdk.io/core/header"
	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	oraclemodule "github.com/clearchain/clearchain/x/oracle"
	oracleabci "github.com/clearchain/clearchain/x/oracle/abci"
	"github.com/clearchain/clearchain/x/oracle/keeper"
	"github.com/clearchain/clearchain/x/oracle/types"
)

const chainID = "clearchain-test"

// validator is a genesis validator with its consensus key.
type validator struct {
	key   ed25519.PrivKey
	power int64
}

func (v validator) addr() []byte { return v.key.PubKey().Address() }

// valStore serves the validators' consensus keys to ValidateVoteExtensions.
type valStore []validator

func (s valStore) GetPubKeyByConsAddr(_ context.Context, a sdk.ConsAddress) (cmtprotocrypto.PublicKey, error) {
	for _, v := range s {
		if bytes.Equal(v.addr(), a) {
			return cmtprotocrypto.PublicKey{Sum: &cmtprotocrypto.PublicKey_Ed25519{Ed25519: v.key.PubKey().Bytes()}}, nil
		}
	}
	return cmtprotocrypto.PublicKey{}, errors.New("unknown validator")
}

type fixture struct {
	ctx  sdk.Context
	k    keeper.Keeper
	vals valStore
	enc  moduletestutil.TestEncodingConfig
}

func newFixture(t *testing.T, n int) *fixture {
	t.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	tctx := testutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("t_oracle"))
	enc := moduletestutil.MakeTestEncodingConfig(oraclemodule.AppModuleBasic{})
	k, err := keeper.NewKeeper(enc.Codec, runtime.NewKVStoreService(key), address.NewBech32Codec("cosmos"),
		authtypes.NewModuleAddress("gov").String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := tctx.Ctx
	if err := k.InitGenesis(ctx, types.DefaultGenesis()); err != nil {
		t.Fatal(err)
	}
	for _, f := range []types.Feed{
		{Id: "CLEAR/USD", Decimals: 8, MinSources: 1, MaxStalenessBlocks: 10},
		{Id: "ATOM/USD", Decimals: 6, MinSources: 1, MaxStalenessBlocks: 10},
		{Id: "GREEN-IDX", Decimals: 4, MinSources: 1, MaxStalenessSeconds: 600, Licensed: true, WindowSeconds: 600},
	} {
		if err := k.SetFeed(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	vals := make(valStore, n)
	for i := range vals {
		vals[i] = validator{key: ed25519.GenPrivKeyFromSecret([]byte{byte(i)}), power: 25}
	}
	return &fixture{ctx: ctx, k: k, vals: vals, enc: enc}
}

func (f *fixture) handlers(fetcher oracleabci.PriceFetcher, timeout time.Duration) *oracleabci.Handlers {
	return oracleabci.NewHandlers(f.k, f.vals, fetcher, timeout, log.NewNopLogger())
}

// atHeight returns the context of block height h, with vote extensions
// enabled from height 1 and the given last commit.
func (f *fixture) atHeight(h int64, lastCommit abcitypes.CommitInfo) sdk.Context {
	return f.ctx.
		WithBlockHeader(cmtproto.Header{ChainID: chainID, Height: h, Time: time.Unix(1_700_000_000+h, 0)}).
		WithHeaderInfo(coreheader.Info{ChainID: chainID, Height: h, Time: time.Unix(1_700_000_000+h, 0)}).
		WithConsensusParams(cmtproto.ConsensusParams{Abci: &cmtproto.ABCIParams{VoteExtensionsEnableHeight: 1}}).
		WithCometInfo(baseapp.NewBlockInfo(nil, nil, nil, lastCommit)).
		WithEventManager(sdk.NewEventManager())
}

// ballot is what one validator did at the previous height.
type ballot struct {
	absent bool
	ext    []byte
}

func encodeExt(t *testing.T, prices ...types.FeedPrice) []byte {
	t.Helper()
	bz, err := types.EncodeVoteExtension(types.VoteExtension{Prices: prices})
	if err != nil {
		t.Fatal(err)
	}
	return bz
}

// commit builds the extended commit info of height h-1, signed by each
// validator, sorted as CometBFT sorts it, and the matching last commit.
func (f *fixture) commit(t *testing.T, h int64, ballots []ballot) (abcitypes.ExtendedCommitInfo, abcitypes.CommitInfo) {
	t.Helper()
	info := abcitypes.ExtendedCommitInfo{Round: 0}
	for i, v := range f.vals {
		vote := abcitypes.ExtendedVoteInfo{Validator: abcitypes.Validator{Address: v.addr(), Power: v.power}}
		if ballots[i].absent {
			vote.BlockIdFlag = cmtproto.BlockIDFlagAbsent
		} else {
			vote.BlockIdFlag = cmtproto.BlockIDFlagCommit
			vote.VoteExtension = ballots[i].ext
			vote.ExtensionSignature = sign(t, v.key, ballots[i].ext, h-1)
		}
		info.Votes = append(info.Votes, vote)
	}
	sort.Slice(info.Votes, func(i, j int) bool {
		a, b := info.Votes[i].Validator, info.Votes[j].Validator
		if a.Power != b.Power {
			return a.Power > b.Power
		}
		return bytes.Compare(a.Address, b.Address) < 0
	})
	last := abcitypes.CommitInfo{Round: info.Round}
	for _, v := range info.Votes {
		last.Votes = append(last.Votes, abcitypes.VoteInfo{Validator: v.Validator, BlockIdFlag: v.BlockIdFlag})
	}
	return info, last
}

func sign(t *testing.T, key ed25519.PrivKey, ext []byte, height int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	cve := cmtproto.CanonicalVoteExtension{Extension: ext, Height: height, Round: 0, ChainId: chainID}
	if err := protoio.NewDelimitedWriter(&buf).WriteMsg(&cve); err != nil {
		t.Fatal(err)
	}
	sig, err := key.Sign(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func keeperMsgServer(f *fixture) types.MsgServer { return keeper.NewMsgServerImpl(f.k) }
