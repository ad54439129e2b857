package parallel

import (
	"context"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
)

// Runs calls fn(w, from, to) for the runs [from, to) of run indexes that
// make up [0, n), on up to workers goroutines that take runs in turn; w
// numbers the goroutine (0 ≤ w < workers), for scratch space of its own.
// Each index is in one run. It stops taking runs once ctx is done, and
// returns ctx's error then.
func Runs(ctx context.Context, n, workers, run int, fn func(w, from, to int)) error {
	run = max(run, 1)
	g, gctx := errgroup.WithContext(ctx)
	var next atomic.Int64
	for w := range min(max(workers, 1), (n+run-1)/run) {
		g.Go(func() error {
			for {
				from := int(next.Add(int64(run))) - run
				if from >= n {
					return nil
				}
				if err := gctx.Err(); err != nil {
					return err
				}
				fn(w, from, min(from+run, n))
			}
		})
	}
	return g.Wait()
}

// For calls fn(i) for every index in [0, n), as Runs does: many indexes a
// run for cheap calls (one per document), one for calls that each do much.
func For(ctx context.Context, n, workers, run int, fn func(i int)) error {
	return Runs(ctx, n, workers, run, func(_, from, to int) {
		for i := from; i < to; i++ {
			fn(i)
		}
	})
}
