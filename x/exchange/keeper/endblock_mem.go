package keeper

import "github.com/clearchain/clearchain/x/exchange/types"

// endBlockMem holds EndBlock's buffers and caches that live with the
// in-memory state (memState.eb), under mem.mu. Nothing in it is consensus
// state: each is either emptied every block or a pure function of
// committed state.
type endBlockMem struct {
	// carry: what collectCommands read of the carry-over queue; head,
	// tail: carryOver's buffers.
	carry      carryRead
	head, tail []types.QueuedCommand
}
