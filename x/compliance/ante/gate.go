// Package ante holds the compliance gate: an ante decorator that refuses,
// in CheckTx and DeliverTx, every message whose signer is frozen or lacks
// the licence role the message needs, and whose Check the app's message
// router also runs before every handler; and the fee decorator (fees.go):
// no restricted asset as fee, no frozen fee payer or granter, a minimum fee
// for unlicensed signers. Both read state and never write it.
package ante

import (
	"context"
	"strings"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/x/authz"

	"github.com/clearchain/clearchain/x/compliance/types"
)

// MaxAuthzDepth bounds how deep the gate unwraps nested authz MsgExec.
const MaxAuthzDepth = 3

// GateKeeper is what the gate reads from x/compliance.
type GateKeeper interface {
	// Authority is the regulator, whom the gate lets through.
	Authority(ctx context.Context) string
	// ActiveLicence returns a licence valid at the block time, or why not.
	ActiveLicence(ctx context.Context, addr sdk.AccAddress) (types.Licence, error)
	// IsFrozen reports a freeze.
	IsFrozen(ctx context.Context, addr sdk.AccAddress) bool
	// MsgSigners returns the signers of a message.
	MsgSigners(msg sdk.Msg) ([][]byte, error)
}

// GateTable maps message type URLs to the licence roles, any of which lets
// a signer send the message. An empty role list means any valid licence.
type GateTable struct {
	exact    map[string][]types.Role
	open     map[string]bool
	prefixes []prefixGate // checked in insertion order; the longest match wins
}

type prefixGate struct {
	prefix string
	roles  []types.Role
}

// NewGateTable returns an empty table: nothing is gated.
func NewGateTable() *GateTable {
	return &GateTable{exact: map[string][]types.Role{}}
}

// Exact gates the message type URL typeURL by roles.
func (t *GateTable) Exact(typeURL string, roles ...types.Role) *GateTable {
	t.exact[typeURL] = roles
	return t
}

// Open leaves typeURL ungated even where a prefix would gate it: any
// signer that is not frozen may send it (e.g. cancelling one's own orders
// after a licence ends). Frozen signers are still refused.
func (t *GateTable) Open(typeURL string) *GateTable {
	if t.open == nil {
		t.open = map[string]bool{}
	}
	t.open[typeURL] = true
	return t
}

// Prefix gates every type URL starting with prefix by roles. An exact entry
// takes precedence; among prefixes the longest match wins.
func (t *GateTable) Prefix(prefix string, roles ...types.Role) *GateTable {
	t.prefixes = append(t.prefixes, prefixGate{prefix: prefix, roles: roles})
	return t
}

// Lookup returns the roles typeURL needs and whether it is gated at all.
func (t *GateTable) Lookup(typeURL string) ([]types.Role, bool) {
	if t.open[typeURL] {
		return nil, false
	}
	if roles, ok := t.exact[typeURL]; ok {
		return roles, true
	}
	best := -1
	for i, p := range t.prefixes {
		if strings.HasPrefix(typeURL, p.prefix) && (best < 0 || len(p.prefix) > len(t.prefixes[best].prefix)) {
			best = i
		}
	}
	if best < 0 {
		return nil, false
	}
	return t.prefixes[best].roles, true
}

// GateDecorator is the compliance ante decorator. Its Check is the one
// compliance decision on a message: the ante runs it on a tx's messages and
// the app's message router runs it (CheckRouted) on every message it hands
// to a handler, whoever dispatched it (a tx, a contract, authz, governance).
type GateDecorator struct {
	k     GateKeeper
	table *GateTable
	// exempt are module accounts that act as an authority (governance):
	// they pass like the regulator.
	exempt []string
}

var _ sdk.AnteDecorator = GateDecorator{}

// NewGateDecorator returns the gate over table.
//
// Rules, for every signer of every message (and of every message inside an
// authz MsgExec, whose signer is the granter):
//   - the regulator (params.authority) passes;
//   - a frozen signer is refused, whatever the message;
//   - a gated message needs a licence valid at the block time holding one of
//     the table's roles (any role when the list is empty).
//
// At block height 0 (InitChain: genesis gentxs) the gate is skipped, so
// `cleard init` / gentx flows work without licensing genesis validators;
// from the first block on, MsgCreateValidator needs VALIDATOR_OPERATOR.
func NewGateDecorator(k GateKeeper, table *GateTable) GateDecorator {
	if table == nil {
		table = NewGateTable()
	}
	return GateDecorator{k: k, table: table}
}

// WithExempt returns the gate with addrs passing like the regulator. It is
// meant for module accounts that act as an authority (the gov module
// account, whose messages the chain's governance voted for); such accounts
// hold no key and never sign a transaction.
func (d GateDecorator) WithExempt(addrs ...string) GateDecorator {
	d.exempt = append(append([]string(nil), d.exempt...), addrs...)
	return d
}

// AnteHandle implements sdk.AnteDecorator.
func (d GateDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if ctx.BlockHeight() == 0 {
		return next(ctx, tx, simulate)
	}
	authority := d.k.Authority(ctx)
	for _, msg := range tx.GetMsgs() {
		if err := d.check(ctx, msg, authority, 0); err != nil {
			return ctx, err
		}
	}
	return next(ctx, tx, simulate)
}

// Check applies the gate to one message; exported for tests and for
// modules that dispatch messages on an account's behalf.
func (d GateDecorator) Check(ctx context.Context, msg sdk.Msg) error {
	return d.check(ctx, msg, d.k.Authority(ctx), 0)
}

// CheckRouted is Check as the message router runs it before every handler:
// like the ante gate, it lets everything through at height 0 (InitChain:
// genesis transactions).
func (d GateDecorator) CheckRouted(ctx sdk.Context, msg sdk.Msg) error {
	if ctx.BlockHeight() == 0 {
		return nil
	}
	return d.Check(ctx, msg)
}

func (d GateDecorator) isExempt(addr string) bool {
	for _, e := range d.exempt {
		if e == addr {
			return true
		}
	}
	return false
}

func (d GateDecorator) check(ctx context.Context, msg sdk.Msg, authority string, depth int) error {
	typeURL := sdk.MsgTypeURL(msg)
	signers, err := d.k.MsgSigners(msg)
	if err != nil {
		return errorsmod.Wrapf(sdkerrors.ErrUnauthorized, "signers of %s: %v", typeURL, err)
	}
	roles, gated := d.table.Lookup(typeURL)
	for _, s := range signers {
		addr := sdk.AccAddress(s)
		if s := addr.String(); s == authority || d.isExempt(s) {
			continue
		}
		if d.k.IsFrozen(ctx, addr) {
			return errorsmod.Wrapf(sdkerrors.ErrUnauthorized, "account %s is frozen and may not send %s", addr, typeURL)
		}
		if !gated {
			continue
		}
		if err := d.checkLicence(ctx, addr, roles, typeURL); err != nil {
			return err
		}
	}
	if exec, ok := msg.(*authz.MsgExec); ok {
		if depth >= MaxAuthzDepth {
			return errorsmod.Wrapf(sdkerrors.ErrUnauthorized, "authz MsgExec nested deeper than %d", MaxAuthzDepth)
		}
		inner, err := exec.GetMessages()
		if err != nil {
			return errorsmod.Wrapf(sdkerrors.ErrUnauthorized, "authz MsgExec: %v", err)
		}
		for _, m := range inner {
			if err := d.check(ctx, m, authority, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

func (d GateDecorator) checkLicence(ctx context.Context, addr sdk.AccAddress, roles []types.Role, typeURL string) error {
	need := "any licence role"
	if len(roles) > 0 {
		need = "licence role " + types.RoleNames(roles)
	}
	l, err := d.k.ActiveLicence(ctx, addr)
	switch {
	case errorsmod.IsOf(err, types.ErrLicenceExpired):
		return errorsmod.Wrapf(sdkerrors.ErrUnauthorized, "account %s lacks %s for %s (licence expired)", addr, need, typeURL)
	case err != nil:
		return errorsmod.Wrapf(sdkerrors.ErrUnauthorized, "account %s lacks %s for %s (no licence)", addr, need, typeURL)
	case len(roles) > 0 && !l.HasAnyRole(roles...):
		return errorsmod.Wrapf(sdkerrors.ErrUnauthorized, "account %s lacks %s for %s", addr, need, typeURL)
	}
	return nil
}
