package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
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

// isScheduledOutput reports whether dir holds the output of scheduled runs
// (its tables are folders of partitions, with one of lineage).
func isScheduledOutput(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, "story_lineage"))
	return err == nil && isPublished(dir)
}

// isPublished reports whether dir holds versions published by snapshots.
func isPublished(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, currentLink))
	return err == nil
}

// checkLinks reports an error when something other than a link or a file
// is in the way of a link dir/name into the published version.
func checkLinks(dir string, names []string) error {
	for _, name := range names {
		fi, err := os.Lstat(filepath.Join(dir, name))
		if err == nil && !fi.Mode().IsRegular() && fi.Mode()&os.ModeSymlink == 0 {
			return fmt.Errorf("%q is in the way of the link to the output; move it", filepath.Join(dir, name))
		}
	}
	return nil
}

// replaceLinks makes each dir/name a symbolic link to .current/name,
// replacing a file of that name (from an output written before the
// outputs were versioned) with one rename, and removes the links of the
// tables of another format that no longer lead anywhere.
func replaceLinks(dir string, names []string) error {
	for _, name := range names {
		link := filepath.Join(dir, name)
		target := filepath.Join(currentLink, name)
		if t, err := os.Readlink(link); err == nil && t == target {
			continue
		}
		tmp := filepath.Join(dir, "."+name+".link.tmp") // removed by the next run if left
		os.Remove(tmp)
		if err := os.Symlink(target, tmp); err != nil {
			return err
		}
		if err := os.Rename(tmp, link); err != nil {
			os.Remove(tmp)
			return err
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if t, err := os.Readlink(p); err == nil && strings.HasPrefix(t, currentLink+string(filepath.Separator)) && !slices.Contains(names, e.Name()) {
			if _, err := os.Stat(p); err != nil {
				os.Remove(p)
			}
		}
	}
	return syncDir(dir)
}
