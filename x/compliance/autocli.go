package compliance

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions gives `cleard tx compliance ...` and `cleard query compliance ...`.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	pos := func(fields ...string) []*autocliv1.PositionalArgDescriptor {
		out := make([]*autocliv1.PositionalArgDescriptor, len(fields))
		for i, f := range fields {
			out[i] = &autocliv1.PositionalArgDescriptor{ProtoField: f}
		}
		return out
	}
	varargs := func(fields ...string) []*autocliv1.PositionalArgDescriptor {
		out := pos(fields...)
		out[len(out)-1].Varargs = true
		return out
	}
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "clearchain.compliance.v1.Query",
			// verify-audit is hand-written (client/cli); autocli adds the rest.
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show the params (the regulator)"},
				{RpcMethod: "Licence", Use: "licence [address]", Short: "Show an account's licence and freeze", PositionalArgs: pos("address")},
				{RpcMethod: "Entity", Use: "entity [id]", Short: "Show a legal entity", PositionalArgs: pos("id")},
				{RpcMethod: "Entities", Use: "entities", Short: "List the legal entities"},
				{RpcMethod: "EntityAccounts", Use: "entity-accounts [entity-id]", Short: "List the licensed accounts of an entity", PositionalArgs: pos("entity_id")},
				{RpcMethod: "EligibilityRule", Use: "rule [subject]", Short: "Show the eligibility rule of a market (market/ID) or denom", PositionalArgs: pos("subject")},
				{
					RpcMethod: "Eligibility", Use: "eligibility [address] [action] [subject]",
					Short:          "Check whether an account may act (trade, hold or a role name) on a subject",
					PositionalArgs: pos("address", "action", "subject"),
				},
				{RpcMethod: "AuditTrail", Use: "audit", Short: "List the audit trail (--page-reverse for newest first)"},
				{RpcMethod: "AuditHead", Use: "audit-head", Short: "Show the head of the audit hash chain (newest sequence and hash)"},
				{RpcMethod: "AuditRecord", Use: "audit-record [sequence]", Short: "Show one audit record", PositionalArgs: pos("sequence")},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: "clearchain.compliance.v1.Msg",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "UpdateParams", Skip: true}, // governance only
				{
					RpcMethod: "RegisterEntity", Use: "register-entity [name] [lei] [jurisdiction]",
					Short:          "Register a legal entity (regulator); --parent-id names its parent",
					PositionalArgs: pos("name", "lei", "jurisdiction"),
				},
				{
					RpcMethod: "UpdateEntity", Use: "update-entity [id] [name] [lei] [jurisdiction]",
					Short:          "Replace a legal entity's fields (regulator); --parent-id names its parent",
					PositionalArgs: pos("id", "name", "lei", "jurisdiction"),
				},
				{
					RpcMethod: "GrantLicence", Use: "grant-licence [address] [entity-id] [roles...]",
					Short:          "License an account (regulator); roles: institution market-maker issuer oracle-feeder auditor validator-operator; --expires-at RFC3339",
					PositionalArgs: varargs("address", "entity_id", "roles"),
				},
				{
					RpcMethod: "UpdateLicence", Use: "update-licence [address] [entity-id] [roles...]",
					Short:          "Replace a licence's entity, roles and expiry (regulator)",
					PositionalArgs: varargs("address", "entity_id", "roles"),
				},
				{RpcMethod: "RevokeLicence", Use: "revoke-licence [address] [reason]", Short: "Revoke a licence (regulator)", PositionalArgs: pos("address", "reason")},
				{RpcMethod: "FreezeAccount", Use: "freeze [address] [reason]", Short: "Freeze an account (regulator)", PositionalArgs: pos("address", "reason")},
				{RpcMethod: "UnfreezeAccount", Use: "unfreeze [address] [reason]", Short: "Unfreeze an account (regulator)", PositionalArgs: pos("address", "reason")},
				{
					RpcMethod: "SetEligibilityRule", Use: "set-rule [subject]",
					Short:          "Set who may act on a market (market/ID) or denom: --allowed-roles, --allowed-jurisdictions; none removes the rule (regulator)",
					PositionalArgs: pos("subject"),
				},
				{
					RpcMethod: "ForceTransfer", Use: "force-transfer [from] [to] [amount...] --reason TEXT",
					Short:          "Claw back restricted assets (regulator); --reason is required",
					PositionalArgs: varargs("from", "to", "amount"),
				},
			},
		},
	}
}
