package parallel

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
)

// TestRuns checks that every index is handled once, in runs of at most run
// consecutive indexes, by goroutines numbered below workers.
func TestRuns(t *testing.T) {
	for _, c := range []struct{ n, workers, run int }{
		{0, 4, 8}, {1, 4, 8}, {1000, 1, 7}, {1000, 3, 7}, {1000, 8, 1000}, {1000, 0, 0}, {5, 16, 1},
	} {
		hits := make([]atomic.Int32, c.n)
		var bad atomic.Int32
		err := Runs(context.Background(), c.n, c.workers, c.run, func(w, from, to int) {
			if w < 0 || w >= max(c.workers, 1) || from >= to || to-from > max(c.run, 1) {
				bad.Add(1)
			}
			for i := from; i < to; i++ {
				hits[i].Add(1)
			}
		})
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		if bad.Load() > 0 {
			t.Errorf("%+v: %d runs out of bounds", c, bad.Load())
		}
		for i := range hits {
			if h := hits[i].Load(); h != 1 {
				t.Fatalf("%+v: index %d handled %d times", c, i, h)
			}
		}
	}
}

// TestForCanceled checks that a canceled context stops the loop early and
// is returned.
func TestForCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int32
	err := For(ctx, 1_000_000, 2, 10, func(i int) {
		if calls.Add(1) == 100 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := calls.Load(); n >= 1_000_000 {
		t.Errorf("all %d calls made after cancel", n)
	}
}
