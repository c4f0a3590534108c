package stream

import (
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/clearchain/clearchain/stream/types"
)

// Server is the gRPC Stream service over a Hub.
type Server struct {
	hub *Hub
}

var _ types.StreamServer = (*Server)(nil)

// NewServer returns the gRPC service streaming hub.
func NewServer(hub *Hub) *Server { return &Server{hub: hub} }

// Subscribe streams the subscription's first messages (snapshot or replay),
// then one update per committed block. A subscriber that falls
// SubscriberFrames updates behind ends with codes.ResourceExhausted and the
// status "slow_consumer"; a node shutdown ends it with codes.Unavailable.
func (s *Server) Subscribe(req *types.SubscribeRequest, srv types.Stream_SubscribeServer) error {
	sub, first, err := s.hub.Subscribe(req)
	if err != nil {
		return status.Error(codes.Unavailable, err.Error())
	}
	defer s.hub.Unsubscribe(sub)
	m := s.hub.metrics
	errc := make(chan error, 1)
	go func() {
		for _, msg := range first {
			if err := srv.Send(msg); err != nil {
				errc <- err
				return
			}
			m.messagesSent.Inc()
		}
		for {
			select {
			case f := <-sub.ch:
				var msg any = f.snap
				if f.snap == nil {
					e, err := sub.renderEncoded(f)
					if err != nil {
						errc <- err
						return
					}
					msg = e
				}
				if err := srv.SendMsg(msg); err != nil {
					errc <- err
					return
				}
				m.messagesSent.Inc()
				if !f.committed.IsZero() {
					m.commitToSend.Observe(time.Since(f.committed).Seconds())
				}
			case <-sub.dropped:
				errc <- nil
				return
			case <-srv.Context().Done():
				errc <- srv.Context().Err()
				return
			}
		}
	}()
	select {
	case err := <-errc:
		if err == nil {
			return dropStatus(sub)
		}
		return err
	case <-sub.dropped:
		return dropStatus(sub)
	}
}

func dropStatus(sub *Subscriber) error {
	code, msg := sub.Reason()
	c := codes.ResourceExhausted
	if code == StatusShutdown {
		c = codes.Unavailable
	}
	return status.Error(c, code+": "+msg)
}
