package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/gogoproto/proto"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/compliance/types"
)

// appendAudit writes the next audit record and returns its sequence. The
// caller emits the typed event that carries the sequence. The record links
// to the head's hash and carries its own (types.AuditRecordHash).
func (k Keeper) appendAudit(ctx context.Context, actor, action, subject, details string) (uint64, error) {
	_, prev, err := k.AuditHead(ctx)
	if err != nil {
		return 0, err
	}
	seq, err := k.NextAudit.Next(ctx)
	if err != nil {
		return 0, errorsmod.Wrap(err, "audit sequence")
	}
	if seq == 0 { // sequences start at 1
		if seq, err = k.NextAudit.Next(ctx); err != nil {
			return 0, errorsmod.Wrap(err, "audit sequence")
		}
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	rec := types.AuditRecord{
		Sequence: seq,
		Height:   sdkCtx.BlockHeight(),
		Time:     sdkCtx.BlockTime().UTC(),
		Actor:    actor,
		Action:   action,
		Subject:  subject,
		Details:  details,
		PrevHash: prev,
	}
	rec.Hash = types.AuditRecordHash(rec)
	if err := k.Audit.Set(ctx, seq, rec); err != nil {
		return 0, errorsmod.Wrapf(err, "audit record %d", seq)
	}
	return seq, nil
}

// AuditHead returns the sequence and hash of the newest audit record: the
// head of the hash chain (0 and the zero hash when there is none).
func (k Keeper) AuditHead(ctx context.Context) (uint64, []byte, error) {
	next, err := k.NextAudit.Peek(ctx)
	if err != nil {
		return 0, nil, errorsmod.Wrap(err, "audit sequence")
	}
	if next <= 1 {
		return 0, types.ZeroAuditHash, nil
	}
	rec, err := k.Audit.Get(ctx, next-1)
	if err != nil {
		return 0, nil, errorsmod.Wrapf(types.ErrAuditNotFound, "head sequence %d: %v", next-1, err)
	}
	return rec.Sequence, rec.Hash, nil
}

// GetAuditRecord returns the audit record of sequence seq.
func (k Keeper) GetAuditRecord(ctx context.Context, seq uint64) (types.AuditRecord, error) {
	rec, err := k.Audit.Get(ctx, seq)
	if err != nil {
		return rec, errorsmod.Wrapf(types.ErrAuditNotFound, "sequence %d", seq)
	}
	return rec, nil
}

// emit emits a typed event; a failure to encode it is a broken invariant of
// our own protos, returned as an error.
func emit(ctx context.Context, ev proto.Message) error {
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(ev)
}
