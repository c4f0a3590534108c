package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clearchain/clearchain/client"
	streamtypes "github.com/clearchain/clearchain/stream/types"
)

const streamBasePort = 27360 // 27360-27369: clear of the other e2e tests, the localnets and the demo

// grpcurlBin installs the pinned grpcurl into .cache/bin (idempotent) and
// returns its path.
func grpcurlBin(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", filepath.Join(root, "scripts", "install-grpcurl.sh"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("install-grpcurl.sh: %v\n%s", err, out)
	}
	return filepath.Join(root, ".cache", "bin", "grpcurl")
}

// TestStreamNode runs the real cleard: grpcurl lists and describes the
// Stream service through server reflection (no proto files) and receives a
// committed snapshot from a subscription; a Go client follows the stream,
// the node is stopped (SIGTERM) and restarted, and the client resumes with
// its last sequence: the replay buffer was saved in the node's data dir
// (stream/replaystore.go), so the epoch continues and the client gets the
// missed updates replayed, no snapshot. Then the node is stopped again,
// its replay store removed, and restarted: the client's resume point
// belongs to an epoch the node no longer knows, so it gets a snapshot
// flagged reset, then updates in sequence again.
func TestStreamNode(t *testing.T) {
	needBinary(t)
	dir := t.TempDir()
	net := filepath.Join(dir, "net")
	const chainID = "e2e-stream-1"
	mustCleard(t, "testnet", "init-files", "--validators", "1", "--output-dir", net, "--chain-id", chainID,
		"--base-port", strconv.Itoa(streamBasePort), "--commit-timeout", "300ms", "--enable-api=false")
	home := filepath.Join(net, "node0")
	rpc := fmt.Sprintf("http://127.0.0.1:%d", streamBasePort+1)
	grpcAddr := fmt.Sprintf("127.0.0.1:%d", streamBasePort+2)
	logFile := filepath.Join(dir, "node0.log")
	grpcurl := grpcurlBin(t)

	node := startNode(t, home, logFile)
	waitHeight(t, rpc, 2, 60*time.Second)

	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(grpcurl, append([]string{"-plaintext"}, args...)...).CombinedOutput()
		if err != nil && !strings.Contains(strings.Join(args, " "), "-max-time") {
			t.Fatalf("grpcurl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	list := run(grpcAddr, "list")
	for _, svc := range []string{"clearchain.stream.v1.Stream", "clearchain.exchange.v1.Query", "cosmos.tx.v1beta1.Service"} {
		if !strings.Contains(list, svc) {
			t.Fatalf("grpcurl list: no %s in\n%s", svc, list)
		}
	}
	desc := run(grpcAddr, "describe", "clearchain.stream.v1.Stream")
	if !strings.Contains(desc, "rpc Subscribe ( .clearchain.stream.v1.SubscribeRequest ) returns ( stream .clearchain.stream.v1.StreamMessage )") {
		t.Fatalf("grpcurl describe:\n%s", desc)
	}
	msgDesc := run(grpcAddr, "describe", "clearchain.stream.v1.StreamMessage")
	if !strings.Contains(msgDesc, "uint64 prev_seq") {
		t.Fatalf("grpcurl describe StreamMessage:\n%s", msgDesc)
	}
	sub := run("-max-time", "3", "-d", "{}", grpcAddr, "clearchain.stream.v1.Stream/Subscribe")
	for _, want := range []string{`"snapshot"`, `"committed": true`, `"update"`, `"prevSeq"`} {
		if !strings.Contains(sub, want) {
			t.Fatalf("grpcurl Subscribe: no %s in\n%s", want, sub)
		}
	}
	t.Logf("grpcurl: list has the Stream service, describe works, a subscription returned a snapshot and updates (%d bytes)", len(sub))

	conn, err := client.Dial(grpcAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	feed := client.NewFeed(nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- feed.Run(ctx, client.GRPCDialer(conn), &streamtypes.SubscribeRequest{}) }()
	waitFeedHeight := func(h int64, timeout time.Duration) {
		t.Helper()
		deadline := time.Now().Add(timeout)
		for {
			if _, _, got := feed.Position(); got >= h {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the feed did not reach height %d within %s: stats %+v", h, timeout, feed.Stats())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	h0 := latestHeight(t, rpc)
	waitFeedHeight(h0+3, 60*time.Second)
	epoch1, seq1, height1 := feed.Position()
	st := feed.Stats()
	if st.Snapshots != 1 || st.Updates < 3 || st.Gaps != 0 {
		t.Fatalf("before the restart: %+v", st)
	}

	if err := node.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	_ = node.Wait()
	node = startNode(t, home, logFile)
	waitHeight(t, rpc, height1+3, 90*time.Second)
	waitFeedHeight(height1+3, 60*time.Second)
	epoch2, seq2, height2 := feed.Position()
	st = feed.Stats()
	t.Logf("before the restart: epoch %d seq %d height %d; after: epoch %d seq %d height %d; stats %+v",
		epoch1, seq1, height1, epoch2, seq2, height2, st)
	if epoch2 != epoch1 || seq2 <= seq1 {
		t.Fatalf("the epoch did not continue across the restart: %d/%d before, %d/%d after", epoch1, seq1, epoch2, seq2)
	}
	if st.Snapshots != 1 || st.ResetSnapshots != 0 || st.Resyncs < 1 || st.Gaps != 0 || st.EpochChanges != 0 {
		t.Fatalf("after the restart: want a resume served by replay (no snapshot), got %+v", st)
	}
	if bz, _ := os.ReadFile(logFile); !strings.Contains(string(bz), "epoch continued from the replay store") {
		t.Fatal("the node's log does not say the epoch continued from the replay store")
	}

	// Without the replay store: a new epoch, the resume gets a reset snapshot.
	if err := node.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	_ = node.Wait()
	if err := os.RemoveAll(filepath.Join(home, "data", "stream-replay.db")); err != nil {
		t.Fatal(err)
	}
	node = startNode(t, home, logFile)
	waitHeight(t, rpc, height2+3, 90*time.Second)
	waitFeedHeight(height2+3, 60*time.Second)
	epoch3, _, _ := feed.Position()
	st = feed.Stats()
	t.Logf("after the restart without replay store: epoch %d; stats %+v", epoch3, st)
	if epoch3 == epoch2 {
		t.Fatal("the epoch did not change on a restart without the replay store")
	}
	if st.ResetSnapshots != 1 || st.Gaps != 0 {
		t.Fatalf("after the restart without replay store: want one reset snapshot, got %+v", st)
	}
	cancel()
	<-done
	_ = node.Process.Signal(syscall.SIGTERM)
	_ = node.Wait()
	_ = os.Remove(logFile)
}
