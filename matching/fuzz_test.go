package matching

import (
	"slices"
	"testing"
)

// decodeCommands turns fuzz input into commands over a tiny id, owner and
// price space, so that crossing, self-trades, duplicates, unknown ids,
// expiries and triggers are all common. Six bytes make one command; a
// command of kind 7 stands for RunAuction.
func decodeCommands(data []byte) []Command {
	var cmds []Command
	for len(data) >= 6 {
		b := data[:6]
		data = data[6:]
		c := Command{
			ID:     OrderID(b[4] & 31),
			Owner:  OwnerID(1 + b[5]&3),
			Price:  Price(1 + b[2]&15),
			Qty:    Qty(1 + b[3]&15),
			Side:   Side(1 + b[1]&1),
			Type:   OrderType(b[1] >> 1 & 3),
			TIF:    TimeInForce(b[1] >> 3 & 7 % 5),
			STP:    STPMode(b[5] >> 2 & 3),
			Entity: EntityID(b[5] >> 4 & 1),
		}
		c.PostOnly = b[1]>>6&1 == 1 && b[0]&1 == 0
		c.TriggerPrice = Price(1 + b[3]>>4)
		c.ExpireBlock = int64(b[4] >> 5)
		c.ExpireTime = int64(b[4] >> 5)
		switch k := b[0] % 16; {
		case k < 7:
			c.Kind = CmdPlace
		case k < 9:
			c.Kind = CmdCancel
		case k < 11:
			c.Kind = CmdModify
		case k == 11:
			c.Kind = CmdMassCancel
			c.Side = Side(b[1] % 3)
		case k == 12:
			c.Kind = CmdExpire
		case k == 13:
			c.Kind = CmdReferencePrice
		case k == 14:
			c.Kind = 7 // auction
		default:
			c.Kind = CommandKind(b[1]) // mostly invalid
		}
		cmds = append(cmds, c)
	}
	return cmds
}

// FuzzBook runs fuzzed commands through Book and the reference book, in the
// mode chosen by the first byte, requiring identical events, unchanged
// invariants after every command, and an identical book after a restart.
func FuzzBook(f *testing.F) {
	f.Add([]byte{0, 0, 5, 3, 1, 0, 0, 1, 5, 2, 2, 1, 0, 3, 4, 1, 3, 2})
	f.Add([]byte{1, 0, 5, 3, 1, 0, 0, 1, 5, 2, 2, 1, 14, 0, 0, 0, 0, 0})
	f.Add([]byte{0, 13, 0x28, 5, 3, 1, 0, 0, 4, 5, 0x31, 2, 1, 13, 0, 15, 0, 0, 0, 9, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		mode := Mode(data[0] & 1)
		cmds := decodeCommands(data[1:])
		b := NewBook(Config{Mode: mode})
		ref := &refBook{mode: mode}
		var out []Event
		for i, c := range cmds {
			ref.out = ref.out[:0]
			if c.Kind == 7 {
				out = b.RunAuction(c.Price, out[:0])
				ref.auction(c.Price)
			} else {
				out = b.Apply([]Command{c}, out[:0])
				ref.apply(c)
			}
			if !slices.Equal(out, ref.out) {
				t.Fatalf("step %d %+v: events differ\nengine:\n%sreference:\n%s", i, c, formatEvents(out), formatEvents(ref.out))
			}
			if err := b.CheckInvariants(); err != nil {
				t.Fatalf("step %d %+v: %v", i, c, err)
			}
		}
		st := store{}
		st.persist(t, b)
		rb := st.restore(t, mode, b.Meta())
		for _, s := range []Side{Buy, Sell} {
			for _, stop := range []bool{false, true} {
				if got, want := collect(rb, stop, s), collect(b, stop, s); !slices.Equal(got, want) {
					t.Fatalf("restart changed the %s (stop %v) side:\n%v\n%v", s, stop, got, want)
				}
			}
		}
	})
}

// FuzzIDMap checks the open-addressing id index against a Go map under
// fuzzed puts and deletes (the backward-shift deletion is the subtle part).
func FuzzIDMap(f *testing.F) {
	f.Add([]byte{1, 2, 3, 129, 130, 4, 5, 131})
	f.Fuzz(func(t *testing.T, data []byte) {
		m := newIDMap(0)
		want := map[uint64]int32{}
		for i, x := range data {
			// Keys collide often: few distinct, spread in the high bits too.
			k := uint64(x&63) * 0x100000001
			if x&128 != 0 {
				if got := m.del(k); got != (want[k] != 0) {
					t.Fatalf("del(%d) = %v", k, got)
				}
				delete(want, k)
			} else if _, ok := want[k]; !ok {
				m.put(k, int32(i+1))
				want[k] = int32(i + 1)
			}
			if m.len() != len(want) {
				t.Fatalf("len %d, want %d", m.len(), len(want))
			}
			for k, v := range want {
				if got, ok := m.get(k); !ok || got != v {
					t.Fatalf("get(%d) = %d %v, want %d", k, got, ok, v)
				}
			}
		}
		for k := uint64(0); k < 64; k++ {
			kk := k * 0x100000001
			_, ok := m.get(kk)
			if _, want := want[kk]; ok != want {
				t.Fatalf("get(%d) present=%v", kk, ok)
			}
		}
	})
}
