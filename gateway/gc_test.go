package gateway

import (
	"runtime/debug"
	"testing"
)

func TestTuneGC(t *testing.T) {
	was := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(was) })

	if got := TuneGC(func(string) string { return "" }); got != DefaultGCPercent {
		t.Errorf("no GOGC: TuneGC = %d, want %d", got, DefaultGCPercent)
	}
	if p := debug.SetGCPercent(100); p != DefaultGCPercent {
		t.Errorf("no GOGC: the runtime's percentage is %d, want %d", p, DefaultGCPercent)
	}

	// GOGC in the environment is the runtime's own (read at start); TuneGC
	// leaves what the runtime took from it.
	debug.SetGCPercent(73)
	env := func(k string) string {
		if k == "GOGC" {
			return "73"
		}
		return ""
	}
	if got := TuneGC(env); got != 73 {
		t.Errorf("GOGC=73: TuneGC = %d, want 73", got)
	}
	if p := debug.SetGCPercent(100); p != 73 {
		t.Errorf("GOGC=73: the runtime's percentage is %d, want 73", p)
	}
}
