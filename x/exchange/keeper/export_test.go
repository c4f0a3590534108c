package keeper

// Tests check every level value built from an engine delta against a full
// encoding; benchmarks turn it off through VerifyLevels.
func init() { verifyLevels = true }

// VerifyLevels points to the switch of that check.
var VerifyLevels = &verifyLevels
