// Package simulation runs regulator scenarios on the real ClearChain app:
// the app is built in-process on an in-memory database and driven block by
// block through FinalizeBlock and Commit with simulated block times, with
// signed transactions from seeded agents (market makers, arbitrageurs,
// institutions, noise traders, issuers, hedgers and abusive traders), an
// exogenous price path carried into the oracle by validator vote
// extensions (injected as a proposer does), rule changes signed by the
// regulator and shocks. It measures every block (volume, spread, depth,
// volatility, fills, refusals by reason, halts, invariants) and writes CSV,
// JSON and a self-contained HTML report.
//
// No floats, no wall clock, no map iteration into outputs: the same
// scenario, seed and number of blocks give byte-identical outputs. This
// package drives the app; it is never imported by consensus code.
package simulation
