package surveillance

import (
	"encoding/json"
	"strconv"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"
)

// Event types the engine reads. The exchange's order events are typed proto
// events (type = proto message name, attribute values JSON-encoded); fills
// are a plain event with unquoted values; green-credit events are CosmWasm
// events ("wasm-" + the contract's event type). Attributes are looked up by
// key, so added attributes are ignored and missing ones read as zero.
const (
	TypeOrderPlaced    = "clearchain.exchange.v1.EventOrderPlaced"
	TypeOrderCancelled = "clearchain.exchange.v1.EventOrderCancelled"
	TypeOrderExpired   = "clearchain.exchange.v1.EventOrderExpired"
	TypeOrderRejected  = "clearchain.exchange.v1.EventOrderRejected"
	TypeFill           = "exchange_fill"
	TypeTrades         = "clearchain.exchange.v1.EventTrades"
	TypeEntityRegister = "clearchain.compliance.v1.EventEntityRegistered"
	TypeEntityUpdate   = "clearchain.compliance.v1.EventEntityUpdated"
	TypeLicenceGranted = "clearchain.compliance.v1.EventLicenceGranted"
	TypeCreditIssued   = "wasm-credit_issued"
	TypeCreditTransfer = "wasm-credit_transferred"
	TypeCreditRetired  = "wasm-credit_retired"
	TypeCreditClaimed  = "wasm-credit_claimed"
	// TypeWasm is the event of a contract's own attributes. The bundled
	// green-credit contract (contracts-wasm/contracts/green-credit) emits
	// its actions there: action = issue (batch_id, issuer, first_serial,
	// last_serial, recipient), transfer (batch_id, from, to, amount: no
	// serials, the credits of a batch are fungible until retired) and
	// retire (certificate_id, batch_id, retired_by, first_serial,
	// last_serial) and claim (certificate_id, batch_id, claimant,
	// first_serial, last_serial: the certificate's serials), read as
	// Kind claimed with RetirementID = certificate_id, From = claimant.
	TypeWasm            = "wasm"
	attrContractAddress = "_contract_address"
)

// Side is an order side.
type Side int8

// Sides. A fill's side for an account is the side it traded on.
const (
	SideNone Side = 0
	Buy      Side = 1
	Sell     Side = -1
)

func (s Side) String() string {
	switch s {
	case Buy:
		return "buy"
	case Sell:
		return "sell"
	}
	return "none"
}

// Order is a placed order (EventOrderPlaced).
type Order struct {
	ID, Market, Entity uint64
	Owner              string
	Side               Side
	Price              int64
	Qty                uint64
	Height             int64
}

// Cancel is an order (part) leaving the book without trading
// (EventOrderCancelled; expiries are not cancels).
type Cancel struct {
	OrderID, Market, Entity uint64
	Owner                   string
	Qty, Remaining          uint64
	Reason                  string
	Height                  int64
}

// Fill is one trade (the exchange_fill event).
type Fill struct {
	Market, TakerOrder, MakerOrder uint64
	Price                          int64
	Qty                            uint64
	TakerSide                      Side
	Taker, Maker                   string
	TakerEntity, MakerEntity       uint64
	Height                         int64
	// TradeID is the event's trade_id attribute when it has one, else
	// "<height>/<taker order>/<maker order>".
	TradeID string
	// TakerGroup and MakerGroup are the entities' ownership groups when
	// the fill happened (0 for entity 0).
	TakerGroup, MakerGroup uint64
}

// BuyerGroup and SellerGroup return the ownership group of each side.
func (f *Fill) BuyerGroup() uint64 {
	if f.TakerSide == Buy {
		return f.TakerGroup
	}
	return f.MakerGroup
}

// SellerGroup returns the selling side's ownership group.
func (f *Fill) SellerGroup() uint64 {
	if f.TakerSide == Buy {
		return f.MakerGroup
	}
	return f.TakerGroup
}

// Buyer and Seller return the accounts and entities of each side.
func (f *Fill) Buyer() (string, uint64) {
	if f.TakerSide == Buy {
		return f.Taker, f.TakerEntity
	}
	return f.Maker, f.MakerEntity
}

// Seller returns the selling account and entity.
func (f *Fill) Seller() (string, uint64) {
	if f.TakerSide == Buy {
		return f.Maker, f.MakerEntity
	}
	return f.Taker, f.TakerEntity
}

// CreditEvent is one green-credit contract event over a serial range.
type CreditEvent struct {
	Kind                   string // issued, transferred, retired, claimed
	Contract               string
	Batch                  string
	SerialStart, SerialEnd uint64
	From, To               string // issuer/owner → recipient; retiring owner; claimant in From
	RetirementID           string
	// Denom is the batch's x/assets denom (issue events of the bundled
	// contract), by which refused moves of the batch are recognised.
	Denom  string
	Height int64
	// Fungible: a transfer that names its batch, not serials (the bundled
	// green-credit contract's transfer); the engine tracks it as a move of
	// the batch's serial range, of outstanding (never retired) credits.
	Fungible bool
}

// block is one block's events, parsed.
type block struct {
	height  int64
	orders  []Order
	cancels []Cancel
	fills   []Fill
	credits []CreditEvent
	refused []RefusedTx
}

// attrs is a tolerant attribute reader.
type attrs []abci.EventAttribute

func (a attrs) get(key string) string {
	for i := range a {
		if a[i].Key == key {
			return unquote(a[i].Value)
		}
	}
	return ""
}

func (a attrs) first(keys ...string) string {
	for _, k := range keys {
		if v := a.get(k); v != "" {
			return v
		}
	}
	return ""
}

func unquote(v string) string {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		if s, err := strconv.Unquote(v); err == nil {
			return s
		}
		return v[1 : len(v)-1]
	}
	return v
}

func (a attrs) u64(keys ...string) uint64 {
	n, _ := strconv.ParseUint(a.first(keys...), 10, 64)
	return n
}

func (a attrs) i64(keys ...string) int64 {
	n, _ := strconv.ParseInt(a.first(keys...), 10, 64)
	return n
}

func parseSide(s string) Side {
	switch strings.ToUpper(strings.TrimPrefix(strings.ToUpper(s), "SIDE_")) {
	case "BUY", "1", "B", "BID":
		return Buy
	case "SELL", "2", "S", "ASK":
		return Sell
	}
	return SideNone
}

// entityJSON is the JSON shape of a compliance Entity inside its events
// (uint64 fields are strings in proto-JSON; numbers are accepted too).
type entityJSON struct {
	ID       json.Number `json:"id"`
	ParentID json.Number `json:"parent_id"`
}

func jsonU64(n json.Number) uint64 {
	v, _ := strconv.ParseUint(strings.Trim(string(n), `"`), 10, 64)
	return v
}

// parseBlock reads the events the engine uses; others are skipped. It also
// feeds entity parents and account entities into the engine's maps.
func (e *Engine) parseBlock(height int64, events []abci.Event) *block {
	b := &block{height: height}
	for i := range events {
		ev := &events[i]
		a := attrs(ev.Attributes)
		switch ev.Type {
		case TypeOrderPlaced:
			o := Order{ID: a.u64("order_id"), Market: a.u64("market_id"), Entity: a.u64("entity_id"), Owner: a.get("owner"),
				Side: parseSide(a.get("side")), Price: a.i64("price"), Qty: a.u64("quantity"), Height: height}
			e.learnAccount(o.Owner, o.Entity)
			b.orders = append(b.orders, o)
		case TypeOrderCancelled:
			c := Cancel{OrderID: a.u64("order_id"), Market: a.u64("market_id"), Entity: a.u64("entity_id"), Owner: a.get("owner"),
				Qty: a.u64("quantity"), Remaining: a.u64("remaining"), Reason: a.first("reason", "reason_code"), Height: height}
			b.cancels = append(b.cancels, c)
		case TypeFill:
			f := Fill{Market: a.u64("market", "market_id"), TakerOrder: a.u64("taker_order", "taker_order_id"),
				MakerOrder: a.u64("maker_order", "maker_order_id"), Price: a.i64("price"), Qty: a.u64("qty", "quantity"),
				TakerSide: parseSide(a.get("taker_side")), Taker: a.get("taker"), Maker: a.get("maker"),
				TakerEntity: a.u64("taker_entity"), MakerEntity: a.u64("maker_entity"), Height: height, TradeID: a.get("trade_id")}
			if f.TradeID == "" {
				f.TradeID = strconv.FormatInt(f.Height, 10) + "/" + strconv.FormatUint(f.TakerOrder, 10) + "/" + strconv.FormatUint(f.MakerOrder, 10)
			}
			if f.TakerEntity != 0 {
				f.TakerGroup = e.Group(f.TakerEntity)
			}
			if f.MakerEntity != 0 {
				f.MakerGroup = e.Group(f.MakerEntity)
			}
			e.learnAccount(f.Taker, f.TakerEntity)
			e.learnAccount(f.Maker, f.MakerEntity)
			b.fills = append(b.fills, f)
		case TypeEntityRegister, TypeEntityUpdate:
			var ej entityJSON
			if err := json.Unmarshal([]byte(a.get("entity")), &ej); err == nil {
				if id := jsonU64(ej.ID); id != 0 {
					e.parents[id] = jsonU64(ej.ParentID)
				}
			}
		case TypeLicenceGranted:
			var lj struct {
				Address  string      `json:"address"`
				EntityID json.Number `json:"entity_id"`
			}
			if err := json.Unmarshal([]byte(a.get("licence")), &lj); err == nil {
				e.learnAccount(lj.Address, jsonU64(lj.EntityID))
			}
		case TypeWasm:
			if c, ok := greenCreditEvent(a, height); ok {
				b.credits = append(b.credits, c)
			}
		case TypeCreditIssued, TypeCreditTransfer, TypeCreditRetired, TypeCreditClaimed:
			c := CreditEvent{Kind: strings.TrimPrefix(ev.Type, "wasm-credit_"), Contract: a.get(attrContractAddress),
				Batch: a.first("batch_id", "batch"), RetirementID: a.first("retirement_id", "certificate_id"), Height: height}
			c.SerialStart = a.u64("serial_start", "serial_from", "serial")
			c.SerialEnd = a.u64("serial_end", "serial_to", "serial")
			if c.SerialEnd < c.SerialStart {
				c.SerialEnd = c.SerialStart
			}
			switch ev.Type {
			case TypeCreditIssued:
				c.From, c.To = a.get("issuer"), a.first("owner", "recipient", "to")
			case TypeCreditTransfer:
				c.From, c.To = a.first("from", "sender"), a.first("to", "recipient")
			case TypeCreditRetired:
				c.From, c.To = a.first("owner", "from"), a.get("beneficiary")
			case TypeCreditClaimed:
				c.From = a.first("claimant", "owner", "from")
			}
			b.credits = append(b.credits, c)
		}
	}
	return b
}

// greenCreditEvent reads an action of the bundled green-credit contract
// from its "wasm" event (ok false for anything else: another contract's
// action, or one without a batch_id).
func greenCreditEvent(a attrs, height int64) (CreditEvent, bool) {
	batch := a.get("batch_id")
	if batch == "" {
		return CreditEvent{}, false
	}
	c := CreditEvent{Contract: a.get(attrContractAddress), Batch: batch, Height: height,
		SerialStart: a.u64("first_serial"), SerialEnd: a.u64("last_serial")}
	switch a.get("action") {
	case "issue":
		c.Kind, c.From, c.To, c.Denom = "issued", a.get("issuer"), a.get("recipient"), a.get("denom")
	case "transfer":
		c.Kind, c.From, c.To, c.Fungible = "transferred", a.get("from"), a.get("to"), true
	case "retire":
		c.Kind, c.From, c.RetirementID = "retired", a.get("retired_by"), a.get("certificate_id")
	case "claim":
		// One claim per certificate: the retirement it claims is the
		// certificate; without one it is not a credit claim.
		if c.Kind, c.From, c.RetirementID = "claimed", a.get("claimant"), a.get("certificate_id"); c.RetirementID == "" {
			return CreditEvent{}, false
		}
	default:
		return CreditEvent{}, false
	}
	if c.SerialEnd < c.SerialStart {
		c.SerialEnd = c.SerialStart
	}
	return c, true
}
