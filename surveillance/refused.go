package surveillance

import "strings"

// Refused transactions. A tx that fails in DeliverTx (non-zero code) leaves
// no message events, so what an abuser only attempted — re-issuing serials
// already issued, moving credits it retired — is invisible in the events.
// The engine reads such txs decoded from the block's raw tx bytes and
// their ExecTxResult (package surveillance/txdecode, which holds the SDK
// and wasmd codec this package does not import) alongside the events
// (Engine.ProcessBlockTxs).

// Type URLs of the messages decoded field by field; any other message is
// kept by its type URL (and its signers when the codec knows it).
const (
	TypeURLExecuteContract = "/cosmwasm.wasm.v1.MsgExecuteContract"
	TypeURLBankSend        = "/cosmos.bank.v1beta1.MsgSend"
)

// Coin is a denom and an amount (decimal string: amounts can exceed 64 bits).
type Coin struct {
	Denom  string `json:"denom"`
	Amount string `json:"amount"`
}

// RefusedMsg is one message of a refused tx.
type RefusedMsg struct {
	TypeURL string `json:"type_url"`
	// Signers are the message's signers (bech32), when the codec knows the
	// message type.
	Signers []string `json:"signers,omitempty"`
	// MsgExecuteContract: the contract, the execute JSON's action (its one
	// top-level key) and the fields the detectors read, and the funds sent.
	Contract string `json:"contract,omitempty"`
	Action   string `json:"action,omitempty"`
	// issue: first_serial and mwh (serials first..first+mwh-1).
	FirstSerial uint64 `json:"first_serial,omitempty"`
	MWh         uint64 `json:"mwh,omitempty"`
	// transfer: recipient; claim: certificate.
	Recipient   string `json:"recipient,omitempty"`
	Certificate string `json:"certificate,omitempty"`
	// MsgSend: from and to; Coins are the funds (wasm) or amount (bank).
	From  string `json:"from,omitempty"`
	To    string `json:"to,omitempty"`
	Coins []Coin `json:"coins,omitempty"`
}

// RefusedTx is a tx of a block that failed in DeliverTx.
type RefusedTx struct {
	Height int64 `json:"height"`
	Index  int   `json:"index"`
	// Hash is the tx's hash as CometBFT shows it (upper-case hex SHA-256 of
	// its bytes).
	Hash      string       `json:"hash"`
	Signers   []string     `json:"signers,omitempty"`
	Code      uint32       `json:"code"`
	Codespace string       `json:"codespace,omitempty"`
	Log       string       `json:"log,omitempty"`
	Msgs      []RefusedMsg `json:"msgs,omitempty"`
}

// RefusedRef is the part of a refused tx an alert carries as evidence.
type RefusedRef struct {
	Hash      string `json:"hash"`
	Height    int64  `json:"height"`
	Index     int    `json:"index"`
	Signer    string `json:"signer,omitempty"`
	Code      uint32 `json:"code"`
	Codespace string `json:"codespace,omitempty"`
	Log       string `json:"log,omitempty"`
}

// maxLogLen bounds the chain's log kept in an alert.
const maxLogLen = 400

func (t *RefusedTx) ref(signer string) *RefusedRef {
	log := t.Log
	if len(log) > maxLogLen {
		log = strings.ToValidUTF8(log[:maxLogLen], "") + "…"
	}
	return &RefusedRef{Hash: t.Hash, Height: t.Height, Index: t.Index, Signer: signer, Code: t.Code, Codespace: t.Codespace, Log: log}
}
