package snapshot

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

// Dir publishes versions of the directory at its path as a whole (see the
// package doc).
type Dir string

const (
	// VersionsDir holds the versions, one directory a run.
	VersionsDir = ".snapshots"
	// CurrentLink names the published version.
	CurrentLink = ".current"
)

// Current returns the run of the published version, or "" when there is
// none.
func (d Dir) Current() (string, error) {
	target, err := os.Readlink(filepath.Join(string(d), CurrentLink))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return filepath.Base(target), nil
}

// Version returns the directory of run's version.
func (d Dir) Version(run string) string { return filepath.Join(string(d), VersionsDir, run) }

// Create returns an empty directory for run's version, removing what a
// killed run may have left there.
func (d Dir) Create(run string) (string, error) {
	p := d.Version(run)
	if err := os.RemoveAll(p); err != nil {
		return "", err
	}
	return p, os.MkdirAll(p, 0o755)
}

// Publish makes run's version the current one: its files are synced, then
// .current is replaced.
func (d Dir) Publish(run string) error {
	if err := syncTree(d.Version(run)); err != nil {
		return err
	}
	tmp := filepath.Join(string(d), CurrentLink+".tmp")
	os.Remove(tmp)
	if err := os.Symlink(filepath.Join(VersionsDir, run), tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(string(d), CurrentLink)); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(string(d))
}

// Prune removes every version but the ones named; a reader may still be
// reading the previous one.
func (d Dir) Prune(keep ...string) {
	entries, _ := os.ReadDir(filepath.Join(string(d), VersionsDir))
	for _, e := range entries {
		if !slices.Contains(keep, e.Name()) {
			os.RemoveAll(filepath.Join(string(d), VersionsDir, e.Name()))
		}
	}
	os.Remove(filepath.Join(string(d), CurrentLink+".tmp"))
}

// NextRun numbers the run after prev ("" for the first): zero-padded, so
// that run ids sort as they happened.
func NextRun(prev string) (string, error) {
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

// Published reports whether the directory holds a published version.
func (d Dir) Published() bool {
	_, err := os.Lstat(filepath.Join(string(d), CurrentLink))
	return err == nil
}

// CheckLinks reports an error when something other than a link or a file
// is in the way of a link DIR/name into the published version.
func (d Dir) CheckLinks(names []string) error {
	dir := string(d)
	for _, name := range names {
		fi, err := os.Lstat(filepath.Join(dir, name))
		if err == nil && !fi.Mode().IsRegular() && fi.Mode()&os.ModeSymlink == 0 {
			return fmt.Errorf("%q is in the way of the link to the output; move it", filepath.Join(dir, name))
		}
	}
	return nil
}

// Link makes each DIR/name a symbolic link to .current/name,
// replacing a file of that name (from an output written before the
// outputs were versioned) with one rename, and removes the links of the
// tables of another format that no longer lead anywhere.
func (d Dir) Link(names []string) error {
	dir := string(d)
	for _, name := range names {
		link := filepath.Join(dir, name)
		target := filepath.Join(CurrentLink, name)
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
		if t, err := os.Readlink(p); err == nil && strings.HasPrefix(t, CurrentLink+string(filepath.Separator)) && !slices.Contains(names, e.Name()) {
			if _, err := os.Stat(p); err != nil {
				os.Remove(p)
			}
		}
	}
	return syncDir(dir)
}
