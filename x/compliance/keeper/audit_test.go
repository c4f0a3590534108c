package keeper_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/clearchain/clearchain/x/compliance/testutil"
	"github.com/clearchain/clearchain/x/compliance/types"
)

// exportedTrail builds a few audit records (regulator actions and a
// RecordAudit from another module) and exports the genesis.
func exportedTrail(t *testing.T) (*testutil.Fixture, *types.GenesisState) {
	f, _ := setup(t)
	require.NoError(t, f.Compliance.FreezeAccount(f.Ctx, f.Regulator.String(), stranger, "aml"))
	_, err := f.Compliance.RecordAudit(f.Ctx, bob.String(), "mint", "asset/gcr", "100 to alice")
	require.NoError(t, err)
	require.NoError(t, f.Compliance.SetEligibilityRule(f.Ctx, f.Regulator.String(),
		types.EligibilityRule{Subject: "market/1", AllowedJurisdictions: []string{"DE"}}, "launch"))
	gs, err := f.Compliance.ExportGenesis(f.Ctx)
	require.NoError(t, err)
	require.Len(t, gs.Audit, 6)
	return f, gs
}

func TestAuditChain_EveryRecordLinksToThePrevious(t *testing.T) {
	f, gs := exportedTrail(t)
	prev := types.ZeroAuditHash
	for _, r := range gs.Audit {
		require.Equal(t, prev, r.PrevHash, "sequence %d", r.Sequence)
		require.Len(t, r.Hash, types.AuditHashSize)
		require.Equal(t, types.AuditRecordHash(r), r.Hash, "sequence %d", r.Sequence)
		prev = r.Hash
	}
	// RecordAudit (another module's record) is chained like the others.
	require.Equal(t, "mint", gs.Audit[4].Action)
	seq, head, err := f.Compliance.AuditHead(f.Ctx)
	require.NoError(t, err)
	require.EqualValues(t, 6, seq)
	require.Equal(t, prev, head)
	_, err = types.VerifyAuditChain(gs.Audit, seq, head)
	require.NoError(t, err)
}

// A regulator (or an operator editing an exported genesis) rewrites one
// record: validation and InitGenesis refuse it, naming the sequence.
func TestAuditChain_TamperedGenesisRefused(t *testing.T) {
	cases := map[string]struct {
		// Parameters.
		tamper func(gs *types.GenesisState)
		// Expectations.
		badSequence string
	}{
		"details rewritten": {func(gs *types.GenesisState) { gs.Audit[3].Details = "aml cleared" }, "sequence 4"},
		"actor rewritten":   {func(gs *types.GenesisState) { gs.Audit[1].Actor = bob.String() }, "sequence 2"},
		"time rewritten":    {func(gs *types.GenesisState) { gs.Audit[0].Time = gs.Audit[0].Time.Add(time.Second) }, "sequence 1"},
		"hash recomputed after rewriting details": {func(gs *types.GenesisState) {
			gs.Audit[2].Details = "forged"
			gs.Audit[2].Hash = types.AuditRecordHash(gs.Audit[2])
		}, "sequence 4"}, // 3 is self-consistent; 4 no longer links to it
		"hash replaced":       {func(gs *types.GenesisState) { gs.Audit[5].Hash = bytes.Repeat([]byte{1}, 32) }, "sequence 6"},
		"record deleted":      {func(gs *types.GenesisState) { gs.Audit = append(gs.Audit[:2], gs.Audit[3:]...) }, "sequence 3"},
		"last record dropped": {func(gs *types.GenesisState) { gs.Audit = gs.Audit[:5] }, "sequence 6"},
		"records swapped":     {func(gs *types.GenesisState) { gs.Audit[1], gs.Audit[2] = gs.Audit[2], gs.Audit[1] }, "sequence 2"},
		"chain missing (pre-v2 records)": {func(gs *types.GenesisState) {
			for i := range gs.Audit {
				gs.Audit[i].PrevHash, gs.Audit[i].Hash = nil, nil
			}
		}, "sequence 1"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f, gs := exportedTrail(t)
			// Through JSON, as an exported genesis file would be edited.
			var edited types.GenesisState
			f.Cdc.MustUnmarshalJSON(f.Cdc.MustMarshalJSON(gs), &edited)
			require.NoError(t, edited.Validate())
			tc.tamper(&edited)

			err := edited.Validate()
			require.ErrorContains(t, err, "audit chain broken at "+tc.badSequence)
			var chainErr *types.AuditChainError
			require.ErrorAs(t, err, &chainErr)

			g := testutil.NewFixture(t)
			before := g.State(t)
			err = g.Compliance.InitGenesis(g.Ctx.WithEventManager(g.Ctx.EventManager()), &edited)
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
			require.ErrorContains(t, err, tc.badSequence)
			require.Equal(t, before, g.State(t), "a refused genesis writes nothing")
		})
	}
}

func TestAuditChain_VerifyDetectsTamperAndWrongHead(t *testing.T) {
	_, gs := exportedTrail(t)
	seq, head := gs.Audit[5].Sequence, gs.Audit[5].Hash
	got, err := types.VerifyAuditChain(gs.Audit, seq, head)
	require.NoError(t, err)
	require.Equal(t, head, got)

	// A tampered record.
	recs := append([]types.AuditRecord(nil), gs.Audit...)
	recs[2].Subject = "entity/9"
	_, err = types.VerifyAuditChain(recs, seq, head)
	require.ErrorContains(t, err, "sequence 3")

	// A head that is not the chain's: wrong hash, or a shorter chain.
	_, err = types.VerifyAuditChain(gs.Audit, seq, gs.Audit[4].Hash)
	require.ErrorContains(t, err, "head hash")
	_, err = types.VerifyAuditChain(gs.Audit[:5], seq, head)
	require.ErrorContains(t, err, "head sequence 6, re-derived 5")
	_, err = types.VerifyAuditChain(gs.Audit, seq+1, head)
	require.ErrorContains(t, err, "head sequence 7, re-derived 6")
}

// The encoding is fixed: a known record has a known hash, so a regulator's
// own implementation of the README's encoding can be checked against it.
func TestAuditChain_KnownVector(t *testing.T) {
	r := types.AuditRecord{
		Sequence: 1, Height: 10, Time: time.Date(2026, 3, 1, 12, 0, 0, 5, time.UTC),
		Actor: "clear1regulator", Action: "freeze", Subject: "clear1bob", Details: "aml",
		PrevHash: types.ZeroAuditHash,
	}
	enc := types.AuditRecordBytes(r)
	require.Equal(t, "636c656172636861696e2f61756469742f763100"+ // "clearchain/audit/v1\0"
		"0000000000000001"+"000000000000000a"+ // sequence, height
		"0000000069a42a40"+"00000005"+ // unix seconds, nanos
		"0000000f"+"636c65617231726567756c61746f72"+ // actor
		"00000006"+"667265657a65"+ // action
		"00000009"+"636c65617231626f62"+ // subject
		"00000003"+"616d6c"+ // details
		"00000020"+"0000000000000000000000000000000000000000000000000000000000000000",
		types.HexHash(enc))
	// Cross-checked with: echo -n <hex above> | xxd -r -p | sha256sum
	require.Equal(t, "057f8d3c7d0bd80b4c3f382e1917cba6b14d3e1bc834fbcef39d8751770996dc", types.HexHash(types.AuditRecordHash(r)))
}
