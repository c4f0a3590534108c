package app

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"

	gogogrpc "github.com/cosmos/gogoproto/grpc"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cast"

	"github.com/cosmos/cosmos-sdk/client/flags"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	"github.com/clearchain/clearchain/stream"
	streamtypes "github.com/clearchain/clearchain/stream/types"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// FlagStreamDisable (app.toml "clear-stream.disable") turns the market-data
// stream off: no commit listener, no gRPC service.
const FlagStreamDisable = "clear-stream.disable"

// App options bounding the stream's buffers (stream/README.md): updates
// queued per subscriber before it is dropped, and updates kept for resumes.
const (
	FlagStreamSubscriberFrames = "clear-stream.subscriber-frames"
	FlagStreamReplayBlocks     = "clear-stream.replay-blocks"
	// FlagStreamNoReplayStore keeps the replay buffer in memory only (a
	// restart then starts a new epoch).
	FlagStreamNoReplayStore = "clear-stream.no-replay-store"
)

// streamWiring connects the stream (stream/README.md) to the app: the
// commit listener on the exchange store, the hub, and the gRPC service the
// node registers on its gRPC server.
type streamWiring struct {
	hub   *stream.Hub
	start sync.Once
}

// newStreamWiring registers the stream's ABCI listener (after any
// configured streaming plugin) and its store listener on the exchange store.
func newStreamWiring(app *ClearApp, appOpts servertypes.AppOptions) *streamWiring {
	if cast.ToBool(appOpts.Get(FlagStreamDisable)) {
		return &streamWiring{}
	}
	cfg := stream.DefaultConfig()
	cfg.SubscriberFrames = cast.ToInt(appOpts.Get(FlagStreamSubscriberFrames))
	cfg.ReplayBlocks = cast.ToInt(appOpts.Get(FlagStreamReplayBlocks))
	cfg.Registerer = prometheus.DefaultRegisterer
	cfg.Logger = app.Logger().With("module", "stream")
	if home := cast.ToString(appOpts.Get(flags.FlagHome)); home != "" && !cast.ToBool(appOpts.Get(FlagStreamNoReplayStore)) {
		// The replay buffer survives a restart (stream/replaystore.go):
		// its own Pebble store in the node's data dir, written by the hub
		// after commit.
		st, err := stream.OpenReplayStore(filepath.Join(home, "data", "stream-replay.db"))
		if err != nil {
			cfg.Logger.Error("stream: no replay store; a restart starts a new epoch", "err", err)
		} else {
			cfg.Store, cfg.LoadAt = st, app.streamSourceAt
		}
	}
	hub := stream.NewHub(stream.SourceFunc(app.streamSource), cfg)
	key := app.keys[exchangetypes.StoreKey]
	app.CommitMultiStore().AddListeners([]storetypes.StoreKey{key})
	sm := app.StreamingManager()
	sm.ABCIListeners = append(sm.ABCIListeners, stream.NewListener(hub, key.Name()))
	app.SetStreamingManager(sm)
	return &streamWiring{hub: hub}
}

// StreamHub returns the market-data stream's hub (nil when disabled).
func (app *ClearApp) StreamHub() *stream.Hub { return app.stream.hub }

// streamSource reads the committed exchange store at the latest height:
// markets, owner addresses and price levels.
func (app *ClearApp) streamSource() (int64, []stream.KV, error) {
	h := app.CommitMultiStore().LatestVersion()
	if h == 0 {
		return 0, nil, fmt.Errorf("no committed block yet")
	}
	kv, err := app.streamSourceAt(h)
	return h, kv, err
}

// streamSourceAt reads the committed exchange store at height h (a version
// the store still keeps).
func (app *ClearApp) streamSourceAt(h int64) ([]stream.KV, error) {
	cache, err := app.CommitMultiStore().CacheMultiStoreWithVersion(h)
	if err != nil {
		return nil, err
	}
	st := cache.GetKVStore(app.keys[exchangetypes.StoreKey])
	var out []stream.KV
	for _, p := range [][]byte{exchangetypes.MarketsKey, exchangetypes.OwnerAddrsKey, exchangetypes.LevelsKey} {
		it := storetypes.KVStorePrefixIterator(st, p)
		for ; it.Valid(); it.Next() {
			out = append(out, stream.KV{Key: it.Key(), Value: it.Value()})
		}
		if err := it.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RegisterGRPCServerWithSkipCheckHeader registers the query services (the
// SDK's), then the Stream service, and starts the stream's hub.
func (app *ClearApp) RegisterGRPCServerWithSkipCheckHeader(srv gogogrpc.Server, skipCheckHeader bool) {
	// BroadcastTx without a query context per call (broadcast.go).
	app.BaseApp.RegisterGRPCServerWithSkipCheckHeader(broadcastFastPath{Server: srv, pre: app.preverifyLane}, skipCheckHeader)
	if app.stream.hub == nil {
		return
	}
	streamtypes.RegisterStreamServer(srv, stream.NewServer(app.stream.hub))
	app.stream.start.Do(func() {
		app.stream.hub.Start()
		stopOnQuit(app.stream.hub)
	})
}

// stopOnQuit ends every stream when the process is asked to quit (SIGINT,
// SIGTERM): the SDK stops its gRPC server with GracefulStop, which waits
// for every open RPC, and a subscription never ends by itself, so without
// this a node with subscribers hangs on SIGTERM (TestStreamNode). The hub
// keeps saving the blocks still committed until app.Close. The SDK's
// own signal handling is untouched: this only adds a listener, removed
// once it fired.
func stopOnQuit(hub *stream.Hub) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-ch
		signal.Stop(ch)
		hub.EndSubscriptions() // app.Close stops the hub
	}()
}
