package e2e

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	dbm "github.com/cosmos/cosmos-db"

	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/client"
	clienttx "github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/crypto/hd"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	signingtypes "github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/clearchain/clearchain/app"
)

const crashBasePort = 27300 // 27300-27309: clear of the demo, localnet and test-localnet

// TestCrashRecovery kills a single validator with SIGKILL while bank sends
// stream in, restarts it, and checks that it resumes from the same state:
// the block and app hashes of every height committed before the kill are
// unchanged, every tx committed before the kill is still there with its
// height and code, the recipient's balance at the last pre-kill height is
// what those txs add up to, and the chain goes on committing new txs.
func TestCrashRecovery(t *testing.T) {
	needBinary(t)
	dir := t.TempDir()
	net := filepath.Join(dir, "net")
	const chainID = "e2e-crash-1"
	mustCleard(t, "testnet", "init-files", "--validators", "1", "--output-dir", net, "--chain-id", chainID,
		"--base-port", strconv.Itoa(crashBasePort), "--commit-timeout", "300ms", "--enable-api=false")
	home := filepath.Join(net, "node0")
	rpc := fmt.Sprintf("http://127.0.0.1:%d", crashBasePort+1)

	var seed struct{ Address, Secret string }
	bz, err := os.ReadFile(filepath.Join(home, "key_seed.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(bz, &seed); err != nil {
		t.Fatal(err)
	}
	s := newSender(t, chainID, seed.Secret, rpc)

	node := startNode(t, home, filepath.Join(dir, "node0.log"))
	waitHeight(t, rpc, 2, 60*time.Second)
	accNum, seq := s.account(t, home, seed.Address)
	s.accNum, s.seq = accNum, seq

	// Stream sends, about 25 a second, until told to stop.
	recipient := sdk.AccAddress([]byte("e2e-crash-recipient0")).String()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var sent []sentTx // accepted by CheckTx
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 2000; i++ {
			select {
			case <-stop:
				return
			case <-time.After(40 * time.Millisecond):
			}
			amount := int64(1000 + i)
			hash, err := s.send(recipient, amount)
			if err != nil {
				continue // e.g. the node is being killed
			}
			mu.Lock()
			sent = append(sent, sentTx{hash: hash, amount: amount})
			mu.Unlock()
		}
	}()

	// Let some blocks with txs commit, then record the committed history
	// and kill the node while the sends go on.
	waitHeight(t, rpc, latestHeight(t, rpc)+6, 60*time.Second)
	hk := latestHeight(t, rpc)
	history := map[int64][2]string{}
	for h := int64(1); h <= hk; h++ {
		history[h] = blockHashes(t, rpc, h)
	}
	// The tx indexer runs after the commit: wait for the next block so that
	// every tx of block hk is indexed before it is looked up.
	waitHeight(t, rpc, hk+1, 60*time.Second)
	mu.Lock()
	candidates := append([]sentTx(nil), sent...)
	mu.Unlock()
	var committed []sentTx
	var want int64
	for _, tx := range candidates {
		if h, code, ok := txResult(rpc, tx.hash); ok && h <= hk {
			if code != 0 {
				t.Fatalf("tx %s failed with code %d", tx.hash, code)
			}
			tx.height = h
			committed = append(committed, tx)
			want += tx.amount
		}
	}
	balanceBefore := s.balance(t, home, rpc, recipient, hk)
	if balanceBefore != want || len(committed) == 0 {
		t.Fatalf("before the kill: balance at height %d is %d, the %d committed txs add up to %d", hk, balanceBefore, len(committed), want)
	}
	if err := node.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = node.Wait()
	time.Sleep(500 * time.Millisecond) // sends fail while it is down
	close(stop)
	wg.Wait()
	t.Logf("SIGKILL after height %d, with %d txs committed by then (recipient balance %d) and %d accepted by CheckTx in all",
		hk, len(committed), balanceBefore, len(sent))

	// Restart on the same home.
	node = startNode(t, home, filepath.Join(dir, "node0.log"))
	waitHeight(t, rpc, hk+3, 90*time.Second)
	for h := int64(1); h <= hk; h++ {
		if got := blockHashes(t, rpc, h); got != history[h] {
			t.Fatalf("height %d: block/app hash %v after the restart, %v before", h, got, history[h])
		}
	}
	t.Logf("heights 1..%d: same block and app hashes after the restart (height %d: block %s app_hash %s)",
		hk, hk, history[hk][0], history[hk][1])
	for _, tx := range committed {
		h, code, ok := txResult(rpc, tx.hash)
		if !ok || h != tx.height || code != 0 {
			t.Fatalf("tx %s (height %d) after the restart: found=%v height=%d code=%d", tx.hash, tx.height, ok, h, code)
		}
	}
	if got := s.balance(t, home, rpc, recipient, hk); got != balanceBefore {
		t.Fatalf("balance at height %d is %d after the restart, %d before", hk, got, balanceBefore)
	}
	// Everything that made it into a block (before or after the kill) is
	// in the latest balance; nothing else is.
	latest := latestHeight(t, rpc)
	var all int64
	for _, tx := range sent { // every tx CheckTx accepted, up to the end of the sends
		if h, code, ok := txResult(rpc, tx.hash); ok && code == 0 && h <= latest {
			all += tx.amount
		}
	}
	if got := s.balance(t, home, rpc, recipient, latest); got != all {
		t.Fatalf("balance at height %d is %d, the committed txs add up to %d", latest, got, all)
	}
	t.Logf("balance at height %d after the restart: %d = the sum of every committed tx", latest, all)
	// And it goes on: a new tx with the sequence the chain now expects.
	s.accNum, s.seq = s.account(t, home, seed.Address)
	hash, err := s.send(recipient, 7)
	if err != nil {
		t.Fatalf("send after the restart: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if h, code, ok := txResult(rpc, hash); ok {
			if code != 0 {
				t.Fatalf("tx after the restart failed with code %d", code)
			}
			t.Logf("restarted node committed a new tx at height %d; %d txs committed before the kill all found", h, len(committed))
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the tx after the restart was not committed within 30 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
	_ = node.Process.Signal(syscall.SIGTERM)
}

type sentTx struct {
	hash   string
	amount int64
	height int64
}

func startNode(t *testing.T, home, logFile string) *exec.Cmd {
	t.Helper()
	f, err := os.OpenFile(logFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(cleardBin, "start", "--home", home, "--log_level", "info", "--log_no_color")
	cmd.Env = append(os.Environ(), "HOME="+fakeHome)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		_ = f.Close()
		if t.Failed() {
			if bz, err := os.ReadFile(logFile); err == nil {
				lines := strings.Split(strings.TrimSpace(string(bz)), "\n")
				if len(lines) > 15 {
					lines = lines[len(lines)-15:]
				}
				t.Logf("last lines of %s:\n%s", logFile, strings.Join(lines, "\n"))
			}
		}
	})
	return cmd
}

var httpClient = &http.Client{Timeout: 5 * time.Second}

// rpcGet GETs a CometBFT RPC path and decodes its "result".
func rpcGet(rpc, path string, out any) error {
	resp, err := httpClient.Get(rpc + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	bz, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var env struct {
		Result json.RawMessage `json:"result"`
		Error  json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(bz, &env); err != nil {
		return err
	}
	if len(env.Error) > 0 && string(env.Error) != "null" {
		return fmt.Errorf("rpc %s: %s", path, env.Error)
	}
	return json.Unmarshal(env.Result, out)
}

func latestHeight(t *testing.T, rpc string) int64 {
	t.Helper()
	var st struct {
		SyncInfo struct {
			LatestBlockHeight string `json:"latest_block_height"`
		} `json:"sync_info"`
	}
	if err := rpcGet(rpc, "/status", &st); err != nil {
		t.Fatalf("status: %v", err)
	}
	h, _ := strconv.ParseInt(st.SyncInfo.LatestBlockHeight, 10, 64)
	return h
}

func waitHeight(t *testing.T, rpc string, h int64, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		var st struct {
			SyncInfo struct {
				LatestBlockHeight string `json:"latest_block_height"`
			} `json:"sync_info"`
		}
		if rpcGet(rpc, "/status", &st) == nil {
			if got, _ := strconv.ParseInt(st.SyncInfo.LatestBlockHeight, 10, 64); got >= h {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s did not reach height %d within %s", rpc, h, timeout)
}

// blockHashes returns block h's hash and the app hash in its header.
func blockHashes(t *testing.T, rpc string, h int64) [2]string {
	t.Helper()
	var b struct {
		BlockID struct {
			Hash string `json:"hash"`
		} `json:"block_id"`
		Block struct {
			Header struct {
				AppHash string `json:"app_hash"`
			} `json:"header"`
		} `json:"block"`
	}
	if err := rpcGet(rpc, fmt.Sprintf("/block?height=%d", h), &b); err != nil {
		t.Fatalf("block %d: %v", h, err)
	}
	return [2]string{b.BlockID.Hash, b.Block.Header.AppHash}
}

// txResult looks a tx up by hash: its height and result code.
func txResult(rpc, hash string) (height int64, code uint32, ok bool) {
	var r struct {
		Height   string `json:"height"`
		TxResult struct {
			Code uint32 `json:"code"`
		} `json:"tx_result"`
	}
	if err := rpcGet(rpc, "/tx?hash=0x"+hash, &r); err != nil {
		return 0, 0, false
	}
	h, _ := strconv.ParseInt(r.Height, 10, 64)
	return h, r.TxResult.Code, true
}

// sender signs bank sends in-process and broadcasts them with
// broadcast_tx_sync, tracking the sequence itself (a CLI per tx would
// read a stale sequence from the last block).
type sender struct {
	chainID     string
	rpc         string
	txConfig    client.TxConfig
	priv        cryptotypes.PrivKey
	from        sdk.AccAddress
	accNum, seq uint64
}

func newSender(t *testing.T, chainID, mnemonic, rpc string) *sender {
	t.Helper()
	app.SetAddressPrefixes()
	a, err := app.New(log.NewNopLogger(), dbm.NewMemDB(), false, simtestutil.NewAppOptionsWithFlagHome(t.TempDir()), nil)
	if err != nil {
		t.Fatal(err)
	}
	derived, err := hd.Secp256k1.Derive()(mnemonic, "", sdk.FullFundraiserPath)
	if err != nil {
		t.Fatal(err)
	}
	priv := hd.Secp256k1.Generate()(derived)
	return &sender{chainID: chainID, rpc: rpc, txConfig: a.TxConfig(), priv: priv, from: sdk.AccAddress(priv.PubKey().Address())}
}

// send broadcasts one signed transfer; on CheckTx success it advances the
// sequence and returns the tx hash.
func (s *sender) send(to string, amount int64) (string, error) {
	toAddr, err := sdk.AccAddressFromBech32(to)
	if err != nil {
		return "", err
	}
	b := s.txConfig.NewTxBuilder()
	if err := b.SetMsgs(banktypes.NewMsgSend(s.from, toAddr, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, amount)))); err != nil {
		return "", err
	}
	b.SetGasLimit(200_000)
	b.SetFeeAmount(sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 2000)))
	mode := signingtypes.SignMode_SIGN_MODE_DIRECT
	if err := b.SetSignatures(signingtypes.SignatureV2{
		PubKey: s.priv.PubKey(), Data: &signingtypes.SingleSignatureData{SignMode: mode}, Sequence: s.seq,
	}); err != nil {
		return "", err
	}
	sig, err := clienttx.SignWithPrivKey(context.Background(), mode, authsigning.SignerData{
		ChainID: s.chainID, AccountNumber: s.accNum, Sequence: s.seq, PubKey: s.priv.PubKey(), Address: s.from.String(),
	}, b, s.priv, s.txConfig, s.seq)
	if err != nil {
		return "", err
	}
	if err := b.SetSignatures(sig); err != nil {
		return "", err
	}
	bz, err := s.txConfig.TxEncoder()(b.GetTx())
	if err != nil {
		return "", err
	}
	var res struct {
		Code uint32 `json:"code"`
		Log  string `json:"log"`
		Hash string `json:"hash"`
	}
	if err := rpcGet(s.rpc, "/broadcast_tx_sync?tx=0x"+hex.EncodeToString(bz), &res); err != nil {
		return "", err
	}
	if res.Code != 0 {
		return "", fmt.Errorf("CheckTx code %d: %s", res.Code, res.Log)
	}
	s.seq++
	return res.Hash, nil
}

// account returns the account number and sequence of addr, from the CLI.
func (s *sender) account(t *testing.T, home, addr string) (uint64, uint64) {
	t.Helper()
	out := mustCleard(t, "query", "auth", "account", addr, "--home", home, "--node", strings.Replace(s.rpc, "http", "tcp", 1), "--output", "json")
	var v any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("query auth account: %v\n%s", err, out)
	}
	num, seq := findField(v, "account_number"), findField(v, "sequence")
	n, _ := strconv.ParseUint(num, 10, 64)
	q, _ := strconv.ParseUint(seq, 10, 64)
	return n, q
}

// balance returns addr's uclear balance at height h, from the CLI.
func (s *sender) balance(t *testing.T, home, rpc, addr string, h int64) int64 {
	t.Helper()
	out := mustCleard(t, "query", "bank", "balance", addr, app.BondDenom, "--height", strconv.FormatInt(h, 10),
		"--home", home, "--node", strings.Replace(rpc, "http", "tcp", 1), "--output", "json")
	var r struct {
		Balance struct {
			Amount string `json:"amount"`
		} `json:"balance"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("query bank balance: %v\n%s", err, out)
	}
	if r.Balance.Amount == "" {
		return 0
	}
	n, err := strconv.ParseInt(r.Balance.Amount, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// findField finds the first string or number field called key in a
// decoded JSON value; "0" if absent (proto JSON omits zero values).
func findField(v any, key string) string {
	switch x := v.(type) {
	case map[string]any:
		if f, ok := x[key]; ok {
			return fmt.Sprint(f)
		}
		for _, c := range x {
			if s := findField(c, key); s != "0" {
				return s
			}
		}
	case []any:
		for _, c := range x {
			if s := findField(c, key); s != "0" {
				return s
			}
		}
	}
	return "0"
}
