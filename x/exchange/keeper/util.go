package keeper

import (
	"bytes"
	"slices"
	"strings"
)

func sortEntries(es []*ledgerEntry) {
	slices.SortFunc(es, func(a, b *ledgerEntry) int {
		if c := bytes.Compare(a.addr, b.addr); c != 0 {
			return c
		}
		return strings.Compare(a.denom, b.denom)
	})
}

func sortStrings(s []string) { slices.Sort(s) }
