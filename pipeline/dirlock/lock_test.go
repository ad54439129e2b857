//go:build unix

package dirlock

import (
	"errors"
	"os"
	"os/exec"
	"testing"
)

// TestLock: a second process cannot take a lock one holds, and can once it
// is let go. The second is a real process (flock locks are per open file,
// and a child holds its own).
func TestLock(t *testing.T) {
	if os.Getenv("DIRLOCK_CHILD") != "" {
		_, err := Lock(os.Getenv("DIRLOCK_CHILD"))
		if errors.Is(err, ErrBusy) {
			os.Exit(3)
		}
		if err != nil {
			os.Exit(4)
		}
		os.Exit(0)
	}
	dir := t.TempDir()
	child := func() int {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestLock$")
		cmd.Env = append(os.Environ(), "DIRLOCK_CHILD="+dir)
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	}
	unlock, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	if code := child(); code != 3 {
		t.Errorf("a second process locking a held directory exited %d, want 3 (ErrBusy)", code)
	}
	unlock()
	if code := child(); code != 0 {
		t.Errorf("a second process locking a free directory exited %d, want 0", code)
	}
}
