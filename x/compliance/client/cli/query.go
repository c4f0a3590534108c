package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/clearchain/clearchain/x/compliance/types"
)

// FlagPageSize is the number of audit records verify-audit asks for at once.
const FlagPageSize = "page-size"

// GetQueryCmd returns `query compliance`; autocli adds the generated
// subcommands (autocli.go) to it, next to verify-audit.
func GetQueryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Querying commands for the compliance module",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(VerifyAuditCmd())
	return cmd
}

// VerifyAuditCmd returns `verify-audit`: it pages through the audit trail,
// re-derives every record's hash and link (types.AuditChainVerifier, the
// check genesis validation uses) and compares the result with AuditHead.
func VerifyAuditCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify-audit",
		Short: "Re-derive the audit hash chain from the records and compare it with the head",
		Long: `Reads the head (AuditHead), then every audit record up to it (AuditTrail, by
pages), re-derives each record's hash from its fields and the previous hash
(encoding: x/compliance/README.md "Audit hash chain") and compares the last
one with the head. Progress goes to stderr; on success stdout gets
"audit chain OK: N records, head <hex>". A broken chain exits non-zero
naming the first bad sequence. --height pins every query to one height.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			pageSize, err := cmd.Flags().GetUint64(FlagPageSize)
			if err != nil {
				return err
			}
			if pageSize == 0 {
				return fmt.Errorf("--%s must be positive", FlagPageSize)
			}
			n, h, err := VerifyAudit(cmd.Context(), types.NewQueryClient(clientCtx), pageSize, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "audit chain OK: %d records, head %s\n", n, types.HexHash(h))
			return nil
		},
	}
	flags.AddQueryFlagsToCmd(cmd)
	cmd.Flags().Uint64(FlagPageSize, 500, "audit records per query")
	return cmd
}

// VerifyAudit reads the head, pages through the audit trail up to it
// (pageSize records per query), re-derives the chain with
// types.AuditChainVerifier and compares it with the head. It returns the
// number of records and the head hash, or an *types.AuditChainError naming
// the first bad sequence. Progress goes to progress.
func VerifyAudit(ctx context.Context, qc types.QueryClient, pageSize uint64, progress io.Writer) (uint64, []byte, error) {
	head, err := qc.AuditHead(ctx, &types.QueryAuditHeadRequest{})
	if err != nil {
		return 0, nil, fmt.Errorf("querying the audit head: %w", err)
	}
	fmt.Fprintf(progress, "audit head: sequence %d, hash %s\n", head.Sequence, types.HexHash(head.Hash))
	v := types.NewAuditChainVerifier()
	var key []byte
	for v.Last() < head.Sequence {
		res, err := qc.AuditTrail(ctx, &types.QueryAuditTrailRequest{
			Pagination: &query.PageRequest{Key: key, Limit: pageSize},
		})
		if err != nil {
			return 0, nil, fmt.Errorf("querying the audit trail after sequence %d: %w", v.Last(), err)
		}
		for _, r := range res.Records {
			if r.Sequence > head.Sequence {
				break // appended after the head was read
			}
			if err := v.Next(r); err != nil {
				return 0, nil, err
			}
		}
		fmt.Fprintf(progress, "verified %d/%d records\n", v.Last(), head.Sequence)
		if res.Pagination == nil || len(res.Pagination.NextKey) == 0 {
			break
		}
		key = res.Pagination.NextKey
	}
	if err := v.CheckHead(head.Sequence, head.Hash); err != nil {
		return 0, nil, err
	}
	_, h := v.Head()
	return head.Sequence, h, nil
}
