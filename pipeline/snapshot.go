package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
)

// snapshots publishes versions of a directory's contents as a whole. Each
// version is written in full under dir/.snapshots/RUN; dir/.current, a
// symbolic link, names the published one and is replaced by a rename,
// which is atomic: a reader that opens paths through .current sees one
// version or the next, never a mix, and a writer killed at any moment
// leaves the published version as it was.
type snapshots struct{ dir string }

const (
	snapshotsDir = ".snapshots"
	currentLink  = ".current"
)

// current returns the run of the published version, or "" when there is
// none.
func (s snapshots) current() (string, error) {
	target, err := os.Readlink(filepath.Join(s.dir, currentLink))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return filepath.Base(target), nil
}

// path returns the directory of run's version.
func (s snapshots) path(run string) string { return filepath.Join(s.dir, snapshotsDir, run) }

// create returns an empty directory for run's version, removing what a
// killed run may have left there.
func (s snapshots) create(run string) (string, error) {
	p := s.path(run)
	if err := os.RemoveAll(p); err != nil {
		return "", err
	}
	return p, os.MkdirAll(p, 0o755)
}

// publish makes run's version the current one: its files are synced, then
// .current is replaced.
func (s snapshots) publish(run string) error {
	if err := syncTree(s.path(run)); err != nil {
		return err
	}
	tmp := filepath.Join(s.dir, currentLink+".tmp")
	os.Remove(tmp)
	if err := os.Symlink(filepath.Join(snapshotsDir, run), tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(s.dir, currentLink)); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(s.dir)
}

// prune removes every version but the ones named; a reader may still be
// reading the previous one.
func (s snapshots) prune(keep ...string) {
	entries, _ := os.ReadDir(filepath.Join(s.dir, snapshotsDir))
	for _, e := range entries {
		if !slices.Contains(keep, e.Name()) {
			os.RemoveAll(filepath.Join(s.dir, snapshotsDir, e.Name()))
		}
	}
	os.Remove(filepath.Join(s.dir, currentLink+".tmp"))
}

// nextRun numbers the run after prev ("" for the first): zero-padded, so
// that run ids sort as they happened.
func nextRun(prev string) (string, error) {
	n := 0
	if prev != "" {
		var err error
		if n, err = strconv.Atoi(prev); err != nil {
			return "", fmt.Errorf("run id %q is not a number", prev)
		}
	}
	return fmt.Sprintf("%06d", n+1), nil
}

// syncTree syncs every directory under root (the files were synced as
// they were written), so that the new names survive a crash of the
// machine, not only of the process.
func syncTree(root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		return syncDir(path)
	})
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// isScheduledOutput reports whether dir holds the output of scheduled runs.
func isScheduledOutput(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, currentLink))
	return err == nil
}
