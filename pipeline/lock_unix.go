//go:build unix

package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/storyclust/storyclust/data"
)

// lockName is the lock file in the output directory; its leading dot keeps
// readers of the dataset away from it.
const lockName = data.OutputLock

// lockOutput takes an exclusive lock on dir for the length of a run, so
// that two runs (two cron jobs that overlap) cannot interleave their
// outputs. The second run fails at once with ErrOutput. The lock goes with
// the process, also when it is killed.
func lockOutput(dir string) (unlock func(), err error) {
	return lockDir(dir, "another run is writing to %q")
}

// lockDir takes an exclusive lock on dir or fails at once with ErrOutput
// and busy (formatted with dir) when another process holds it.
func lockDir(dir, busy string) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, lockName), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrOutput, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: "+busy, ErrOutput, dir)
		}
		return nil, fmt.Errorf("%w: lock %q: %w", ErrOutput, dir, err)
	}
	return func() { f.Close() }, nil
}
