package simulation

// DefaultDetector returns the surveillance engine the simulation scores,
// or nil when none is built in.
func DefaultDetector(_ *Scenario) Detector { return nil }
