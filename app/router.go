package app

import (
	"context"

	gogogrpc "github.com/cosmos/gogoproto/grpc"
	"google.golang.org/grpc"

	sdk "github.com/cosmos/cosmos-sdk/types"

	complianceante "github.com/clearchain/clearchain/x/compliance/ante"
)

// MsgCheck is a compliance decision on one message about to be handled.
type MsgCheck func(ctx sdk.Context, msg sdk.Msg) error

// checkedMsgServer is the grpc.Server given to the module configurator: it
// registers every Msg service on the app's message router with each method
// wrapped so that check runs on the decoded message before the handler.
//
// Every way into a Msg handler goes through the router's handlers (a tx's
// messages after the ante, messages a contract dispatches, authz MsgExec's
// inner messages, messages governance executes), so the compliance decision
// the ante gate takes on a tx is taken again on each of them.
type checkedMsgServer struct {
	inner gogogrpc.Server
	check MsgCheck
}

var _ gogogrpc.Server = checkedMsgServer{}

// RegisterService implements gogogrpc.Server.
func (s checkedMsgServer) RegisterService(sd *grpc.ServiceDesc, ss any) {
	wrapped := *sd
	wrapped.Methods = make([]grpc.MethodDesc, len(sd.Methods))
	for i, m := range sd.Methods {
		wrapped.Methods[i] = grpc.MethodDesc{MethodName: m.MethodName, Handler: s.wrap(m.Handler)}
	}
	s.inner.RegisterService(&wrapped, ss)
}

// wrap returns h with the check run on the message the router hands to the
// service method. The router calls h with an sdk.Context and an interceptor
// that replaces the (not decoded) request by the routed message; the check
// sits between that interceptor and the method. At registration the router
// calls h once with context.Background() and an interceptor that never calls
// the method: nothing is checked then. The router's "hybrid" handlers call
// h without an interceptor and with the request in dec: the check then runs
// on the decoded request, when ctx carries an sdk.Context.
func (s checkedMsgServer) wrap(h grpc.MethodHandler) grpc.MethodHandler {
	return func(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
		if interceptor == nil {
			sdkCtx, ok := ctx.Value(sdk.SdkContextKey).(sdk.Context)
			if !ok {
				return h(srv, ctx, dec, interceptor)
			}
			return h(srv, ctx, func(req any) error {
				if err := dec(req); err != nil {
					return err
				}
				if msg, ok := req.(sdk.Msg); ok {
					return s.check(sdkCtx, msg)
				}
				return nil
			}, nil)
		}
		sdkCtx, ok := ctx.(sdk.Context)
		if !ok {
			return h(srv, ctx, dec, interceptor)
		}
		checked := func(goCtx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
			return interceptor(goCtx, req, info, func(c context.Context, routed any) (any, error) {
				if msg, ok := routed.(sdk.Msg); ok {
					if err := s.check(sdkCtx, msg); err != nil {
						return nil, err
					}
				}
				return handler(c, routed)
			})
		}
		return h(srv, ctx, dec, checked)
	}
}

// newComplianceGate is the compliance gate of the ante and the router: the
// regulator and the gov module account (governance acts as an authority:
// what a passed proposal executes was voted by the chain) pass; see
// ComplianceGateTable for the roles.
func newComplianceGate(k complianceante.GateKeeper) complianceante.GateDecorator {
	return complianceante.NewGateDecorator(k, ComplianceGateTable()).WithExempt(govAuthority())
}
