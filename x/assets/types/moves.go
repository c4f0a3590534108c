package types

import (
	"encoding/json"
	"fmt"

	collcodec "cosmossdk.io/collections/codec"
	sdkmath "cosmossdk.io/math"
)

// MaxMovesPage bounds one page of PendingMoves, and MaxMovesAcked the moves
// one AckMoves drops.
const (
	MaxMovesPage  = 100
	MaxMovesAcked = 200
)

// ShareMove is one bank move of a data-asset denom administered by a
// contract, queued for that contract (keeper/moves.go). From or To is empty
// when it is a module account: minting and burning (x/assets) or the
// x/exchange escrow (deposits and withdrawals). The JSON field names are
// those of clearchain_bindings::ShareMove.
type ShareMove struct {
	Seq    uint64      `json:"seq"`
	Denom  string      `json:"denom"`
	From   string      `json:"from"`
	To     string      `json:"to"`
	Amount sdkmath.Int `json:"amount"`
	Height uint64      `json:"height"`
}

// ShareMoveValue stores a ShareMove as its JSON (fixed field order, so the
// bytes are deterministic). Genesis carries the queue as GenesisShareMove
// (see README).
var ShareMoveValue collcodec.ValueCodec[ShareMove] = shareMoveCodec{}

type shareMoveCodec struct{}

func (shareMoveCodec) Encode(m ShareMove) ([]byte, error) { return json.Marshal(m) }
func (shareMoveCodec) Decode(b []byte) (ShareMove, error) {
	var m ShareMove
	err := json.Unmarshal(b, &m)
	return m, err
}
func (c shareMoveCodec) EncodeJSON(m ShareMove) ([]byte, error) { return c.Encode(m) }
func (c shareMoveCodec) DecodeJSON(b []byte) (ShareMove, error) { return c.Decode(b) }
func (shareMoveCodec) Stringify(m ShareMove) string {
	return fmt.Sprintf("%d:%s %s→%s %s", m.Seq, m.Denom, m.From, m.To, m.Amount)
}
func (shareMoveCodec) ValueType() string { return "clearchain.assets.ShareMove/json" }
