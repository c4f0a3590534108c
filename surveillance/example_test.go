package surveillance_test

import (
	"fmt"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/clearchain/clearchain/surveillance"
)

// A follower feeds each block's events in height order; entities 11 and 12
// belong to parent 10 (from Params here; from compliance events on a chain).
func Example() {
	p := surveillance.DefaultParams()
	p.Parents = map[uint64]uint64{11: 10, 12: 10}
	eng := surveillance.New(p)
	fill := func(taker, maker, takerOrder string) abci.Event {
		kv := [][2]string{{"market", "1"}, {"taker_order", takerOrder}, {"maker_order", "1"}, {"price", "1250"},
			{"qty", "10"}, {"taker_side", "SIDE_BUY"}, {"taker", "clear1" + taker}, {"maker", "clear1" + maker},
			{"taker_entity", taker}, {"maker_entity", maker}}
		ev := abci.Event{Type: surveillance.TypeFill}
		for _, a := range kv {
			ev.Attributes = append(ev.Attributes, abci.EventAttribute{Key: a[0], Value: a[1]})
		}
		return ev
	}
	t0 := time.Unix(1_700_000_000, 0).UTC()
	eng.ProcessBlock(1, t0, []abci.Event{fill("11", "12", "2")})
	for _, a := range eng.ProcessBlock(2, t0.Add(time.Second), []abci.Event{fill("12", "11", "3")}) {
		fmt.Println(a.ID, a.Group, a.Entities, a.TradeIDs)
	}
	// Output: wash_trade/2/0 10 [11 12] [1/2/1 2/3/1]
}
