package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSurveilCatchesWashTrade: on a running node, two licensed entities
// under one parent (an ownership group) trade with each other twice; the
// real clear-surveil binary, following the node's RPC, raises a wash_trade
// alert naming both entities, the group and the trades, serves it on its
// auditor page, and after a restart resumes from its stored height without
// repeating the alert. On the same node the bundled green-credit contract
// refuses a re-issue of serials it issued and two moves (through the
// contract, and a bank send) of credits their holder retired: clear-surveil
// reads those refused txs (/block) and raises a credit_double_issuance and
// two credit_transfer_after_retirement alerts naming each refused tx, kept
// once across the restart.
func TestSurveilCatchesWashTrade(t *testing.T) {
	n := startSingleNode(t, "e2e-surveil-1", "5299000SURVVALIDATOR",
		[]string{"validator", "regulator", "issuer", "desk_a", "desk_b", "client"}, nil)
	tx := func(from string, args ...string) { t.Helper(); n.tx(from, args...) }
	query, addr, dir, rpc := n.query, n.addr, n.dir, n.rpc
	webPort := freePort(t)
	entityID := func(lei string) string {
		var r struct {
			Entities []struct{ ID, Lei string } `json:"entities"`
		}
		if err := json.Unmarshal([]byte(query("compliance", "entities")), &r); err != nil {
			t.Fatal(err)
		}
		for _, e := range r.Entities {
			if e.Lei == lei {
				return e.ID
			}
		}
		t.Fatalf("no entity %s", lei)
		return ""
	}

	// One parent, two trading desks registered as separate legal entities
	// under it, an unrelated client, and an issuer.
	tx("regulator", "compliance", "register-entity", "Holding Group plc", "5493000HOLDINGGRP001", "GB", "--reason", "onboarding")
	parent := entityID("5493000HOLDINGGRP001")
	tx("regulator", "compliance", "register-entity", "Desk A Ltd", "5493000HOLDINGDESKA1", "GB", "--parent-id", parent, "--reason", "onboarding")
	tx("regulator", "compliance", "register-entity", "Desk B GmbH", "5493000HOLDINGDESKB1", "DE", "--parent-id", parent, "--reason", "onboarding")
	tx("regulator", "compliance", "register-entity", "Client SA", "969500CLIENTSA000001", "FR", "--reason", "onboarding")
	tx("regulator", "compliance", "register-entity", "Issuer Ltd", "213800ISSUERLTD00001", "DE", "--reason", "onboarding")
	entA, entB := entityID("5493000HOLDINGDESKA1"), entityID("5493000HOLDINGDESKB1")
	tx("regulator", "compliance", "grant-licence", addr["desk_a"], entA, "institution", "--reason", "onboarding")
	tx("regulator", "compliance", "grant-licence", addr["desk_b"], entB, "institution", "--reason", "onboarding")
	tx("regulator", "compliance", "grant-licence", addr["client"], entityID("969500CLIENTSA000001"), "institution", "--reason", "onboarding")
	tx("regulator", "compliance", "grant-licence", addr["issuer"], entityID("213800ISSUERLTD00001"), "issuer", "--reason", "onboarding")
	tx("issuer", "assets", "create", "eurc", "Euro cash token", "cash", "--decimals", "6")
	tx("issuer", "assets", "create", "wthr", "Weather dataset shares", "data-asset", "--decimals", "0")
	eurc, wthr := "asset/"+addr["issuer"]+"/eurc", "asset/"+addr["issuer"]+"/wthr"
	for _, who := range []string{"desk_a", "desk_b", "client"} {
		tx("issuer", "assets", "mint", eurc, "1000000000", addr[who])
		tx("issuer", "assets", "mint", wthr, "1000", addr[who])
	}
	tx("regulator", "exchange", "create-market", fmt.Sprintf(`{"base_denom":%q,"quote_denom":%q,"tick_size":"1","lot_size":"1","min_notional":"1","maker_fee_bps":0,"taker_fee_bps":10,"mode":"MARKET_MODE_CONTINUOUS"}`, wthr, eurc))
	for _, who := range []string{"desk_a", "desk_b", "client"} {
		tx(who, "exchange", "deposit", "500000000"+eurc)
		tx(who, "exchange", "deposit", "500"+wthr)
	}
	order := func(side string, price, qty int) string {
		return fmt.Sprintf(`{"market_id":1,"side":"SIDE_%s","price":%d,"quantity":%d}`, side, price, qty)
	}
	// Normal business first: the client trades with each desk.
	tx("client", "exchange", "place", order("SELL", 1250, 5))
	tx("desk_a", "exchange", "place", order("BUY", 1250, 5))
	// The wash: desk A sells to desk B, and B sells it back.
	washStart := latestHeight(t, rpc) + 1
	tx("desk_a", "exchange", "place", order("SELL", 1251, 10))
	tx("desk_b", "exchange", "place", order("BUY", 1251, 10))
	tx("desk_b", "exchange", "place", order("SELL", 1252, 10))
	tx("desk_a", "exchange", "place", order("BUY", 1252, 10))
	washHeight := latestHeight(t, rpc)

	// Green credits: the bundled contract, licensed as an ISSUER, issues a
	// batch to the client, who retires all of it. Then two attempts the
	// chain refuses (they fail in their blocks): the issuer re-issues
	// serials of the batch, and the client tries to move the credits it
	// retired (burned) through the contract.
	gc := deployGreenCredit(t, n, "issuer")
	tx("regulator", "compliance", "grant-licence", gc, entityID("213800ISSUERLTD00001"), "issuer", "--reason", "green-credit registry")
	n.txGas("issuer", 1000000, "wasm", "execute", gc, `{"issue":{"project":"E2E Wind","technology":"wind","region":"PT","vintage":2026,"mwh":"100","first_serial":"5000","recipient":"`+addr["client"]+`"}}`)
	credit := "asset/" + gc + "/gc1"
	n.txGas("client", 1000000, "wasm", "execute", gc, `{"retire":{"beneficiary":"Client SA","reason":"scope 2"}}`, "--amount", "100"+credit)
	reissueHash, _ := n.txRefused("issuer", "wasm", "execute", gc, `{"issue":{"project":"Overlap","technology":"wind","region":"PT","vintage":2026,"mwh":"10","first_serial":"5050"}}`)
	moveHash, _ := n.txRefused("client", "wasm", "execute", gc, `{"transfer":{"recipient":"`+addr["desk_a"]+`"}}`, "--amount", "100"+credit)
	// The same move as a plain bank send of the burned denom.
	sendHash, creditHeight := n.txRefused("client", "bank", "send", addr["client"], addr["desk_a"], "100"+credit)

	// The real clear-surveil binary follows the node.
	bin := filepath.Join(dir, "clear-surveil")
	build := exec.Command("go", "build", "-o", bin, "./cmd/clear-surveil")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building clear-surveil: %v\n%s", err, out)
	}
	shome := filepath.Join(dir, "surveil")
	web := fmt.Sprintf("http://127.0.0.1:%d", webPort)
	run := func(tag string, extra ...string) (*exec.Cmd, *bytes.Buffer) {
		var logs bytes.Buffer
		cmd := exec.Command(bin, append([]string{"--node", rpc, "--home", shome, "--listen", fmt.Sprintf("127.0.0.1:%d", webPort),
			"--poll", "200ms", "--log-every", "10"}, extra...)...)
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if cmd.ProcessState == nil {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
			}
			if t.Failed() {
				t.Logf("clear-surveil (%s) log:\n%s", tag, lastLines(logs.String(), 30))
			}
		})
		return cmd, &logs
	}
	type alert struct {
		ID, Detector   string
		Height, Market int64
		Group          uint64
		Entities       []uint64
		Accounts       []string
		TradeIDs       []string `json:"trade_ids"`
		Evidence       string
	}
	washAlerts := func() []alert {
		var as []alert
		resp, err := http.Get(web + "/api/alerts?detector=wash_trade")
		if err != nil {
			return nil
		}
		defer resp.Body.Close()
		_ = json.NewDecoder(resp.Body).Decode(&as)
		return as
	}
	waitFollowed := func(h int64) {
		deadline := time.Now().Add(60 * time.Second)
		for time.Now().Before(deadline) {
			var st struct{ Height int64 }
			if resp, err := http.Get(web + "/healthz"); err == nil {
				_ = json.NewDecoder(resp.Body).Decode(&st)
				resp.Body.Close()
				if st.Height >= h {
					return
				}
			}
			time.Sleep(200 * time.Millisecond)
		}
		t.Fatalf("clear-surveil did not follow to height %d", h)
	}

	creditAlerts := func(det string) []creditAlert {
		var as []creditAlert
		resp, err := http.Get(web + "/api/alerts?detector=" + det)
		if err != nil {
			return nil
		}
		defer resp.Body.Close()
		_ = json.NewDecoder(resp.Body).Decode(&as)
		return as
	}
	checkAttempts := func(when string) {
		t.Helper()
		for _, c := range []struct {
			det    string
			hashes []string
			signer string
		}{
			{"credit_double_issuance", []string{reissueHash}, addr["issuer"]},
			{"credit_transfer_after_retirement", []string{moveHash, sendHash}, addr["client"]},
		} {
			as := creditAlerts(c.det)
			var got []string
			for _, a := range as {
				if a.Refused.Signer != c.signer || a.Refused.Code == 0 || !strings.Contains(a.Evidence, "refused by the chain") {
					t.Fatalf("%s: %s alert %+v: want signer %s, a non-zero code, the refusal in the evidence", when, c.det, a, c.signer)
				}
				got = append(got, a.Refused.Hash)
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(c.hashes))
			if !slices.Equal(got, want) {
				t.Fatalf("%s: %s alerts on refused txs %v, want %v: %+v", when, c.det, got, want, as)
			}
		}
	}

	cmd, logs := run("first")
	waitFollowed(washHeight)
	waitFollowed(creditHeight)
	checkAttempts("first run")
	as := washAlerts()
	if len(as) != 1 {
		t.Fatalf("want one wash_trade alert, got %+v", as)
	}
	a := as[0]
	p, _ := strconv.ParseUint(parent, 10, 64)
	if a.Group != p || fmt.Sprint(a.Entities) != fmt.Sprintf("[%s %s]", entA, entB) || len(a.TradeIDs) != 2 ||
		strings.Join(a.Accounts, ",") != strings.Join(sorted(addr["desk_a"], addr["desk_b"]), ",") {
		t.Fatalf("alert: %+v (parent %s, desks %s %s)", a, parent, entA, entB)
	}
	resp, err := http.Get(web + "/alert?id=" + a.ID)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := readAll(resp)
	if !strings.Contains(page, addr["desk_b"]) || !strings.Contains(page, "ownership group "+parent) {
		t.Fatalf("auditor page:\n%s", page)
	}
	if !strings.Contains(logs.String(), "ALERT") || !strings.Contains(logs.String(), "progress") {
		t.Fatalf("log lacks the alert or progress:\n%s", logs.String())
	}

	// Restart: it resumes from its stored height; the alert stays, once.
	_ = cmd.Process.Signal(os.Interrupt)
	_ = cmd.Wait()
	cmd2, logs2 := run("second")
	waitFollowed(latestHeight(t, rpc))
	if !strings.Contains(logs2.String(), "resuming") {
		t.Fatalf("second run did not resume:\n%s", logs2.String())
	}
	if as := washAlerts(); len(as) != 1 || as[0].ID != a.ID {
		t.Fatalf("after restart: %+v", as)
	}
	checkAttempts("after restart")
	_ = cmd2.Process.Signal(os.Interrupt)
	_ = cmd2.Wait()

	// A fresh follower starting after the entities were registered sees no
	// registration event: it learns the ownership from the node's
	// compliance module (as for entities registered at genesis). Without
	// that query, the two desks look unrelated.
	for _, c := range []struct {
		fromNode string
		want     int
	}{{"true", 1}, {"false", 0}} {
		shome = filepath.Join(dir, "surveil-from-"+c.fromNode)
		cmd3, _ := run("from-node="+c.fromNode, "--from-height", strconv.FormatInt(washStart, 10), "--entities-from-node="+c.fromNode)
		waitFollowed(latestHeight(t, rpc))
		if as := washAlerts(); len(as) != c.want {
			t.Fatalf("--entities-from-node=%s from height %d: want %d wash alerts, got %+v", c.fromNode, washStart, c.want, as)
		}
		_ = cmd3.Process.Signal(os.Interrupt)
		_ = cmd3.Wait()
	}
}

// creditAlert is the part of a green-credit attempt alert the test reads.
type creditAlert struct {
	ID, Detector string
	Evidence     string
	Refused      struct {
		Hash   string
		Signer string
		Code   uint32
		Height int64
	} `json:"refused_tx"`
}

// deployGreenCredit stores and instantiates the bundled green-credit
// contract (contracts-wasm/artifacts) as key and returns its address.
func deployGreenCredit(t *testing.T, n *singleNode, key string) string {
	t.Helper()
	n.txGas(key, 6000000, "wasm", "store", filepath.Join("..", "..", "contracts-wasm", "artifacts", "green_credit.wasm"))
	var codes struct {
		CodeInfos []struct {
			CodeID string `json:"code_id"`
		} `json:"code_infos"`
	}
	if err := json.Unmarshal([]byte(n.query("wasm", "list-code")), &codes); err != nil || len(codes.CodeInfos) == 0 {
		t.Fatalf("list-code: %v %+v", err, codes)
	}
	code := codes.CodeInfos[len(codes.CodeInfos)-1].CodeID
	n.txGas(key, 1000000, "wasm", "instantiate", code, `{"name":"E2ECredit"}`, "--label", "green-credit", "--admin", n.addr[key])
	var cs struct {
		Contracts []string `json:"contracts"`
	}
	if err := json.Unmarshal([]byte(n.query("wasm", "list-contract-by-code", code)), &cs); err != nil || len(cs.Contracts) == 0 {
		t.Fatalf("list-contract-by-code: %v %+v", err, cs)
	}
	return cs.Contracts[len(cs.Contracts)-1]
}

// txGas is tx with a gas limit of its own (a code upload needs more).
func (n *singleNode) txGas(from string, gas int, args ...string) int64 {
	n.t.Helper()
	h, code, hash := n.broadcast(from, gas, args...)
	if code != 0 {
		n.t.Fatalf("tx %v (%s) failed in its block with code %d", args, hash, code)
	}
	return h
}

// txRefused sends a tx the node accepts at broadcast and refuses in its
// block (non-zero code); it returns the tx hash and the block's height.
func (n *singleNode) txRefused(from string, args ...string) (string, int64) {
	n.t.Helper()
	h, code, hash := n.broadcast(from, 1000000, args...)
	if code == 0 {
		n.t.Fatalf("tx %v (%s) succeeded; want it refused in its block", args, hash)
	}
	return hash, h
}

func (n *singleNode) broadcast(from string, gas int, args ...string) (height int64, code uint32, hash string) {
	t := n.t
	t.Helper()
	full := append(append([]string{"tx"}, args...), "--from", from, "--chain-id", n.chainID, "--node", n.rpc,
		"--gas", strconv.Itoa(gas), "--fees", strconv.Itoa(gas/100)+"uclear", "--yes", "--output", "json")
	out := mustCleard(t, append(full, n.kr...)...)
	var r struct {
		Code   uint32 `json:"code"`
		TxHash string `json:"txhash"`
		RawLog string `json:"raw_log"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || r.Code != 0 {
		t.Fatalf("tx %v refused at broadcast: %v %s", args, err, out)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if h, code, ok := txResult(n.rpc, r.TxHash); ok {
			return h, code, r.TxHash
		}
		time.Sleep(150 * time.Millisecond)
	}
	t.Fatalf("tx %v (%s) not committed", args, r.TxHash)
	return 0, 0, ""
}

func sorted(a, b string) []string {
	if a > b {
		return []string{b, a}
	}
	return []string{a, b}
}

func readAll(resp *http.Response) (string, error) {
	defer resp.Body.Close()
	var b bytes.Buffer
	_, err := b.ReadFrom(resp.Body)
	return b.String(), err
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func editJSON(t *testing.T, path string, f func(map[string]any)) {
	t.Helper()
	bz, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var g map[string]any
	if err := json.Unmarshal(bz, &g); err != nil {
		t.Fatal(err)
	}
	f(g)
	if bz, err = json.MarshalIndent(g, "", " "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, bz, 0o644); err != nil {
		t.Fatal(err)
	}
}
