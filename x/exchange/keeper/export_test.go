package keeper

import "github.com/clearchain/clearchain/x/exchange/types"

// Tests check every level value built from an engine delta against a full
// encoding; benchmarks turn it off through VerifyLevels.
func init() { verifyLevels = true }

// VerifyLevels points to the switch of that check.
var VerifyLevels = &verifyLevels

// CancelReasonOf is cancelReason of a sweep task with the given cause.
func CancelReasonOf(cause string) string { return cancelReason(&types.SweepTask{Cause: cause}) }

// EncodeCarry is encodeCarry (a Carry value of cmds).
func EncodeCarry(cmds []types.QueuedCommand) ([]byte, error) { return encodeCarry(nil, cmds) }

// DecodeCarry is decodeCarry.
func DecodeCarry(bz []byte) ([]types.QueuedCommand, error) { return decodeCarry(bz, nil) }
