package feeder

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/clearchain/clearchain/oracle"
)

// Names of the gRPC service and its method. The wire shape is described in
// the package documentation.
const (
	ServiceName      = "clearchain.feeder.v1.Feeder"
	PricesMethodName = "Prices"
	// PricesMethod is the full method name, as used by clients.
	PricesMethod = "/" + ServiceName + "/" + PricesMethodName
)

// PriceProvider is what the gRPC service serves; *[Feeder] implements it.
type PriceProvider interface {
	Snapshot() Snapshot
}

// pricesServer is the HandlerType of [ServiceDesc].
type pricesServer interface {
	Prices(context.Context, *emptypb.Empty) (*structpb.Struct, error)
}

type server struct{ p PriceProvider }

func (s server) Prices(context.Context, *emptypb.Empty) (*structpb.Struct, error) {
	return EncodeSnapshot(s.p.Snapshot()), nil
}

func pricesHandler(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
	in := new(emptypb.Empty)
	if err := dec(in); err != nil {
		return nil, err
	}
	if interceptor == nil {
		return srv.(pricesServer).Prices(ctx, in)
	}
	info := &grpc.UnaryServerInfo{Server: srv, FullMethod: PricesMethod}
	return interceptor(ctx, in, info, func(ctx context.Context, req any) (any, error) {
		return srv.(pricesServer).Prices(ctx, req.(*emptypb.Empty))
	})
}

// ServiceDesc is the hand-written description of the feeder's gRPC service
// (there is no generated code): one unary method taking
// google.protobuf.Empty and returning google.protobuf.Struct.
var ServiceDesc = grpc.ServiceDesc{
	ServiceName: ServiceName,
	HandlerType: (*pricesServer)(nil),
	Methods:     []grpc.MethodDesc{{MethodName: PricesMethodName, Handler: pricesHandler}},
	Streams:     []grpc.StreamDesc{},
	Metadata:    "clearchain/feeder/v1/feeder (hand-registered, well-known types)",
}

// RegisterService registers the feeder service on s, serving p.
func RegisterService(s grpc.ServiceRegistrar, p PriceProvider) {
	s.RegisterService(&ServiceDesc, server{p})
}

// NewGRPCServer returns a gRPC server with the feeder service registered.
func NewGRPCServer(p PriceProvider, opts ...grpc.ServerOption) *grpc.Server {
	s := grpc.NewServer(opts...)
	RegisterService(s, p)
	return s
}

// EncodeSnapshot renders a snapshot in the wire shape of the service.
func EncodeSnapshot(s Snapshot) *structpb.Struct {
	prices := make([]*structpb.Value, 0, len(s.Prices))
	for _, p := range s.Prices {
		prices = append(prices, structpb.NewStructValue(&structpb.Struct{Fields: map[string]*structpb.Value{
			"pair":     structpb.NewStringValue(p.Pair),
			"price":    structpb.NewStringValue(strconv.FormatInt(int64(p.Price), 10)),
			"decimals": structpb.NewNumberValue(float64(p.Decimals)),
			"sources":  structpb.NewNumberValue(float64(p.Sources)),
			"time":     structpb.NewStringValue(p.Time.UTC().Format(time.RFC3339Nano)),
		}}))
	}
	unavailable := make([]*structpb.Value, 0, len(s.Unavailable))
	for _, u := range s.Unavailable {
		unavailable = append(unavailable, structpb.NewStructValue(&structpb.Struct{Fields: map[string]*structpb.Value{
			"pair":   structpb.NewStringValue(u.Pair),
			"reason": structpb.NewStringValue(u.Reason),
		}}))
	}
	out := &structpb.Struct{Fields: map[string]*structpb.Value{
		"prices":      structpb.NewListValue(&structpb.ListValue{Values: prices}),
		"unavailable": structpb.NewListValue(&structpb.ListValue{Values: unavailable}),
	}}
	if !s.Time.IsZero() {
		out.Fields["time"] = structpb.NewStringValue(s.Time.UTC().Format(time.RFC3339Nano))
	}
	return out
}

// ErrBadResponse is returned by [DecodeSnapshot] for a response that does
// not have the documented shape.
var ErrBadResponse = errors.New("feeder: malformed response")

// DecodeSnapshot parses the wire shape of the service strictly: a price that
// is not a positive integer string, or decimals that are not an integer in
// [0, 18], make the whole response invalid.
func DecodeSnapshot(st *structpb.Struct) (Snapshot, error) {
	var s Snapshot
	if st == nil {
		return s, fmt.Errorf("%w: empty", ErrBadResponse)
	}
	if v, ok := st.Fields["time"]; ok {
		t, err := time.Parse(time.RFC3339Nano, v.GetStringValue())
		if err != nil {
			return Snapshot{}, fmt.Errorf("%w: time: %v", ErrBadResponse, err)
		}
		s.Time = t
	}
	for i, v := range st.Fields["prices"].GetListValue().GetValues() {
		f := v.GetStructValue().GetFields()
		pair := f["pair"].GetStringValue()
		if pair == "" {
			return Snapshot{}, fmt.Errorf("%w: prices[%d]: no pair", ErrBadResponse, i)
		}
		mant, err := strconv.ParseInt(f["price"].GetStringValue(), 10, 64)
		if err != nil || mant <= 0 {
			return Snapshot{}, fmt.Errorf("%w: prices[%d] %s: price %q is not a positive integer", ErrBadResponse, i, pair, f["price"].GetStringValue())
		}
		dec, err := smallInt(f["decimals"], MaxDecimals)
		if err != nil {
			return Snapshot{}, fmt.Errorf("%w: prices[%d] %s: decimals: %v", ErrBadResponse, i, pair, err)
		}
		srcs, err := smallInt(f["sources"], math.MaxInt32)
		if err != nil {
			return Snapshot{}, fmt.Errorf("%w: prices[%d] %s: sources: %v", ErrBadResponse, i, pair, err)
		}
		var t time.Time
		if tv, ok := f["time"]; ok {
			if t, err = time.Parse(time.RFC3339Nano, tv.GetStringValue()); err != nil {
				return Snapshot{}, fmt.Errorf("%w: prices[%d] %s: time: %v", ErrBadResponse, i, pair, err)
			}
		}
		s.Prices = append(s.Prices, PairPrice{Pair: pair, Price: oracle.Price(mant), Decimals: uint8(dec), Sources: int(srcs), Time: t})
	}
	for i, v := range st.Fields["unavailable"].GetListValue().GetValues() {
		f := v.GetStructValue().GetFields()
		pair := f["pair"].GetStringValue()
		if pair == "" {
			return Snapshot{}, fmt.Errorf("%w: unavailable[%d]: no pair", ErrBadResponse, i)
		}
		s.Unavailable = append(s.Unavailable, Unavailable{Pair: pair, Reason: f["reason"].GetStringValue()})
	}
	slices.SortFunc(s.Prices, func(a, b PairPrice) int { return strings.Compare(a.Pair, b.Pair) })
	for i := 1; i < len(s.Prices); i++ {
		if s.Prices[i].Pair == s.Prices[i-1].Pair {
			return Snapshot{}, fmt.Errorf("%w: pair %s listed twice", ErrBadResponse, s.Prices[i].Pair)
		}
	}
	slices.SortFunc(s.Unavailable, func(a, b Unavailable) int { return strings.Compare(a.Pair, b.Pair) })
	return s, nil
}

// smallInt reads a Struct number that must be an integer in [0, max].
func smallInt(v *structpb.Value, max float64) (int64, error) {
	nv, ok := v.GetKind().(*structpb.Value_NumberValue)
	if !ok {
		return 0, errors.New("not a number")
	}
	n := nv.NumberValue
	if n != math.Trunc(n) || n < 0 || n > max {
		return 0, fmt.Errorf("%v is not an integer in [0, %v]", n, max)
	}
	return int64(n), nil
}
