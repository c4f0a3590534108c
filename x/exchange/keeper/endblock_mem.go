package keeper

// endBlockMem holds EndBlock's buffers and caches that live with the
// in-memory state (memState.eb), under mem.mu. Nothing in it is consensus
// state: each is either emptied every block or a pure function of
// committed state.
type endBlockMem struct {
	// seqs: the pending-queue keys of the block's collected commands.
	seqs []uint64
}
