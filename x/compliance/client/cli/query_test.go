package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	"github.com/clearchain/clearchain/x/compliance/client/cli"
	"github.com/clearchain/clearchain/x/compliance/keeper"
	"github.com/clearchain/clearchain/x/compliance/testutil"
	"github.com/clearchain/clearchain/x/compliance/types"
)

// keeperClient answers the two queries verify-audit makes with the real
// keeper's query server over the fixture's state (in process, no node).
type keeperClient struct {
	types.QueryClient // the other queries are not used
	f                 *testutil.Fixture
	pages             int
}

func (c *keeperClient) AuditHead(_ context.Context, req *types.QueryAuditHeadRequest, _ ...grpc.CallOption) (*types.QueryAuditHeadResponse, error) {
	return keeper.NewQueryServerImpl(c.f.Compliance).AuditHead(c.f.Ctx, req)
}

func (c *keeperClient) AuditTrail(_ context.Context, req *types.QueryAuditTrailRequest, _ ...grpc.CallOption) (*types.QueryAuditTrailResponse, error) {
	c.pages++
	return keeper.NewQueryServerImpl(c.f.Compliance).AuditTrail(c.f.Ctx, req)
}

// trail: 2 entities and 10 licences: 12 chained records.
func trail(t *testing.T) *testutil.Fixture {
	f := testutil.NewFixture(t)
	f.Entity(t, "Alpha Bank", "5493001KJTIIGC8Y1R12", "DE", 0)
	f.Entity(t, "Beta Securities", "5493001KJTIIGC8Y1R13", "FR", 1)
	for i := range 10 {
		f.License(t, testutil.Addr(fmt.Sprintf("acct%d", i)), uint64(1+i%2), time.Time{}, types.RoleInstitution)
	}
	return f
}

func TestVerifyAudit_IntactChainInPages(t *testing.T) {
	f := trail(t)
	qc := &keeperClient{f: f}
	var progress bytes.Buffer
	n, head, err := cli.VerifyAudit(context.Background(), qc, 5, &progress)
	require.NoError(t, err)
	require.EqualValues(t, 12, n)
	_, want, err := f.Compliance.AuditHead(f.Ctx)
	require.NoError(t, err)
	require.Equal(t, want, head)
	require.Equal(t, 3, qc.pages, "12 records, 5 per page")
	require.Contains(t, progress.String(), "verified 12/12 records")

	// An empty trail is intact.
	n, head, err = cli.VerifyAudit(context.Background(), &keeperClient{f: testutil.NewFixture(t)}, 5, &progress)
	require.NoError(t, err)
	require.Zero(t, n)
	require.Equal(t, types.ZeroAuditHash, head)
}

func TestVerifyAudit_TamperedRecordInStore(t *testing.T) {
	f := trail(t)
	rec, err := f.Compliance.Audit.Get(f.Ctx, 7)
	require.NoError(t, err)
	rec.Details = "entity=1 roles=AUDITOR expires=never"
	require.NoError(t, f.Compliance.Audit.Set(f.Ctx, 7, rec))
	_, _, err = cli.VerifyAudit(context.Background(), &keeperClient{f: f}, 5, &bytes.Buffer{})
	require.ErrorContains(t, err, "audit chain broken at sequence 7")
}

func TestVerifyAudit_WrongHead(t *testing.T) {
	f := trail(t)
	// The newest record rewritten with a self-consistent hash: the chain
	// up to it links, but the head no longer matches sequence 12's link.
	rec, err := f.Compliance.Audit.Get(f.Ctx, 12)
	require.NoError(t, err)
	rec.PrevHash = bytes.Repeat([]byte{7}, 32)
	rec.Hash = types.AuditRecordHash(rec)
	require.NoError(t, f.Compliance.Audit.Set(f.Ctx, 12, rec))
	_, _, err = cli.VerifyAudit(context.Background(), &keeperClient{f: f}, 100, &bytes.Buffer{})
	require.ErrorContains(t, err, "audit chain broken at sequence 12")

	// A record deleted from the store: the head is unreachable.
	g := trail(t)
	require.NoError(t, g.Compliance.Audit.Remove(g.Ctx, 5))
	_, _, err = cli.VerifyAudit(context.Background(), &keeperClient{f: g}, 100, &bytes.Buffer{})
	require.ErrorContains(t, err, "audit chain broken at sequence 5")
}

// forgedHead reports a head hash that is not the chain's.
type forgedHead struct{ *keeperClient }

func (c forgedHead) AuditHead(ctx context.Context, req *types.QueryAuditHeadRequest, opts ...grpc.CallOption) (*types.QueryAuditHeadResponse, error) {
	res, err := c.keeperClient.AuditHead(ctx, req, opts...)
	if err == nil {
		res.Hash = bytes.Repeat([]byte{9}, 32)
	}
	return res, err
}

func TestVerifyAudit_HeadNotTheChains(t *testing.T) {
	f := trail(t)
	_, _, err := cli.VerifyAudit(context.Background(), forgedHead{&keeperClient{f: f}}, 5, &bytes.Buffer{})
	require.ErrorContains(t, err, "audit chain broken at sequence 12: head hash")
}
