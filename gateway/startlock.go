//go:build unix

package gateway

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"
)

// sqliteStartLock is the start lock of a SQLite file: an exclusive flock
// on a file beside it (PATH.start-lock), which every process starting on
// that file takes in turn, as PostgreSQL's replicas take an advisory lock.
// An in-memory database, which no other process reaches, has none. The
// lock goes with the process, so a crashed start leaves none behind.
func sqliteStartLock(ctx context.Context, dsn string) (func() error, error) {
	path := strings.TrimPrefix(dsn, "file:")
	path, query, _ := strings.Cut(path, "?")
	if path == "" || strings.Contains(path, ":memory:") || strings.Contains(query, "mode=memory") {
		return func() error { return nil }, nil
	}
	f, err := os.OpenFile(path+".start-lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("taking the start lock: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() error {
				return errors.Join(syscall.Flock(int(f.Fd()), syscall.LOCK_UN), f.Close())
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("taking the start lock: %w", err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("taking the start lock: another start holds %s: %w", path+".start-lock", ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
