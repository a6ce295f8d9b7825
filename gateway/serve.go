package gateway

import (
	"context"
	"net"
	"net/http"
	"time"
)

// ServerTimeouts bound the HTTP connections of the gateway.
type ServerTimeouts struct {
	ReadHeader, Read, Write, Idle time.Duration
	// Drain is how long a shutdown waits for in-flight requests.
	Drain time.Duration
}

// DefaultServerTimeouts are the gateway's.
var DefaultServerTimeouts = ServerTimeouts{ReadHeader: 5 * time.Second, Read: 30 * time.Second,
	Write: 60 * time.Second, Idle: 120 * time.Second, Drain: 20 * time.Second}

// Serve serves h on ln until ctx ends (SIGTERM or SIGINT in main), then
// stops accepting connections and lets in-flight requests finish within
// the drain deadline.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, t ServerTimeouts) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.Read, WriteTimeout: t.Write, IdleTimeout: t.Idle}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), t.Drain)
	defer cancel()
	return srv.Shutdown(shutdown)
}
