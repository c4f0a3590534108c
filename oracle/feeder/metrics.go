package feeder

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/shopspring/decimal"

	"github.com/clearchain/clearchain/oracle"
)

// Metrics are the feeder's Prometheus metrics, in a registry of their own
// (plus the Go runtime and process collectors). All names start with
// clearchain_feeder_.
type Metrics struct {
	registry *prometheus.Registry

	fetchSeconds *prometheus.HistogramVec
	fetchErrors  *prometheus.CounterVec
	price        *prometheus.GaugeVec
	available    *prometheus.GaugeVec
	agreeing     *prometheus.GaugeVec
	published    *prometheus.GaugeVec
	rounds       prometheus.Counter
	roundSeconds prometheus.Histogram
}

// NewMetrics creates and registers the feeder's metrics.
func NewMetrics() *Metrics {
	const ns, sub = "clearchain", "feeder"
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		fetchSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: ns, Subsystem: sub, Name: "fetch_duration_seconds",
			Help:    "Duration of one fetch attempt, by source and pair.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"source", "pair"}),
		fetchErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "fetch_errors_total",
			Help: "Failed fetch attempts, by source and pair.",
		}, []string{"source", "pair"}),
		price: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: ns, Subsystem: sub, Name: "price",
			Help: "Last published price, by pair (for display: the node receives exact fixed-point values).",
		}, []string{"pair"}),
		available: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: ns, Subsystem: sub, Name: "price_available",
			Help: "1 when the last round published a price for the pair, else 0.",
		}, []string{"pair"}),
		agreeing: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: ns, Subsystem: sub, Name: "agreeing_sources",
			Help: "Sources that agreed within the spread in the last round, by pair.",
		}, []string{"pair"}),
		published: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: ns, Subsystem: sub, Name: "last_publish_timestamp_seconds",
			Help: "Unix time of the last published price, by pair.",
		}, []string{"pair"}),
		rounds: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "rounds_total",
			Help: "Polling rounds completed.",
		}),
		roundSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: ns, Subsystem: sub, Name: "round_duration_seconds",
			Help:    "Duration of a polling round.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
	}
	m.registry.MustRegister(m.fetchSeconds, m.fetchErrors, m.price, m.available, m.agreeing, m.published,
		m.rounds, m.roundSeconds,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry returns the registry holding the metrics.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// Handler serves the metrics in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

func (m *Metrics) observeFetch(source, pair string, seconds float64, err error) {
	if m == nil {
		return
	}
	m.fetchSeconds.WithLabelValues(source, pair).Observe(seconds)
	if err != nil {
		m.fetchErrors.WithLabelValues(source, pair).Inc()
	} else {
		// Create the series so that a source that never failed reports 0.
		m.fetchErrors.WithLabelValues(source, pair)
	}
}

func (m *Metrics) observePair(pair string, price oracle.Price, decimals uint8, agreeing int, publishedUnix float64) {
	if m == nil {
		return
	}
	m.agreeing.WithLabelValues(pair).Set(float64(agreeing))
	if price <= 0 {
		m.available.WithLabelValues(pair).Set(0)
		return
	}
	m.available.WithLabelValues(pair).Set(1)
	m.price.WithLabelValues(pair).Set(decimal.New(int64(price), -int32(decimals)).InexactFloat64())
	m.published.WithLabelValues(pair).Set(publishedUnix)
}

func (m *Metrics) observeRound(seconds float64) {
	if m == nil {
		return
	}
	m.rounds.Inc()
	m.roundSeconds.Observe(seconds)
}
