//go:build !unix

package keeper_test

import "time"

// processCPU is not measured outside Unix (see cputime_test.go).
func processCPU() time.Duration { return 0 }
