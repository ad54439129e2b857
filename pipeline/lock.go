package pipeline

import (
	"errors"
	"fmt"

	"github.com/storyclust/storyclust/pipeline/dirlock"
)

// lockOutput takes an exclusive lock on dir for the length of a run, so
// that two runs (two cron jobs that overlap) cannot interleave their
// outputs. The second run fails at once with ErrOutput.
func lockOutput(dir string) (unlock func(), err error) {
	return lockDir(dir, "another run is writing to %q")
}

// lockDir takes an exclusive lock on dir or fails at once with ErrOutput
// and busy (formatted with dir) when another process holds it.
func lockDir(dir, busy string) (unlock func(), err error) {
	unlock, err = dirlock.Lock(dir)
	switch {
	case errors.Is(err, dirlock.ErrBusy):
		return nil, fmt.Errorf("%w: "+busy, ErrOutput, dir)
	case err != nil:
		return nil, fmt.Errorf("%w: %w", ErrOutput, err)
	}
	return unlock, nil
}
