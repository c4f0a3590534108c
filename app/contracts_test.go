package app

// The contracts of contracts-wasm/ in the real app: the committed
// artifacts are stored in wasmvm through MsgStoreCode (what cosmwasm-check
// would check), then whole product flows run through FinalizeBlock with the
// bindings of wasm_bindings.go: issue a credit batch → trade it on
// x/exchange → retire → query the certificate; a retired serial never
// moves; unlicensed, frozen, malformed, oversized and overflowing input is
// refused with state unchanged. The gas of each contract call is logged
// (go test -v -run TestContractGas) and recorded in docs/benchmarks.md.

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	sdkmath "cosmossdk.io/math"
	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	wasmkeeper "github.com/CosmWasm/wasmd/x/wasm/keeper"
	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"

	"github.com/clearchain/clearchain/contracts-wasm/envelope"
	"github.com/clearchain/clearchain/surveillance"
	assetstypes "github.com/clearchain/clearchain/x/assets/types"
	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
	exchangekeeper "github.com/clearchain/clearchain/x/exchange/keeper"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

const artifactsDir = "../contracts-wasm/artifacts"

// artifact reads a committed contract artifact and checks it against
// checksums.txt.
func artifact(t *testing.T, name string) []byte {
	t.Helper()
	bz, err := os.ReadFile(filepath.Join(artifactsDir, name))
	require.NoError(t, err)
	sums := artifactChecksums(t)
	sum := sha256.Sum256(bz)
	require.Equal(t, sums[name], hex.EncodeToString(sum[:]), "%s differs from checksums.txt", name)
	return bz
}

func artifactChecksums(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(artifactsDir, "checksums.txt"))
	require.NoError(t, err)
	defer f.Close()
	sums := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		require.Len(t, fields, 2, "checksums.txt line %q", sc.Text())
		sums[fields[1]] = fields[0]
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, sums)
	return sums
}

// contractLicence is a genesis licence of entity 1 with roles.
func contractLicence(a sdk.AccAddress, roles ...compliancetypes.Role) compliancetypes.Licence {
	return compliancetypes.Licence{Address: a.String(), EntityId: 1, Roles: roles, IssuedAt: detGenesisTime}
}

func TestContractArtifacts_EveryArtifactStoresInWasmVM(t *testing.T) {
	e := newGateEnv(t)
	sums := artifactChecksums(t)
	names := make([]string, 0, len(sums))
	for n := range sums {
		names = append(names, n)
	}
	for i, n := range sortedStrings(names) {
		r := e.mustDeliver(e.issuer, &wasmtypes.MsgStoreCode{Sender: e.issuer.addr.String(), WASMByteCode: artifact(t, n)})
		info := e.app.WasmKeeper.GetCodeInfo(e.ctx(), uint64(i+1))
		require.NotNil(t, info, n)
		t.Logf("%s: stored as code %d, gas %d", n, i+1, r.GasUsed)
	}
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// creditEnv is a chain with green-credit stored (code 1) and instantiated
// (contract 1, licensed ISSUER at genesis), and a licensed buyer.
type creditEnv struct {
	*gateEnv
	gc    sdk.AccAddress
	buyer *detAccount
	gas   map[string]uint64
}

func newCreditEnv(t *testing.T) *creditEnv {
	gc := wasmkeeper.BuildContractAddressClassic(1, 1)
	buyer := newDetAccount("contracts-buyer")
	e := &creditEnv{
		gateEnv: newGateEnv(t,
			contractLicence(gc, compliancetypes.RoleIssuer)),
		gc: gc, buyer: buyer, gas: map[string]uint64{},
	}
	e.fund(buyer)
	e.licenseBuyer(buyer)
	e.regulatorListsMarkets()
	r := e.mustDeliver(e.issuer, &wasmtypes.MsgStoreCode{Sender: e.issuer.addr.String(), WASMByteCode: artifact(t, "green_credit.wasm")})
	e.gas["store green_credit"] = uint64(r.GasUsed)
	r = e.mustDeliver(e.issuer, &wasmtypes.MsgInstantiateContract{
		Sender: e.issuer.addr.String(), Admin: e.issuer.addr.String(), CodeID: 1, Label: "green-credit", Msg: []byte(`{"name":"GreenCredit"}`),
	})
	e.gas["green-credit instantiate"] = uint64(r.GasUsed)
	require.NotNil(t, e.app.WasmKeeper.GetContractInfo(e.ctx(), gc))
	return e
}

// fund sends a new account some of the bond denom, which creates it, and
// reads its account number.
func (e *gateEnv) fund(a *detAccount) {
	e.mustDeliver(e.regulator, &banktypes.MsgSend{FromAddress: e.regulator.addr.String(), ToAddress: a.addr.String(),
		Amount: sdk.NewCoins(sdk.NewInt64Coin(BondDenom, 1_000_000_000))})
	acc := e.app.AccountKeeper.GetAccount(e.ctx(), a.addr)
	require.NotNil(e.t, acc)
	a.num, a.seq = acc.GetAccountNumber(), acc.GetSequence()
}

// execMsg is a MsgExecuteContract of msg (marshalled to JSON) with funds.
func execMsg(from *detAccount, contract sdk.AccAddress, msg any, funds ...sdk.Coin) *wasmtypes.MsgExecuteContract {
	bz, err := json.Marshal(msg)
	if err != nil {
		panic(err)
	}
	return &wasmtypes.MsgExecuteContract{Sender: from.addr.String(), Contract: contract.String(), Msg: bz, Funds: sdk.NewCoins(funds...)}
}

// query runs a smart query on the committed state.
func (e *gateEnv) query(contract sdk.AccAddress, msg any, out any) error {
	bz, err := json.Marshal(msg)
	require.NoError(e.t, err)
	res, err := e.app.WasmKeeper.QuerySmart(e.ctx(), contract, bz)
	if err != nil {
		return err
	}
	return json.Unmarshal(res, out)
}

type gcBatch struct {
	ID      uint64 `json:"id"`
	Denom   string `json:"denom"`
	Mwh     string `json:"mwh"`
	Retired string `json:"retired"`
	Serials struct {
		First uint64 `json:"first"`
		Last  uint64 `json:"last"`
	} `json:"serials"`
}

type gcCertificate struct {
	ID          uint64 `json:"id"`
	BatchID     uint64 `json:"batch_id"`
	RetiredBy   string `json:"retired_by"`
	Beneficiary string `json:"beneficiary"`
	Reason      string `json:"reason"`
	Serials     struct {
		First uint64 `json:"first"`
		Last  uint64 `json:"last"`
	} `json:"serials"`
}

type gcSerial struct {
	BatchID       uint64  `json:"batch_id"`
	CertificateID *uint64 `json:"certificate_id"`
}

func issueMsg(first, mwh string, recipient sdk.AccAddress) map[string]any {
	m := map[string]any{"project": "Solar Park Alentejo", "technology": "solar", "region": "PT", "vintage": 2026,
		"mwh": mwh, "first_serial": first}
	if recipient != nil {
		m["recipient"] = recipient.String()
	}
	return map[string]any{"issue": m}
}

func (e *creditEnv) batches() []gcBatch {
	var out struct {
		Batches []gcBatch `json:"batches"`
	}
	require.NoError(e.t, e.query(e.gc, map[string]any{"batches": map[string]any{}}, &out))
	return out.Batches
}

func (e *creditEnv) serial(s uint64) gcSerial {
	var out gcSerial
	require.NoError(e.t, e.query(e.gc, map[string]any{"serial": map[string]any{"serial": sdkmath.NewIntFromUint64(s).String()}}, &out))
	return out
}

func TestGreenCredit_IssueTradeRetireCertificate(t *testing.T) {
	e := newCreditEnv(t)
	r := e.mustDeliver(e.issuer, execMsg(e.issuer, e.gc, issueMsg("1000", "100", e.inst.addr)))
	e.gas["green-credit issue"] = uint64(r.GasUsed)
	b := e.batches()
	require.Len(t, b, 1)
	denom := b[0].Denom
	require.Equal(t, "asset/"+e.gc.String()+"/gc1", denom)
	require.Equal(t, int64(100), e.balance(e.inst.addr, denom))
	asset, err := e.app.AssetsKeeper.GetAsset(e.ctx(), denom)
	require.NoError(t, err)
	require.Equal(t, e.gc.String(), asset.Admin, "the contract administers the batch's asset")
	require.Equal(t, "100", asset.SupplyCap.String())

	// Trade 40 credits on x/exchange: the institution sells to the buyer.
	reg, one := e.regulator.addr.String(), sdkmath.NewInt(1)
	e.mustDeliver(e.regulator, &exchangetypes.MsgCreateMarket{Authority: reg, Market: exchangetypes.Market{
		BaseDenom: denom, QuoteDenom: BondDenom, TickSize: one, LotSize: one, MinNotional: one,
		Mode: exchangetypes.MarketMode_MARKET_MODE_CONTINUOUS,
	}})
	markets, err := exchangeMarketIDs(e.gateEnv, denom)
	require.NoError(t, err)
	require.Len(t, markets, 1)
	mid := markets[0]
	e.mustDeliver(e.inst, &exchangetypes.MsgDeposit{Owner: e.inst.addr.String(), Amount: sdk.NewInt64Coin(denom, 40)},
		&exchangetypes.MsgPlaceOrder{Owner: e.inst.addr.String(), Order: exchangetypes.OrderSpec{MarketId: mid, Side: exchangetypes.Side_SIDE_SELL, Price: 50, Quantity: 40}})
	e.mustDeliver(e.buyer, &exchangetypes.MsgDeposit{Owner: e.buyer.addr.String(), Amount: sdk.NewInt64Coin(BondDenom, 10_000)},
		&exchangetypes.MsgPlaceOrder{Owner: e.buyer.addr.String(), Order: exchangetypes.OrderSpec{MarketId: mid, Side: exchangetypes.Side_SIDE_BUY, Price: 50, Quantity: 40}})
	e.mustDeliver(e.buyer, &exchangetypes.MsgWithdraw{Owner: e.buyer.addr.String(), Amount: sdk.NewInt64Coin(denom, 40)})
	require.Equal(t, int64(40), e.balance(e.buyer.addr, denom))
	require.Equal(t, int64(60), e.balance(e.inst.addr, denom))

	// The buyer retires 30 of them: burned, certificate for serials 1000..1029.
	r = e.mustDeliver(e.buyer, execMsg(e.buyer, e.gc, map[string]any{"retire": map[string]any{"beneficiary": "Buyer Foods SA", "reason": "2026 scope 2"}},
		sdk.NewInt64Coin(denom, 30)))
	e.gas["green-credit retire"] = uint64(r.GasUsed)
	var cert gcCertificate
	require.NoError(t, e.query(e.gc, map[string]any{"certificate": map[string]any{"id": 1}}, &cert))
	require.Equal(t, uint64(1000), cert.Serials.First)
	require.Equal(t, uint64(1029), cert.Serials.Last)
	require.Equal(t, e.buyer.addr.String(), cert.RetiredBy)
	require.Equal(t, "Buyer Foods SA", cert.Beneficiary)
	require.Equal(t, int64(10), e.balance(e.buyer.addr, denom))
	require.Equal(t, int64(0), e.balance(e.gc, denom), "retired credits are burned")
	require.Equal(t, int64(70), e.app.BankKeeper.GetSupply(e.ctx(), denom).Amount.Int64())

	// Transfer through the contract, then a second retirement: serials go on
	// from 1030 and the first certificate's serials stay where they are.
	r = e.mustDeliver(e.inst, execMsg(e.inst, e.gc, map[string]any{"transfer": map[string]any{"recipient": e.buyer.addr.String()}}, sdk.NewInt64Coin(denom, 20)))
	e.gas["green-credit transfer"] = uint64(r.GasUsed)
	e.mustDeliver(e.buyer, execMsg(e.buyer, e.gc, map[string]any{"retire": map[string]any{"beneficiary": "Buyer Foods SA", "reason": "Q4"}},
		sdk.NewInt64Coin(denom, 30)))
	for s, want := range map[uint64]uint64{1000: 1, 1029: 1, 1030: 2, 1059: 2} {
		got := e.serial(s)
		require.NotNil(t, got.CertificateID, "serial %d", s)
		require.Equal(t, want, *got.CertificateID, "serial %d", s)
	}
	require.Nil(t, e.serial(1060).CertificateID)
	logGas(t, e.gas)
}

// exchangeMarketIDs lists the markets whose base denom is base.
func exchangeMarketIDs(e *gateEnv, base string) ([]uint64, error) {
	var ids []uint64
	err := e.app.ExchangeKeeper.Markets.Walk(e.ctx(), nil, func(id uint64, m exchangetypes.Market) (bool, error) {
		if m.BaseDenom == base {
			ids = append(ids, id)
		}
		return false, nil
	})
	return ids, err
}

func TestGreenCredit_RetiredSerialNeverMovesAgain(t *testing.T) {
	e := newCreditEnv(t)
	e.mustDeliver(e.issuer, execMsg(e.issuer, e.gc, issueMsg("1", "10", nil)))
	denom := e.batches()[0].Denom
	e.mustDeliver(e.issuer, execMsg(e.issuer, e.gc, map[string]any{"retire": map[string]any{"beneficiary": "B", "reason": "R"}}, sdk.NewInt64Coin(denom, 10)))
	// Nothing of the batch is left to move, and its serials cannot be issued again.
	e.refused(e.issuer, []sdk.Msg{&banktypes.MsgSend{FromAddress: e.issuer.addr.String(), ToAddress: e.inst.addr.String(),
		Amount: sdk.NewCoins(sdk.NewInt64Coin(denom, 1))}}, "insufficient funds")
	e.refused(e.issuer, []sdk.Msg{execMsg(e.issuer, e.gc, issueMsg("5", "1", nil))}, "overlap batch 1")
	// Not even the contract's admin can re-mint: the issuer is not the asset's admin.
	e.refused(e.issuer, []sdk.Msg{execMsg(e.issuer, e.gc, map[string]any{"retire": map[string]any{"beneficiary": "B", "reason": "R"}}, sdk.NewInt64Coin(denom, 1))}, "insufficient funds")
	for s := uint64(1); s <= 10; s++ {
		got := e.serial(s)
		require.NotNil(t, got.CertificateID)
		require.Equal(t, uint64(1), *got.CertificateID)
	}
	require.Equal(t, "10", e.batches()[0].Retired)
	require.True(t, e.app.BankKeeper.GetSupply(e.ctx(), denom).Amount.IsZero())
}

func TestGreenCredit_RefusedCleanlyWithStateUnchanged(t *testing.T) {
	e := newCreditEnv(t)
	e.mustDeliver(e.issuer, execMsg(e.issuer, e.gc, issueMsg("1", "10", nil)))
	before := e.batches()
	denom := before[0].Denom
	unchanged := func(what string) {
		require.Equal(t, before, e.batches(), what)
		require.Equal(t, int64(10), e.balance(e.issuer.addr, denom), what)
	}

	// An account without an ISSUER licence.
	e.refused(e.plain, []sdk.Msg{execMsg(e.plain, e.gc, issueMsg("100", "5", nil))})
	e.refused(e.inst, []sdk.Msg{execMsg(e.inst, e.gc, issueMsg("100", "5", nil))}, "not a licensed issuer")
	unchanged("unlicensed")

	// Malformed JSON, an unknown message, an overflowing serial range, an
	// amount that is no u64, an oversized payload.
	bad := []struct{ name, msg, want string }{
		{"malformed", `{"issue":`, "invalid"},
		{"unknown", `{"mint_more":{}}`, "Serialization"},
		{"serial overflow", `{"issue":{"project":"p","technology":"t","region":"r","vintage":2026,"mwh":"2","first_serial":"18446744073709551615"}}`, "pass the largest serial"},
		{"mwh above u64", `{"issue":{"project":"p","technology":"t","region":"r","vintage":2026,"mwh":"18446744073709551616","first_serial":"1"}}`, "Serialization"},
		{"oversized", `{"issue":{"project":"` + strings.Repeat("p", 200_000) + `","technology":"t","region":"r","vintage":2026,"mwh":"1","first_serial":"900"}}`, ""},
	}
	for _, b := range bad {
		m := &wasmtypes.MsgExecuteContract{Sender: e.issuer.addr.String(), Contract: e.gc.String(), Msg: []byte(b.msg)}
		var want []string
		if b.want != "" {
			want = append(want, b.want)
		}
		e.refused(e.issuer, []sdk.Msg{m}, want...)
		unchanged(b.name)
	}

	// A frozen issuer is refused at the gate.
	e.mustDeliver(e.regulator, &compliancetypes.MsgFreezeAccount{Authority: e.regulator.addr.String(), Address: e.issuer.addr.String(), Reason: "test"})
	e.refused(e.issuer, []sdk.Msg{execMsg(e.issuer, e.gc, issueMsg("100", "5", nil))}, "frozen")
	unchanged("frozen")
}

// A contract without its own ISSUER licence cannot create the batch asset:
// x/assets refuses where the state changes, and the contract's own writes
// are rolled back with it.
func TestGreenCredit_UnlicensedContractCannotMint(t *testing.T) {
	e := newCreditEnv(t)
	e.mustDeliver(e.issuer, &wasmtypes.MsgInstantiateContract{
		Sender: e.issuer.addr.String(), CodeID: 1, Label: "green-credit-2", Msg: []byte(`{"name":"Unlicensed"}`),
	})
	gc2 := wasmkeeper.BuildContractAddressClassic(1, 2)
	e.refused(e.issuer, []sdk.Msg{execMsg(e.issuer, gc2, issueMsg("1", "10", nil))}, "ISSUER")
	var out struct {
		Batches []gcBatch `json:"batches"`
	}
	require.NoError(t, e.query(gc2, map[string]any{"batches": map[string]any{}}, &out))
	require.Empty(t, out.Batches)
	_, err := e.app.AssetsKeeper.GetAsset(e.ctx(), "asset/"+gc2.String()+"/gc1")
	require.Error(t, err, "no asset was created")
}

// assetEnv is a chain with data-asset stored (code 1) and instantiated
// (contract 1, licensed ISSUER at genesis; the regulator is its
// regulator), and a licensed buyer.
type assetEnv struct {
	*gateEnv
	da    sdk.AccAddress
	buyer *detAccount
	gas   map[string]uint64
}

func newAssetEnv(t *testing.T) *assetEnv {
	return newAssetEnvRoles(t, compliancetypes.RoleIssuer)
}

// newAssetEnvRoles is newAssetEnv with the contract licensed for roles.
func newAssetEnvRoles(t *testing.T, roles ...compliancetypes.Role) *assetEnv {
	da := wasmkeeper.BuildContractAddressClassic(1, 1)
	buyer := newDetAccount("contracts-data-buyer")
	e := &assetEnv{
		gateEnv: newGateEnv(t,
			contractLicence(da, roles...)),
		da: da, buyer: buyer, gas: map[string]uint64{},
	}
	e.fund(buyer)
	e.licenseBuyer(buyer)
	e.regulatorListsMarkets()
	r := e.mustDeliver(e.issuer, &wasmtypes.MsgStoreCode{Sender: e.issuer.addr.String(), WASMByteCode: artifact(t, "data_asset.wasm")})
	e.gas["store data_asset"] = uint64(r.GasUsed)
	init, _ := json.Marshal(map[string]string{"regulator": e.regulator.addr.String()})
	r = e.mustDeliver(e.issuer, &wasmtypes.MsgInstantiateContract{
		Sender: e.issuer.addr.String(), Admin: e.issuer.addr.String(), CodeID: 1, Label: "data-asset", Msg: init,
	})
	e.gas["data-asset instantiate"] = uint64(r.GasUsed)
	require.NotNil(t, e.app.WasmKeeper.GetContractInfo(e.ctx(), da))
	return e
}

const datasetHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

func registerMsg(hash string) map[string]any {
	return map[string]any{"register": map[string]any{
		"content_hash": hash, "metadata_uri": "ipfs://bafy/meta.json", "schema": "csv: ts,meter_id,kwh",
		"total_shares": "100",
		"terms":        map[string]any{"price": map[string]string{"denom": BondDenom, "amount": "1000"}, "duration_secs": 86400, "usage_terms": "research only"},
	}}
}

type daLicence struct {
	Expires  string `json:"expires"`
	Revoked  bool   `json:"revoked"`
	Envelope *struct {
		SealedKey []byte `json:"sealed_key"`
		Hash      string `json:"hash"`
	} `json:"envelope"`
}

func TestDataAsset_RegisterTradeLicenceDeliverClaim(t *testing.T) {
	e := newAssetEnv(t)
	r := e.mustDeliver(e.issuer, execMsg(e.issuer, e.da, registerMsg(datasetHash)))
	e.gas["data-asset register"] = uint64(r.GasUsed)
	var ds struct {
		ShareDenom string `json:"share_denom"`
	}
	require.NoError(t, e.query(e.da, map[string]any{"dataset": map[string]any{"id": 1}}, &ds))
	shares := ds.ShareDenom
	require.Equal(t, "asset/"+e.da.String()+"/ds1", shares)
	require.Equal(t, int64(100), e.balance(e.issuer.addr, shares))

	// 40 shares go to the institution on record, which sells them to the
	// buyer on x/exchange.
	r = e.mustDeliver(e.issuer, execMsg(e.issuer, e.da, map[string]any{"transfer_shares": map[string]any{"recipient": e.inst.addr.String()}}, sdk.NewInt64Coin(shares, 40)))
	e.gas["data-asset transfer_shares"] = uint64(r.GasUsed)
	reg, one := e.regulator.addr.String(), sdkmath.NewInt(1)
	e.mustDeliver(e.regulator, &exchangetypes.MsgCreateMarket{Authority: reg, Market: exchangetypes.Market{
		BaseDenom: shares, QuoteDenom: BondDenom, TickSize: one, LotSize: one, MinNotional: one,
		Mode: exchangetypes.MarketMode_MARKET_MODE_CONTINUOUS,
	}})
	ids, err := exchangeMarketIDs(e.gateEnv, shares)
	require.NoError(t, err)
	require.Len(t, ids, 1)
	e.mustDeliver(e.inst, &exchangetypes.MsgDeposit{Owner: e.inst.addr.String(), Amount: sdk.NewInt64Coin(shares, 40)},
		&exchangetypes.MsgPlaceOrder{Owner: e.inst.addr.String(), Order: exchangetypes.OrderSpec{MarketId: ids[0], Side: exchangetypes.Side_SIDE_SELL, Price: 100, Quantity: 40}})
	e.mustDeliver(e.buyer, &exchangetypes.MsgDeposit{Owner: e.buyer.addr.String(), Amount: sdk.NewInt64Coin(BondDenom, 10_000)},
		&exchangetypes.MsgPlaceOrder{Owner: e.buyer.addr.String(), Order: exchangetypes.OrderSpec{MarketId: ids[0], Side: exchangetypes.Side_SIDE_BUY, Price: 100, Quantity: 40}})
	e.mustDeliver(e.buyer, &exchangetypes.MsgWithdraw{Owner: e.buyer.addr.String(), Amount: sdk.NewInt64Coin(shares, 40)})
	require.Equal(t, int64(40), e.balance(e.buyer.addr, shares))

	// Nobody bonds: every share held in an account earns. The institution
	// has none left (sold), the issuer 60, the buyer 40 bought on the
	// exchange.
	// The buyer buys a licence with its X25519 key.
	pub, priv, err := envelope.NewKeyPair(detRand("buyer-envelope-key"))
	require.NoError(t, err)
	r = e.mustDeliver(e.buyer, execMsg(e.buyer, e.da, map[string]any{"buy_licence": map[string]any{"dataset_id": 1, "buyer_pubkey": pub[:]}}, sdk.NewInt64Coin(BondDenom, 1000)))
	e.gas["data-asset buy_licence"] = uint64(r.GasUsed)

	// The owner seals the dataset key to it and posts the envelope.
	datasetKey := []byte("0123456789abcdef0123456789abcdef")
	sealed, err := envelope.Seal(pub, datasetKey, detRand("provider-ephemeral"))
	require.NoError(t, err)
	r = e.mustDeliver(e.issuer, execMsg(e.issuer, e.da, map[string]any{"deliver_key": map[string]any{"dataset_id": 1, "buyer": e.buyer.addr.String(), "sealed_key": sealed}}))
	e.gas["data-asset deliver_key"] = uint64(r.GasUsed)

	var lic daLicence
	require.NoError(t, e.query(e.da, map[string]any{"licence": map[string]any{"dataset_id": 1, "buyer": e.buyer.addr.String()}}, &lic))
	require.NotNil(t, lic.Envelope)
	sum := sha256.Sum256(lic.Envelope.SealedKey)
	require.Equal(t, hex.EncodeToString(sum[:]), lic.Envelope.Hash)
	require.NotContains(t, string(lic.Envelope.SealedKey), string(datasetKey), "the key is never on chain in clear")
	got, err := envelope.Open(lic.Envelope.SealedKey, pub, priv)
	require.NoError(t, err)
	require.Equal(t, datasetKey, got)
	otherPub, otherPriv, err := envelope.NewKeyPair(detRand("someone-else"))
	require.NoError(t, err)
	_, err = envelope.Open(lic.Envelope.SealedKey, otherPub, otherPriv)
	require.ErrorIs(t, err, envelope.ErrCannotOpen, "anyone else's key cannot open it")
	_, err = envelope.Open(lic.Envelope.SealedKey, pub, otherPriv)
	require.Error(t, err)

	// The shareholders claim the revenue: 600 and 400 of the 1000 paid.
	before := e.balance(e.issuer.addr, BondDenom)
	r = e.mustDeliver(e.issuer, execMsg(e.issuer, e.da, map[string]any{"claim": map[string]any{"dataset_id": 1}}))
	e.gas["data-asset claim"] = uint64(r.GasUsed)
	require.Equal(t, before+600, e.balance(e.issuer.addr, BondDenom))
	before = e.balance(e.buyer.addr, BondDenom)
	e.mustDeliver(e.buyer, execMsg(e.buyer, e.da, map[string]any{"claim": map[string]any{"dataset_id": 1}}))
	require.Equal(t, before+400, e.balance(e.buyer.addr, BondDenom))
	require.Equal(t, int64(0), e.balance(e.da, BondDenom))

	prov := e.provenance(1)
	var kinds []string
	for _, p := range prov.Entries {
		kinds = append(kinds, p.Kind)
	}
	// Every move of the shares is in the history, the exchange's included:
	// the mint, both legs of the transfer through the contract, the
	// institution's deposit into the exchange escrow and the buyer's
	// withdrawal of what it bought.
	require.Equal(t, []string{"registered", "shares_minted", "shares_transferred",
		"shares_moved", "shares_moved", "shares_moved", "shares_moved", "shares_moved",
		"licence_bought", "key_delivered", "revenue_claimed", "revenue_claimed"}, kinds)
	require.Equal(t, "from="+e.inst.addr.String()+" to=module amount=40 move=4", prov.Entries[6].Detail)
	require.Equal(t, "from=module to="+e.buyer.addr.String()+" amount=40 move=5", prov.Entries[7].Detail)
	e.refused(e.inst, []sdk.Msg{execMsg(e.inst, e.da, map[string]any{"claim": map[string]any{"dataset_id": 1}})}, "nothing to claim")
	moves, _, err := e.app.AssetsKeeper.PendingMoves(e.ctx(), e.da.String(), 0, 0)
	require.NoError(t, err)
	require.Empty(t, moves, "the contract acknowledged what it applied")

	// The regulator revokes the licence: access ends.
	e.mustDeliver(e.regulator, execMsg(e.regulator, e.da, map[string]any{"revoke_licence": map[string]any{"dataset_id": 1, "buyer": e.buyer.addr.String(), "reason": "breach"}}))
	var acc struct {
		HasAccess bool   `json:"has_access"`
		Reason    string `json:"reason"`
	}
	require.NoError(t, e.query(e.da, map[string]any{"access": map[string]any{"dataset_id": 1, "address": e.buyer.addr.String()}}, &acc))
	require.False(t, acc.HasAccess)
	require.Equal(t, "revoked", acc.Reason)
	logGas(t, e.gas)
}

func TestDataAsset_RefusedCleanlyWithStateUnchanged(t *testing.T) {
	e := newAssetEnv(t)
	// An account without an ISSUER licence cannot register.
	e.refused(e.inst, []sdk.Msg{execMsg(e.inst, e.da, registerMsg(datasetHash))}, "not a licensed issuer")
	var out json.RawMessage
	require.Error(t, e.query(e.da, map[string]any{"dataset": map[string]any{"id": 1}}, &out))
	e.mustDeliver(e.issuer, execMsg(e.issuer, e.da, registerMsg(datasetHash)))
	// A wrong payment, a short key, an oversized envelope, overflowing shares.
	e.refused(e.buyer, []sdk.Msg{execMsg(e.buyer, e.da, map[string]any{"buy_licence": map[string]any{"dataset_id": 1, "buyer_pubkey": make([]byte, 32)}}, sdk.NewInt64Coin(BondDenom, 999))}, "pay exactly")
	e.refused(e.buyer, []sdk.Msg{execMsg(e.buyer, e.da, map[string]any{"buy_licence": map[string]any{"dataset_id": 1, "buyer_pubkey": make([]byte, 31)}}, sdk.NewInt64Coin(BondDenom, 1000))}, "32 bytes")
	e.refused(e.issuer, []sdk.Msg{execMsg(e.issuer, e.da, map[string]any{"deliver_key": map[string]any{"dataset_id": 1, "buyer": e.buyer.addr.String(), "sealed_key": make([]byte, 4096)}})}, "sealed_key is invalid")
	over := registerMsg("1111111111111111111111111111111111111111111111111111111111111111")
	over["register"].(map[string]any)["total_shares"] = "340282366920938463463374607431768211456"
	e.refused(e.issuer, []sdk.Msg{execMsg(e.issuer, e.da, over)}, "Serialization")
	var lic json.RawMessage
	require.Error(t, e.query(e.da, map[string]any{"licence": map[string]any{"dataset_id": 1, "buyer": e.buyer.addr.String()}}, &lic), "no licence was sold")
	require.Equal(t, int64(100), e.balance(e.issuer.addr, "asset/"+e.da.String()+"/ds1"))
	// A frozen buyer is refused at the gate.
	e.mustDeliver(e.regulator, &compliancetypes.MsgFreezeAccount{Authority: e.regulator.addr.String(), Address: e.buyer.addr.String(), Reason: "test"})
	e.refused(e.buyer, []sdk.Msg{execMsg(e.buyer, e.da, map[string]any{"buy_licence": map[string]any{"dataset_id": 1, "buyer_pubkey": make([]byte, 32)}}, sdk.NewInt64Coin(BondDenom, 1000))}, "frozen")
	require.Error(t, e.query(e.da, map[string]any{"licence": map[string]any{"dataset_id": 1, "buyer": e.buyer.addr.String()}}, &lic))
}

type daProvenance struct {
	Entries []struct {
		Kind   string `json:"kind"`
		Detail string `json:"detail"`
		Height uint64 `json:"height"`
	} `json:"entries"`
}

func (e *assetEnv) provenance(id uint64) daProvenance {
	var p daProvenance
	require.NoError(e.t, e.query(e.da, map[string]any{"provenance": map[string]any{"dataset_id": id, "limit": 100}}, &p))
	return p
}

// detRand is a deterministic byte stream for test keys.
func detRand(seed string) io.Reader {
	h := sha256.Sum256([]byte(seed))
	return &shaStream{state: h}
}

type shaStream struct {
	state [32]byte
	buf   []byte
}

func (s *shaStream) Read(p []byte) (int, error) {
	for i := range p {
		if len(s.buf) == 0 {
			s.state = sha256.Sum256(s.state[:])
			s.buf = append(s.buf[:0], s.state[:]...)
		}
		p[i], s.buf = s.buf[0], s.buf[1:]
	}
	return len(p), nil
}

// logGas logs the gas of each contract call, sorted by name, for
// docs/benchmarks.md.
func logGas(t *testing.T, gas map[string]uint64) {
	names := make([]string, 0, len(gas))
	for n := range gas {
		names = append(names, n)
	}
	for _, n := range sortedStrings(names) {
		t.Logf("gas %-32s %d", n, gas[n])
	}
}

// regulatorListsMarkets makes the regulator the exchange's params authority
// (as the demo's genesis does), written between blocks and committed with
// the next one.
func (e *gateEnv) regulatorListsMarkets() {
	ctx := e.app.NewUncachedContext(false, cmtproto.Header{Height: e.app.LastBlockHeight(), ChainID: simChainID, Time: blockTime(e.height)})
	p := e.app.ExchangeKeeper.GetParams(ctx)
	p.Authority = e.regulator.addr.String()
	require.NoError(e.t, e.app.ExchangeKeeper.SetParams(ctx, e.app.ExchangeKeeper.GovAuthority(), p))
	e.deliverRaw()
}

// licenseBuyer registers entity 2 and licenses a as one of its
// INSTITUTIONs: another entity than the cast's, so its orders can match
// theirs (self-trade prevention works by entity).
func (e *gateEnv) licenseBuyer(a *detAccount) {
	reg := e.regulator.addr.String()
	e.mustDeliver(e.regulator, &compliancetypes.MsgRegisterEntity{Authority: reg, Name: "Buyer Corp SA", Lei: "529900T8BM49AURSDO55", Jurisdiction: "FR", Reason: "onboarding"})
	e.mustDeliver(e.regulator, &compliancetypes.MsgGrantLicence{Authority: reg, Address: a.addr.String(), EntityId: 2,
		Roles: []compliancetypes.Role{compliancetypes.RoleInstitution}, ExpiresAt: detGenesisTime.AddDate(10, 0, 0), Reason: "onboarding"})
}

// sharesMarket registers dataset 1 (100 shares to the issuer) and lists its
// shares against the bond denom; it returns the share denom and market.
func (e *assetEnv) sharesMarket() (string, uint64) {
	e.mustDeliver(e.issuer, execMsg(e.issuer, e.da, registerMsg(datasetHash)))
	shares := "asset/" + e.da.String() + "/ds1"
	one := sdkmath.NewInt(1)
	e.mustDeliver(e.regulator, &exchangetypes.MsgCreateMarket{Authority: e.regulator.addr.String(), Market: exchangetypes.Market{
		BaseDenom: shares, QuoteDenom: BondDenom, TickSize: one, LotSize: one, MinNotional: one,
		Mode: exchangetypes.MarketMode_MARKET_MODE_CONTINUOUS,
	}})
	ids, err := exchangeMarketIDs(e.gateEnv, shares)
	require.NoError(e.t, err)
	require.Len(e.t, ids, 1)
	return shares, ids[0]
}

func offerMsg(mid uint64, price, qty, cid string) map[string]any {
	return map[string]any{"offer_shares": map[string]any{"market_id": mid, "price": price, "quantity": qty, "client_order_id": cid}}
}

// depth is the book's best ask and bid quantity (0 when empty).
func (e *gateEnv) depth(mid uint64) (ask, bid uint64) {
	d, err := exchangekeeper.NewQuerier(e.app.ExchangeKeeper).Depth(e.ctx(), &exchangetypes.QueryDepthRequest{MarketId: mid, Levels: 1})
	require.NoError(e.t, err)
	if len(d.Asks) > 0 {
		ask = d.Asks[0].Quantity
	}
	if len(d.Bids) > 0 {
		bid = d.Bids[0].Quantity
	}
	return ask, bid
}

// The data-asset contract offers its owner's shares on x/exchange through
// the place_order binding, in its own name: the order rests, a licensed
// buyer fills part of it, the owner cancels the rest through the contract
// (cancel_order by client id). Failed before this change: the contract had
// no offer_shares and the bindings no deposit or cancel by client id.
func TestDataAsset_ContractOffersSharesOnTheExchange(t *testing.T) {
	e := newAssetEnvRoles(t, compliancetypes.RoleIssuer, compliancetypes.RoleInstitution)
	shares, mid := e.sharesMarket()

	r := e.mustDeliver(e.issuer, execMsg(e.issuer, e.da, offerMsg(mid, "100", "30", "offer-1"), sdk.NewInt64Coin(shares, 30)))
	e.gas["data-asset offer_shares"] = uint64(r.GasUsed)
	ask, _ := e.depth(mid)
	require.Equal(t, uint64(30), ask, "the contract's sell order rests")
	st, err := exchangekeeper.NewQuerier(e.app.ExchangeKeeper).OrderStatusByClientID(e.ctx(),
		&exchangetypes.QueryOrderStatusByClientIDRequest{Owner: e.da.String(), ClientOrderId: "offer-1"})
	require.NoError(t, err)
	require.Equal(t, exchangetypes.OrderState_ORDER_STATE_OPEN, st.Status.State)
	require.Equal(t, int64(70), e.balance(e.issuer.addr, shares))
	b, err := e.app.ExchangeKeeper.GetBalance(e.ctx(), e.da, shares)
	require.NoError(t, err)
	require.Equal(t, "30", b.Locked.String())

	// A licensed buyer takes 20.
	e.mustDeliver(e.buyer, &exchangetypes.MsgDeposit{Owner: e.buyer.addr.String(), Amount: sdk.NewInt64Coin(BondDenom, 10_000)},
		&exchangetypes.MsgPlaceOrder{Owner: e.buyer.addr.String(), Order: exchangetypes.OrderSpec{MarketId: mid, Side: exchangetypes.Side_SIDE_BUY, Price: 100, Quantity: 20}})
	e.mustDeliver(e.buyer, &exchangetypes.MsgWithdraw{Owner: e.buyer.addr.String(), Amount: sdk.NewInt64Coin(shares, 20)})
	require.Equal(t, int64(20), e.balance(e.buyer.addr, shares))
	ask, _ = e.depth(mid)
	require.Equal(t, uint64(10), ask)
	q, err := e.app.ExchangeKeeper.GetBalance(e.ctx(), e.da, BondDenom)
	require.NoError(t, err)
	require.True(t, q.Free.IsPositive(), "the proceeds are the contract's")

	// Only the seller (or the regulator) cancels; then the rest leaves the book.
	e.refused(e.inst, []sdk.Msg{execMsg(e.inst, e.da, map[string]any{"cancel_offer": map[string]any{"market_id": mid, "client_order_id": "offer-1"}})}, "only the seller or the regulator")
	r = e.mustDeliver(e.issuer, execMsg(e.issuer, e.da, map[string]any{"cancel_offer": map[string]any{"market_id": mid, "client_order_id": "offer-1"}}))
	e.gas["data-asset cancel_offer"] = uint64(r.GasUsed)
	ask, _ = e.depth(mid)
	require.Zero(t, ask)
	b, err = e.app.ExchangeKeeper.GetBalance(e.ctx(), e.da, shares)
	require.NoError(t, err)
	require.Equal(t, "10", b.Free.String())
	require.Equal(t, "0", b.Locked.String())
	var offer struct {
		Cancelled bool   `json:"cancelled"`
		Shares    string `json:"shares"`
	}
	require.NoError(t, e.query(e.da, map[string]any{"offer": map[string]any{"market_id": mid, "client_order_id": "offer-1"}}, &offer))
	require.True(t, offer.Cancelled)

	// The history has the offer, its cancellation and the moves: the
	// contract's deposit into the escrow and the buyer's withdrawal.
	r = e.mustDeliver(e.inst, execMsg(e.inst, e.da, map[string]any{"sync_moves": map[string]any{}}))
	e.gas["data-asset sync_moves (4 moves)"] = uint64(r.GasUsed)
	var kinds []string
	for _, p := range e.provenance(1).Entries {
		kinds = append(kinds, p.Kind)
	}
	require.Equal(t, []string{"registered", "shares_minted", "shares_offered", "offer_cancelled",
		"shares_moved", "shares_moved", "shares_moved", "shares_moved"}, kinds)
	logGas(t, e.gas)
}

// Offer proceeds reach the seller: a licensed buyer fills 20 of the 30
// shares the contract offers for its owner; anyone's settle_offer then pays
// the owner the 2000 the fill credited to the contract's exchange balance,
// once (a second settle finds nothing); after the owner cancels, the next
// settle returns the 10 unfilled shares and closes the offer. Failed before
// this change: the contract had no settle_offer and the bindings no
// order_status, so the proceeds stayed in the contract's exchange balance.
func TestDataAsset_OfferProceedsReachTheSellerOnce(t *testing.T) {
	e := newAssetEnvRoles(t, compliancetypes.RoleIssuer, compliancetypes.RoleInstitution)
	shares, mid := e.sharesMarket()
	e.mustDeliver(e.issuer, execMsg(e.issuer, e.da, offerMsg(mid, "100", "30", "offer-1"), sdk.NewInt64Coin(shares, 30)))
	settle := map[string]any{"settle_offer": map[string]any{"market_id": mid, "client_order_id": "offer-1"}}
	e.refused(e.inst, []sdk.Msg{execMsg(e.inst, e.da, settle)}, "nothing to settle")

	e.mustDeliver(e.buyer, &exchangetypes.MsgDeposit{Owner: e.buyer.addr.String(), Amount: sdk.NewInt64Coin(BondDenom, 10_000)},
		&exchangetypes.MsgPlaceOrder{Owner: e.buyer.addr.String(), Order: exchangetypes.OrderSpec{MarketId: mid, Side: exchangetypes.Side_SIDE_BUY, Price: 100, Quantity: 20}})
	q, err := e.app.ExchangeKeeper.GetBalance(e.ctx(), e.da, BondDenom)
	require.NoError(t, err)
	require.Equal(t, "2000", q.Free.String(), "the fill credits the contract")

	before := e.balance(e.issuer.addr, BondDenom)
	r := e.mustDeliver(e.inst, execMsg(e.inst, e.da, settle)) // anyone may settle
	e.gas["data-asset settle_offer (proceeds)"] = uint64(r.GasUsed)
	require.Equal(t, before+2000, e.balance(e.issuer.addr, BondDenom), "the seller gets the proceeds")
	q, err = e.app.ExchangeKeeper.GetBalance(e.ctx(), e.da, BondDenom)
	require.NoError(t, err)
	require.True(t, q.Free.IsZero() && q.Locked.IsZero())
	e.refused(e.inst, []sdk.Msg{execMsg(e.inst, e.da, settle)}, "nothing to settle")
	require.Equal(t, before+2000, e.balance(e.issuer.addr, BondDenom), "no second payment")

	e.mustDeliver(e.issuer, execMsg(e.issuer, e.da, map[string]any{"cancel_offer": map[string]any{"market_id": mid, "client_order_id": "offer-1"}}))
	r = e.mustDeliver(e.buyer, execMsg(e.buyer, e.da, settle))
	e.gas["data-asset settle_offer (close)"] = uint64(r.GasUsed)
	require.Equal(t, int64(80), e.balance(e.issuer.addr, shares), "the unfilled shares come back")
	require.Equal(t, before+2000, e.balance(e.issuer.addr, BondDenom))
	b, err := e.app.ExchangeKeeper.GetBalance(e.ctx(), e.da, shares)
	require.NoError(t, err)
	require.True(t, b.Free.IsZero() && b.Locked.IsZero())
	var offer struct {
		Closed      bool   `json:"closed"`
		SettledLots string `json:"settled_lots"`
		Proceeds    string `json:"proceeds"`
	}
	require.NoError(t, e.query(e.da, map[string]any{"offer": map[string]any{"market_id": mid, "client_order_id": "offer-1"}}, &offer))
	require.Equal(t, true, offer.Closed)
	require.Equal(t, "20", offer.SettledLots)
	require.Equal(t, "2000", offer.Proceeds)
	e.refused(e.inst, []sdk.Msg{execMsg(e.inst, e.da, settle)}, "is closed")
	require.Equal(t, int64(80), e.balance(e.issuer.addr, shares))
	logGas(t, e.gas)
}

// The spam attack on licence sales, on the real app: 140 one-share bank
// sends of the dataset's shares (each queued by x/assets for the contract)
// before a purchase. Failed before this change: buy_licence refused with
// more than a page of moves pending ("call sync_moves first"), so anyone
// could make purchases fail for the price of the sends. Now the purchase
// takes effect at once, its revenue waits for the moves made before it,
// and once anyone syncs it is shared by exactly the holdings of that
// moment (80/20), whatever moved after.
func TestDataAsset_ShareSendSpamCannotFailOrDelayALicence(t *testing.T) {
	e := newAssetEnv(t)
	e.mustDeliver(e.issuer, execMsg(e.issuer, e.da, registerMsg(datasetHash)))
	shares := "asset/" + e.da.String() + "/ds1"
	send := func(from, to *detAccount, n int) {
		msgs := make([]sdk.Msg, n)
		for i := range msgs {
			msgs[i] = &banktypes.MsgSend{FromAddress: from.addr.String(), ToAddress: to.addr.String(), Amount: sdk.NewCoins(sdk.NewInt64Coin(shares, 1))}
		}
		e.mustDeliver(from, msgs...)
	}
	send(e.issuer, e.inst, 80)
	send(e.inst, e.issuer, 60) // 141 moves queued with the mint: issuer 80, inst 20
	pub := bytes.Repeat([]byte{9}, 32)
	buy := execMsg(e.buyer, e.da, map[string]any{"buy_licence": map[string]any{"dataset_id": 1, "buyer_pubkey": pub}}, sdk.NewInt64Coin(BondDenom, 1000))
	r := e.mustDeliver(e.buyer, buy)
	e.gas["data-asset buy_licence (141 moves pending)"] = uint64(r.GasUsed)
	// Bounded: the purchase applies at most 5 moves, whatever is pending.
	require.Less(t, r.GasUsed, int64(500_000), "a purchase's gas does not grow with the spam")
	var acc struct {
		HasAccess bool `json:"has_access"`
	}
	require.NoError(t, e.query(e.da, map[string]any{"access": map[string]any{"dataset_id": 1, "address": e.buyer.addr.String()}}, &acc))
	require.True(t, acc.HasAccess, "the licence is active at once")
	send(e.inst, e.issuer, 20) // after the payment: changes nothing of it

	type pos struct {
		Shares    string `json:"shares"`
		Claimable string `json:"claimable"`
	}
	position := func(a sdk.AccAddress) (p pos) {
		require.NoError(t, e.query(e.da, map[string]any{"position": map[string]any{"dataset_id": 1, "address": a.String()}}, &p))
		return p
	}
	r = e.mustDeliver(e.inst, execMsg(e.inst, e.da, map[string]any{"sync_moves": map[string]any{}}))
	e.gas["data-asset sync_moves (100 moves)"] = uint64(r.GasUsed)
	require.Equal(t, "0", position(e.issuer.addr).Claimable, "the payment waits for the moves before it")
	r = e.mustDeliver(e.inst, execMsg(e.inst, e.da, map[string]any{"sync_moves": map[string]any{}}))
	e.gas["data-asset sync_moves (56 moves, 1 deferred payment)"] = uint64(r.GasUsed)
	require.Equal(t, pos{Shares: "100", Claimable: "800"}, position(e.issuer.addr))
	require.Equal(t, pos{Shares: "0", Claimable: "200"}, position(e.inst.addr))
	logGas(t, e.gas)
}

// A contract without a trading licence cannot offer: x/exchange refuses its
// deposit where the state changes (and the router before it), and the
// contract's own writes roll back with it. So does a frozen one. Malformed,
// oversized and overflowing offers are refused with state unchanged.
func TestDataAsset_OfferRefusedCleanlyWithStateUnchanged(t *testing.T) {
	for _, c := range []struct {
		name   string
		roles  []compliancetypes.Role
		freeze bool
		want   string
	}{
		{"issuer licence only", []compliancetypes.Role{compliancetypes.RoleIssuer}, false, "lacks licence role MARKET_MAKER or INSTITUTION for /clearchain.exchange.v1.MsgDeposit"},
		{"frozen contract", []compliancetypes.Role{compliancetypes.RoleIssuer, compliancetypes.RoleInstitution}, true, "frozen"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newAssetEnvRoles(t, c.roles...)
			shares, mid := e.sharesMarket()
			if c.freeze {
				e.freeze(e.da)
			}
			before := e.provenance(1)
			e.refused(e.issuer, []sdk.Msg{execMsg(e.issuer, e.da, offerMsg(mid, "100", "30", "offer-1"), sdk.NewInt64Coin(shares, 30))}, c.want)
			e.offerStateUnchanged(before, shares, mid)
		})
	}

	e := newAssetEnvRoles(t, compliancetypes.RoleIssuer, compliancetypes.RoleInstitution)
	shares, mid := e.sharesMarket()
	before := e.provenance(1)
	thirty := sdk.NewInt64Coin(shares, 30)
	for _, b := range []struct {
		name  string
		msg   any
		funds []sdk.Coin
		want  string
	}{
		{"price above i64", offerMsg(mid, "9223372036854775808", "30", "o"), []sdk.Coin{thirty}, "price/quantity is invalid"},
		{"zero quantity", offerMsg(mid, "100", "0", "o"), nil, "send exactly one coin"},
		{"quantity above u64", offerMsg(mid, "100", "18446744073709551616", "o"), []sdk.Coin{thirty}, "Serialization"},
		{"client id too long", offerMsg(mid, "100", "30", strings.Repeat("c", 65)), []sdk.Coin{thirty}, "client_order_id is invalid"},
		{"client id with a space", offerMsg(mid, "100", "30", "my offer"), []sdk.Coin{thirty}, "client_order_id is invalid"},
		{"fewer shares than offered", offerMsg(mid, "100", "30", "o"), []sdk.Coin{sdk.NewInt64Coin(shares, 29)}, "send the offered quantity"},
		{"unknown market", offerMsg(99, "100", "30", "o"), []sdk.Coin{thirty}, "Querier contract error"},
		{"not the owner's", offerMsg(mid, "100", "30", "o"), []sdk.Coin{sdk.NewInt64Coin(BondDenom, 30)}, "send exactly one coin"},
		{"oversized", offerMsg(mid, "100", "30", strings.Repeat("c", 200_000)), []sdk.Coin{thirty}, ""},
	} {
		var want []string
		if b.want != "" {
			want = append(want, b.want)
		}
		e.refused(e.issuer, []sdk.Msg{execMsg(e.issuer, e.da, b.msg, b.funds...)}, want...)
		e.offerStateUnchanged(before, shares, mid)
	}
	// Someone else than the owner, with shares of its own.
	e.mustDeliver(e.issuer, &banktypes.MsgSend{FromAddress: e.issuer.addr.String(), ToAddress: e.buyer.addr.String(), Amount: sdk.NewCoins(sdk.NewInt64Coin(shares, 5))})
	e.refused(e.buyer, []sdk.Msg{execMsg(e.buyer, e.da, offerMsg(mid, "100", "5", "o"), sdk.NewInt64Coin(shares, 5))}, "only the owner")
}

// offerStateUnchanged: no offer, nothing on the book or the contract's
// exchange balance, the issuer's shares and the history as before.
func (e *assetEnv) offerStateUnchanged(before daProvenance, shares string, mid uint64) {
	e.t.Helper()
	ask, bid := e.depth(mid)
	require.Zero(e.t, ask+bid)
	b, err := e.app.ExchangeKeeper.GetBalance(e.ctx(), e.da, shares)
	require.NoError(e.t, err)
	require.True(e.t, b.Free.IsZero() && b.Locked.IsZero())
	require.Equal(e.t, int64(100), e.balance(e.issuer.addr, shares))
	require.Equal(e.t, before, e.provenance(1))
	var out json.RawMessage
	require.Error(e.t, e.query(e.da, map[string]any{"offer": map[string]any{"market_id": mid, "client_order_id": "offer-1"}}, &out))
	require.Error(e.t, e.query(e.da, map[string]any{"offer": map[string]any{"market_id": mid, "client_order_id": "o"}}, &out))
}

// Liveness of the share-move queue: moves of contract-administered shares
// also happen inside EndBlock (x/exchange sweeps fees to the fee collector
// by bank send), so x/assets' send restriction runs there. It queues the
// move and runs no contract code — a contract that fails, panics or burns
// gas has no say in a send — so settlement goes on and the block commits.
// Here the dataset's shares are the quote of a market with a taker fee: the
// fee sweep in EndBlock is queued for the contract, whose own state (its
// cursor) is untouched until something calls it.
func TestShareMoves_EndBlockFeeSweepIsQueuedWithoutRunningTheContract(t *testing.T) {
	e := newAssetEnv(t)
	reg := registerMsg(datasetHash)
	reg["register"].(map[string]any)["total_shares"] = "1000000"
	e.mustDeliver(e.issuer, execMsg(e.issuer, e.da, reg))
	shares := "asset/" + e.da.String() + "/ds1"
	one := sdkmath.NewInt(1)
	e.mustDeliver(e.regulator, &exchangetypes.MsgCreateMarket{Authority: e.regulator.addr.String(), Market: exchangetypes.Market{
		BaseDenom: BondDenom, QuoteDenom: shares, TickSize: one, LotSize: one, MinNotional: one, TakerFeeBps: 100,
		Mode: exchangetypes.MarketMode_MARKET_MODE_CONTINUOUS,
	}})
	ids, err := exchangeMarketIDs(e.gateEnv, BondDenom)
	require.NoError(t, err)
	var mid uint64
	for _, id := range ids {
		m, err := e.app.ExchangeKeeper.Markets.Get(e.ctx(), id)
		require.NoError(t, err)
		if m.QuoteDenom == shares {
			mid = id
		}
	}
	require.NotZero(t, mid)
	e.mustDeliver(e.issuer, &banktypes.MsgSend{FromAddress: e.issuer.addr.String(), ToAddress: e.buyer.addr.String(),
		Amount: sdk.NewCoins(sdk.NewInt64Coin(shares, 500_000))})
	e.mustDeliver(e.inst, &exchangetypes.MsgDeposit{Owner: e.inst.addr.String(), Amount: sdk.NewInt64Coin(BondDenom, 10_000)},
		&exchangetypes.MsgPlaceOrder{Owner: e.inst.addr.String(), Order: exchangetypes.OrderSpec{MarketId: mid, Side: exchangetypes.Side_SIDE_SELL, Price: 50, Quantity: 1000}})
	queued := func() []assetstypes.ShareMove {
		m, _, err := e.app.AssetsKeeper.PendingMoves(e.ctx(), e.da.String(), 0, 0)
		require.NoError(t, err)
		return m
	}
	before := len(queued())
	feeCollector := authtypes.NewModuleAddress(authtypes.FeeCollectorName)
	feesBefore := e.balance(feeCollector, shares)
	// The buyer takes: 50,000 shares of notional, a 1% taker fee in shares,
	// swept to the fee collector in EndBlock.
	e.mustDeliver(e.buyer, &exchangetypes.MsgDeposit{Owner: e.buyer.addr.String(), Amount: sdk.NewInt64Coin(shares, 60_000)},
		&exchangetypes.MsgPlaceOrder{Owner: e.buyer.addr.String(), Order: exchangetypes.OrderSpec{MarketId: mid, Side: exchangetypes.Side_SIDE_BUY, Price: 50, Quantity: 1000}})
	require.Equal(t, int64(500), e.balance(feeCollector, shares)-feesBefore, "the fee was swept in EndBlock")
	moves := queued()
	require.Len(t, moves, before+2, "the deposit and the EndBlock sweep")
	sweep := moves[len(moves)-1]
	require.Equal(t, "", sweep.From, "x/exchange's escrow")
	require.Equal(t, "", sweep.To, "the fee collector")
	require.Equal(t, "500", sweep.Amount.String())
	require.Equal(t, uint64(e.height), sweep.Height)
	var cursor uint64
	require.NoError(t, e.query(e.da, map[string]any{"move_cursor": map[string]any{}}, &cursor))
	require.Zero(t, cursor, "no contract code ran in the sends")
	// The contract applies them when called; blocks went on meanwhile.
	e.mustDeliver(e.inst, execMsg(e.inst, e.da, map[string]any{"sync_moves": map[string]any{}}))
	require.Empty(t, queued())
}

// sharesMarketFees is sharesMarket with maker and taker fees.
func (e *assetEnv) sharesMarketFees(makerBps int32, takerBps uint32) (string, uint64) {
	e.mustDeliver(e.issuer, execMsg(e.issuer, e.da, registerMsg(datasetHash)))
	shares := "asset/" + e.da.String() + "/ds1"
	one := sdkmath.NewInt(1)
	e.mustDeliver(e.regulator, &exchangetypes.MsgCreateMarket{Authority: e.regulator.addr.String(), Market: exchangetypes.Market{
		BaseDenom: shares, QuoteDenom: BondDenom, TickSize: one, LotSize: one, MinNotional: one,
		Mode: exchangetypes.MarketMode_MARKET_MODE_CONTINUOUS, MakerFeeBps: makerBps, TakerFeeBps: takerBps,
	}})
	ids, err := exchangeMarketIDs(e.gateEnv, shares)
	require.NoError(e.t, err)
	require.Len(e.t, ids, 1)
	return shares, ids[0]
}

// buy has the buyer take lots of the market's asks at price.
func (e *assetEnv) buy(mid uint64, price int64, lots uint64) {
	e.mustDeliver(e.buyer, &exchangetypes.MsgDeposit{Owner: e.buyer.addr.String(), Amount: sdk.NewInt64Coin(BondDenom, 2*price*int64(lots)+100)},
		&exchangetypes.MsgPlaceOrder{Owner: e.buyer.addr.String(), Order: exchangetypes.OrderSpec{MarketId: mid, Side: exchangetypes.Side_SIDE_BUY, Price: price, Quantity: lots}})
}

// Stranded proceeds: an offer fills in part, the seller cancels the rest,
// and nobody settles for 150 blocks — past x/exchange's status window
// (100), which forgets the order's status. Failed before the contract
// order records: settle_offer found "no status" and the 2000 of proceeds
// stayed in the contract for good. Now the offer is a tracked order: the
// exchange keeps its settlement record (also in genesis) until the contract
// acknowledges it, so the late settle pays the seller exactly once and
// returns the unsold shares.
func TestDataAsset_OfferSettledAfterTheStatusWindowPaysOnce(t *testing.T) {
	e := newAssetEnvRoles(t, compliancetypes.RoleIssuer, compliancetypes.RoleInstitution)
	shares, mid := e.sharesMarket()
	e.mustDeliver(e.issuer, execMsg(e.issuer, e.da, offerMsg(mid, "100", "30", "offer-1"), sdk.NewInt64Coin(shares, 30)))
	e.buy(mid, 100, 20)
	e.mustDeliver(e.issuer, execMsg(e.issuer, e.da, map[string]any{"cancel_offer": map[string]any{"market_id": mid, "client_order_id": "offer-1"}}))
	window := e.app.ExchangeKeeper.GetParams(e.ctx()).StatusWindowBlocks
	require.NotZero(t, window)
	for range window + 50 {
		e.deliverRaw()
	}
	_, err := exchangekeeper.NewQuerier(e.app.ExchangeKeeper).OrderStatusByClientID(e.ctx(),
		&exchangetypes.QueryOrderStatusByClientIDRequest{Owner: e.da.String(), ClientOrderId: "offer-1"})
	require.Equal(t, codes.NotFound, status.Code(err), "the status window has passed: %v", err)
	gs, err := e.app.ExchangeKeeper.ExportGenesis(e.ctx())
	require.NoError(t, err)
	require.Len(t, gs.ContractOrders, 1, "the settlement record is exported")
	rec := gs.ContractOrders[0]
	require.Equal(t, exchangetypes.OrderState_ORDER_STATE_CANCELLED, rec.State)
	require.Equal(t, uint64(20), rec.FilledQuantity)
	require.Equal(t, "2000", rec.QuoteFilled.String())
	require.Equal(t, "0", rec.FeesPaid.String())

	before := e.balance(e.issuer.addr, BondDenom)
	settle := map[string]any{"settle_offer": map[string]any{"market_id": mid, "client_order_id": "offer-1"}}
	r := e.mustDeliver(e.inst, execMsg(e.inst, e.da, settle))
	e.gas["data-asset settle_offer (after the status window, close)"] = uint64(r.GasUsed)
	require.Equal(t, before+2000, e.balance(e.issuer.addr, BondDenom), "the seller is paid")
	require.Equal(t, int64(80), e.balance(e.issuer.addr, shares), "the unsold shares come back")
	for _, d := range []string{BondDenom, shares} {
		b, err := e.app.ExchangeKeeper.GetBalance(e.ctx(), e.da, d)
		require.NoError(t, err)
		require.True(t, b.Free.IsZero() && b.Locked.IsZero(), d)
	}
	_, found, err := e.app.ExchangeKeeper.ContractOrder(e.ctx(), e.da, "offer-1")
	require.NoError(t, err)
	require.False(t, found, "the contract acknowledged the record")
	e.refused(e.inst, []sdk.Msg{execMsg(e.inst, e.da, settle)}, "is closed")
	require.Equal(t, before+2000, e.balance(e.issuer.addr, BondDenom), "paid once")
	logGas(t, e.gas)
}

// Positive maker fees: x/exchange charges each maker fill ceil(notional ×
// bps / 10000), so what the contract receives does not follow from the
// lots filled. Failed before: offer_shares refused any market with a maker
// fee above 0. Now settle_offer pays what the settlement record says the
// contract received net of fees: two fills of 7 and 13 lots at 33 pay fees
// of 1 and 1 (a formula on the 20 lots would say 1), the seller gets
// exactly 231-1 + 429-1 = 658, the contract keeps no dust, and nothing is
// paid twice.
func TestDataAsset_OfferOnAFeeMarketPaysExactlyWhatTheContractReceived(t *testing.T) {
	e := newAssetEnvRoles(t, compliancetypes.RoleIssuer, compliancetypes.RoleInstitution)
	shares, mid := e.sharesMarketFees(7, 10)
	e.mustDeliver(e.issuer, execMsg(e.issuer, e.da, offerMsg(mid, "33", "30", "offer-fee"), sdk.NewInt64Coin(shares, 30)))
	settle := map[string]any{"settle_offer": map[string]any{"market_id": mid, "client_order_id": "offer-fee"}}
	before := e.balance(e.issuer.addr, BondDenom)
	contractQuote := func() sdkmath.Int {
		b, err := e.app.ExchangeKeeper.GetBalance(e.ctx(), e.da, BondDenom)
		require.NoError(t, err)
		return b.Free.Add(b.Locked)
	}

	e.buy(mid, 33, 7)
	require.Equal(t, "230", contractQuote().String(), "231 less a maker fee of 1")
	r := e.mustDeliver(e.inst, execMsg(e.inst, e.da, settle))
	e.gas["data-asset settle_offer (fee market)"] = uint64(r.GasUsed)
	require.Equal(t, before+230, e.balance(e.issuer.addr, BondDenom))
	require.True(t, contractQuote().IsZero(), "no dust left owed")
	e.refused(e.inst, []sdk.Msg{execMsg(e.inst, e.da, settle)}, "nothing to settle")

	e.buy(mid, 33, 13)
	rec, found, err := e.app.ExchangeKeeper.ContractOrder(e.ctx(), e.da, "offer-fee")
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, "660", rec.QuoteFilled.String())
	require.Equal(t, "2", rec.FeesPaid.String(), "each fill's fee rounded up on its own")
	e.mustDeliver(e.issuer, execMsg(e.issuer, e.da, map[string]any{"cancel_offer": map[string]any{"market_id": mid, "client_order_id": "offer-fee"}}))
	e.mustDeliver(e.buyer, execMsg(e.buyer, e.da, settle))
	require.Equal(t, before+658, e.balance(e.issuer.addr, BondDenom), "exactly what the contract received")
	require.Equal(t, int64(80), e.balance(e.issuer.addr, shares), "the unsold 10 come back")
	require.True(t, contractQuote().IsZero(), "no dust left owed")
	e.refused(e.inst, []sdk.Msg{execMsg(e.inst, e.da, settle)}, "is closed")
	require.Equal(t, before+658, e.balance(e.issuer.addr, BondDenom), "paid once")
	logGas(t, e.gas)
}

// gcClaimed is a certificate's claim as the Certificate query shows it.
type gcClaimed struct {
	Claim *struct {
		Claimant  string `json:"claimant"`
		Statement string `json:"statement"`
		Height    uint64 `json:"height"`
	} `json:"claim"`
}

func claimMsg(cert uint64, statement string) map[string]any {
	return map[string]any{"claim": map[string]any{"certificate": sdkmath.NewIntFromUint64(cert).String(), "statement": statement}}
}

// wasmAttrs are the attributes of the tx's "wasm" events whose action is
// action.
func wasmAttrs(r *abci.ExecTxResult, action string) map[string]string {
	for _, ev := range r.Events {
		if ev.Type != "wasm" {
			continue
		}
		m := map[string]string{}
		for _, a := range ev.Attributes {
			m[a.Key] = a.Value
		}
		if m["action"] == action {
			return m
		}
	}
	return nil
}

// TestGreenCredit_ClaimTwiceSecondRefused: "two claims on one retirement"
// through the real chain. The institution retires 30 credits for the
// buyer's account (the beneficiary) and claims the certificate: the claim
// is stored in the certificate and the contract's wasm event
// (action=claim, certificate_id, batch_id, claimant, first/last_serial)
// is one surveillance reads as a claim without alerting. A second claim,
// by the same account or by the beneficiary, is refused naming the first
// claimant and its height; a stranger's claim is refused; the certificate
// stays byte-identical. Surveillance fed the real event twice (what a
// registry without the once-only check would emit) raises a double claim.
// Before the contract had a claim action, the first claim failed
// (unknown variant `claim`).
func TestGreenCredit_ClaimTwiceSecondRefused(t *testing.T) {
	e := newCreditEnv(t)
	e.mustDeliver(e.issuer, execMsg(e.issuer, e.gc, issueMsg("1000", "100", e.inst.addr)))
	denom := e.batches()[0].Denom
	e.mustDeliver(e.inst, execMsg(e.inst, e.gc, map[string]any{"retire": map[string]any{"beneficiary": e.buyer.addr.String(), "reason": "2026 scope 2"}},
		sdk.NewInt64Coin(denom, 30)))

	r := e.mustDeliver(e.inst, execMsg(e.inst, e.gc, claimMsg(1, "2026 scope 2: 30 MWh solar")))
	e.gas["green-credit claim"] = uint64(r.GasUsed)
	ev := wasmAttrs(r, "claim")
	require.NotNil(t, ev, "no wasm event with action=claim: %v", r.Events)
	for k, v := range map[string]string{"_contract_address": e.gc.String(), "certificate_id": "1", "batch_id": "1",
		"claimant": e.inst.addr.String(), "first_serial": "1000", "last_serial": "1029"} {
		require.Equal(t, v, ev[k], "attribute %s", k)
	}
	var c gcClaimed
	require.NoError(t, e.query(e.gc, map[string]any{"certificate": map[string]any{"id": 1}}, &c))
	require.NotNil(t, c.Claim)
	require.Equal(t, e.inst.addr.String(), c.Claim.Claimant)
	require.Equal(t, "2026 scope 2: 30 MWh solar", c.Claim.Statement)
	first := c.Claim.Height
	certBytes := func() []byte {
		bz, err := e.app.WasmKeeper.QuerySmart(e.ctx(), e.gc, []byte(`{"certificate":{"id":1}}`))
		require.NoError(t, err)
		return bz
	}
	before := certBytes()

	// The second claim: by the beneficiary account, and by the claimant again.
	want := fmt.Sprintf("certificate 1 was already claimed by %s at height %d", e.inst.addr, first)
	e.refused(e.buyer, []sdk.Msg{execMsg(e.buyer, e.gc, claimMsg(1, "ours too"))}, want)
	e.refused(e.inst, []sdk.Msg{execMsg(e.inst, e.gc, claimMsg(1, "again"))}, want)
	// A stranger (the issuer who sold the credits), an unknown certificate.
	e.refused(e.issuer, []sdk.Msg{execMsg(e.issuer, e.gc, claimMsg(1, "mine"))}, "may not claim certificate 1")
	e.refused(e.inst, []sdk.Msg{execMsg(e.inst, e.gc, claimMsg(2, "x"))}, "certificate 2 not found")
	require.Equal(t, string(before), string(certBytes()), "a refused claim changed the certificate")

	// Surveillance reads the real event: once is no alert, twice is.
	eng := surveillance.New(surveillance.DefaultParams())
	require.Empty(t, eng.ProcessBlock(1, blockTime(1), r.Events))
	alerts := eng.ProcessBlock(2, blockTime(2), r.Events)
	require.Len(t, alerts, 1)
	require.Equal(t, surveillance.DetCreditDoubleClaim, alerts[0].Detector)
	logGas(t, e.gas)
}
