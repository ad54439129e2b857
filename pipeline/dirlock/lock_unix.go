//go:build unix

package dirlock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/storyclust/storyclust/data"
)

// ErrBusy is returned by Lock when another process holds the lock.
var ErrBusy = errors.New("locked by another process")

// Lock takes an exclusive lock on dir, or fails at once with ErrBusy when
// another process holds it; unlock lets it go.
func Lock(dir string) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, data.OutputLock), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrBusy
		}
		return nil, fmt.Errorf("lock %q: %w", dir, err)
	}
	return func() { f.Close() }, nil
}
