// Package surveillance is the venue's market-abuse surveillance: detectors
// over the exchange's, compliance's and the green-credit contracts' events,
// grouped by legal entity and ownership group (parent entities), that raise
// alerts for review — with evidence (heights, order and trade ids, accounts,
// entities) — never findings.
//
// It reads events only: it must not import a keeper, the app or anything
// that needs a store, so the same Engine runs inside the scenario engine's
// simulations and in the live cmd/clear-surveil service, block by block
// (Engine.ProcessBlock, or ProcessBlockTxs with the block's refused txs
// decoded by surveillance/txdecode). Its output depends only on its Params and the
// events fed to it: integer arithmetic, no map order leaking, alerts sorted.
//
// README.md is the spec: the events read, every detector and the reasoning
// behind each threshold.
package surveillance
