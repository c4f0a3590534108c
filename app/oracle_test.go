package app

import (
	"context"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/client"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
	oracleabci "github.com/clearchain/clearchain/x/oracle/abci"
	oracletypes "github.com/clearchain/clearchain/x/oracle/types"
)

// TestInjectedVoteTxIsReadableByTxClients: the proposer's injected vote tx
// is indexed with the block's other txs, so every client that reads
// transactions (cleard q txs, gRPC GetTxsEvent/GetBlockWithTxs, CosmJS
// decodeTxRaw, explorers) must decode it. The whole app finalizes a block
// carrying it first, gives it a successful empty result, executes the user
// tx after it, and the tx service decodes every tx of the block; CheckTx
// refuses it from users.
func TestInjectedVoteTxIsReadableByTxClients(t *testing.T) {
	w := newDetWorld(t)
	c := newDetChain(t, w)
	c.deliver(1, nil)

	injected, err := oracletypes.EncodeInjectedVotes(abci.ExtendedCommitInfo{}, c.app.OracleKeeper.ModuleAddress())
	require.NoError(t, err)
	user := c.sign(detTx{w.traders[0], []sdk.Msg{banktypes.NewMsgSend(w.traders[0].addr, w.traders[1].addr,
		sdk.NewCoins(sdk.NewInt64Coin(BondDenom, 1)))}})
	block := [][]byte{injected, user}

	res, err := c.app.FinalizeBlock(&abci.RequestFinalizeBlock{
		Txs: block, Height: 2, Time: blockTime(2),
		NextValidatorsHash: w.valSet.Hash(), ProposerAddress: w.valSet.Validators[0].Address,
	})
	require.NoError(t, err)
	_, err = c.app.Commit()
	require.NoError(t, err)
	require.Len(t, res.TxResults, 2)
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	require.Equal(t, oracleabci.InjectedTxLog, res.TxResults[0].Log)
	require.NotEqual(t, sdkerrors.ErrTxDecode.ABCICode(), res.TxResults[1].Code, "the user tx after the injected one was not executed")

	// What GetBlockWithTxs and TxDecode answer: every tx of the block
	// decodes, and encodes to JSON as the tx service returns it.
	srv := authtx.NewTxServer(client.Context{}.WithTxConfig(c.app.TxConfig()).WithCodec(c.app.AppCodec()).
		WithInterfaceRegistry(c.app.InterfaceRegistry()), nil, c.app.InterfaceRegistry())
	for i, raw := range block {
		dec, err := srv.TxDecode(context.Background(), &txtypes.TxDecodeRequest{TxBytes: raw})
		require.NoError(t, err, "tx %d of the block does not decode", i)
		_, err = c.app.AppCodec().MarshalJSON(dec.Tx)
		require.NoError(t, err, "tx %d", i)
	}
	dec, err := c.app.TxConfig().TxDecoder()(injected)
	require.NoError(t, err)
	require.IsType(t, &oracletypes.MsgInjectedVotes{}, dec.GetMsgs()[0])

	// A user cannot submit it.
	chk, err := c.app.CheckTx(&abci.RequestCheckTx{Tx: injected, Type: abci.CheckTxType_New})
	require.NoError(t, err)
	require.Equal(t, oracletypes.ErrInjectedVotesMsg.ABCICode(), chk.Code, chk.Log)
	require.Equal(t, oracletypes.ModuleName, chk.Codespace)
}

// TestOracleValidatorEligibility: the app's adapter counts a validator's
// oracle votes only while its operator holds an active VALIDATOR_OPERATOR
// licence and is not frozen (real x/staking and x/compliance keepers).
func TestOracleValidatorEligibility(t *testing.T) {
	w := newDetWorld(t)
	c := newDetChain(t, w)
	c.deliver(1, nil)
	ctx := c.queryCtx().WithBlockTime(blockTime(2))
	elig := oracleValidators{staking: c.app.StakingKeeper, compliance: c.app.ComplianceKeeper}
	cons := sdk.ConsAddress(w.valSet.Validators[0].Address)
	operator := sdk.AccAddress(w.valSet.Validators[0].Address) // GenesisStateWithValSet: operator = consensus address bytes
	reg := w.regulator.addr.String()

	// The genesis licenses the operator (InitChain requires it): revoke it to
	// see an operator without a licence, then license it again.
	require.True(t, elig.CountsVotesOf(ctx, cons), "the licensed genesis operator does not count")
	require.NoError(t, c.app.ComplianceKeeper.RevokeLicence(ctx, reg, operator, "test"))
	require.False(t, elig.CountsVotesOf(ctx, cons), "an operator without a licence counts")
	require.NoError(t, c.app.ComplianceKeeper.GrantLicence(ctx, reg, compliancetypes.Licence{
		Address: operator.String(), EntityId: 7, Roles: []compliancetypes.Role{compliancetypes.RoleValidatorOperator},
		IssuedAt: detGenesisTime,
	}, "test"))
	require.True(t, elig.CountsVotesOf(ctx, cons), "a licensed operator does not count")
	require.False(t, elig.CountsVotesOf(ctx, sdk.ConsAddress(w.traders[0].addr)), "an unknown validator counts")
	require.NoError(t, c.app.ComplianceKeeper.FreezeAccount(ctx, reg, operator, "test"))
	require.False(t, elig.CountsVotesOf(ctx, cons), "a frozen operator counts")
	require.NoError(t, c.app.ComplianceKeeper.UnfreezeAccount(ctx, reg, operator, "test"))
	require.True(t, elig.CountsVotesOf(ctx, cons))
	require.NoError(t, c.app.ComplianceKeeper.RevokeLicence(ctx, reg, operator, "test"))
	require.False(t, elig.CountsVotesOf(ctx, cons), "a revoked operator counts")
}
