package stream

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the stream's Prometheus metrics (README.md, "Metrics").
type metrics struct {
	subscribers        prometheus.Gauge
	messagesSent       prometheus.Counter
	droppedSubscribers prometheus.Counter
	droppedBlocks      prometheus.Counter
	resets             prometheus.Counter
	replays            prometheus.Counter
	restores           prometheus.Counter
	storeErrors        prometheus.Counter
	hubLag             prometheus.Gauge
	subscriberQueue    prometheus.Gauge
	commitToSend       prometheus.Histogram
}

func newMetrics(reg prometheus.Registerer) *metrics {
	const ns, sub = "clearchain", "stream"
	m := &metrics{
		subscribers: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub, Name: "subscribers",
			Help: "Open stream subscriptions."}),
		messagesSent: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "messages_sent_total",
			Help: "Stream messages sent to subscribers (snapshots, updates, replays)."}),
		droppedSubscribers: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "dropped_subscribers_total",
			Help: "Subscribers dropped as slow consumers (their queue reached its bound)."}),
		droppedBlocks: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "dropped_blocks_total",
			Help: "Committed blocks the commit listener could not queue (the hub then resets)."}),
		resets: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "resets_total",
			Help: "Rebuilds of the stream from the committed store (each starts a new epoch)."}),
		replays: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "replays_total",
			Help: "Resumes served from the replay buffer."}),
		restores: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "restores_total",
			Help: "Starts that continued the saved epoch from the replay store (no reset)."}),
		storeErrors: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "replay_store_errors_total",
			Help: "Writes to the on-disk replay store that failed (the next start then resets)."}),
		hubLag: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub, Name: "lag_blocks",
			Help: "Committed blocks waiting for the stream hub."}),
		subscriberQueue: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub, Name: "subscriber_queue_max",
			Help: "Largest number of updates queued for one subscriber after the last block."}),
		commitToSend: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Subsystem: sub, Name: "commit_to_send_seconds",
			Help:    "Time from a block's commit to its update being sent to a subscriber.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16)}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.subscribers, m.messagesSent, m.droppedSubscribers, m.droppedBlocks,
			m.resets, m.replays, m.restores, m.storeErrors, m.hubLag, m.subscriberQueue, m.commitToSend} {
			if err := reg.Register(c); err != nil {
				var are prometheus.AlreadyRegisteredError
				if !errors.As(err, &are) {
					panic(err) // a metric definition conflicts: a programming error
				}
			}
		}
	}
	return m
}
