package retention

import (
	"context"
	"log/slog"
	"time"
)

// DefaultInterval is how often the server sweeps unless
// CONSENTGATE_RETENTION_INTERVAL says otherwise.
const DefaultInterval = time.Hour

// Every sweeps once per tick of ticks (the server: a time.Ticker of the
// configured interval; tests: a channel of their own) until ctx ends or
// ticks closes. A sweep that fails is logged (its transactions are whole
// or undone) and the next tick tries again; a sweep another replica is
// running is skipped.
func (s *Sweeper) Every(ctx context.Context, ticks <-chan time.Time) {
	log := s.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-ticks:
			if !ok {
				return
			}
			rep, err := s.Sweep(ctx, false)
			switch {
			case err != nil && ctx.Err() == nil:
				log.Error("retention sweep failed; the next one finishes it", "error", err.Error())
			case err == nil && rep.Skipped:
				log.Info("retention sweep skipped: another replica is sweeping")
			case err == nil:
				log.Info("retention sweep", "run", rep.Run, "rows", rep.Total())
			}
		}
	}
}
