package surveillance_test

import (
	"testing"

	"github.com/clearchain/clearchain/surveillance"
)

func TestEvaluate(t *testing.T) {
	alerts := []surveillance.Alert{
		{Detector: surveillance.DetWash, Height: 12, TradeIDs: []string{"10/1/2"}},
		{Detector: surveillance.DetWash, Height: 30, TradeIDs: []string{"30/9/9"}}, // false
		{Detector: surveillance.DetLayering, Height: 50, OrderIDs: []uint64{7}},
		{Detector: surveillance.DetCreditDoubleClaim, Height: 5, Serials: []string{"c:1-5"}},
	}
	truth := []surveillance.Truth{
		{Detector: surveillance.DetWash, StartHeight: 10, TradeIDs: []string{"10/1/2", "12/3/4"}},
		{Detector: surveillance.DetWash, StartHeight: 40, TradeIDs: []string{"40/1/2"}}, // missed
		{Detector: surveillance.DetSpoofing, StartHeight: 44, OrderIDs: []uint64{7, 8}},
		{Detector: surveillance.DetCreditDoubleClaim, StartHeight: 5, Serials: []string{"c:1-5"}},
	}
	got := surveillance.Evaluate(alerts, truth)
	if len(got) != 3 {
		t.Fatalf("%+v", got)
	}
	w := got[0]
	if w.Detector != surveillance.DetWash || w.Alerts != 2 || w.TruePositives != 1 || w.FalsePositives != 1 ||
		w.Cases != 2 || w.Detected != 1 || w.PrecisionPermille != 500 || w.RecallPermille != 500 || w.MedianDelay != 2 {
		t.Fatalf("wash: %+v", w)
	}
	if s := got[1]; s.Detector != surveillance.DetSpoofing || s.RecallPermille != 1000 || s.MedianDelay != 6 {
		t.Fatalf("spoofing family: %+v", s)
	}
	if c := got[2]; c.Detector != surveillance.DetCreditDoubleClaim || c.PrecisionPermille != 1000 || c.MedianDelay != 0 {
		t.Fatalf("credits: %+v", c)
	}
}
