package keeper

import "testing"

// TestWorkBudgetShares: the sweep gets at most half of the budget; each
// market at least its share of a quarter, the first ones at most what is
// left minus the later markets' reserve.
func TestWorkBudgetShares(t *testing.T) {
	b := newWorkBudget(1000)
	if got := b.sweepShare(10_000); got != 500 {
		t.Fatalf("sweep share %d, want 500", got)
	}
	if got := b.sweepShare(100); got != 100 {
		t.Fatalf("sweep share %d, want 100 (its own param)", got)
	}
	b.spend(500)
	// 4 markets: share = 1000/16 = 62.
	if got := b.marketLimit(3, 4); got != 500-3*62 {
		t.Fatalf("first market %d, want %d", got, 500-3*62)
	}
	b.spend(2000) // earlier markets' second passes overshot
	if got := b.marketLimit(0, 4); got != 62 {
		t.Fatalf("last market %d, want its share 62", got)
	}
	if got := newWorkBudget(1).sweepShare(5); got != 1 {
		t.Fatalf("tiny budget sweep share %d, want 1", got)
	}
}
