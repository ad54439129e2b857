package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// mountTmpfs mounts a tmpfs of the given size and options on a fresh
// directory, or skips the test where mounting is not allowed.
func mountTmpfs(t *testing.T, opts string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", opts, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v: %s); the output fault tests need root", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir
}

func dirContents(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if fi, err := os.Stat(filepath.Join(dir, e.Name())); err == nil && fi.IsDir() {
			sub := dirContents(t, filepath.Join(dir, e.Name()))
			for name, b := range sub {
				files[e.Name()+"/"+name] = b
			}
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	return files
}

// TestDiskFull fills the output file system in the middle of writing: the
// run fails with ErrOutput and the previous run's output stays as it was,
// without temporary files.
func TestDiskFull(t *testing.T) {
	// Size the file system so that the embedded sample's articles table
	// fits beside a small earlier output, and its stories table does not:
	// the new articles must not replace the old ones.
	probe := t.TempDir()
	if _, err := Run(context.Background(), Config{Out: probe}); err != nil {
		t.Fatal(err)
	}
	pages := func(name string) int64 {
		info, err := os.Stat(filepath.Join(probe, name))
		if err != nil {
			t.Fatal(err)
		}
		return info.Size()/4096 + 1
	}
	size := (8 + pages("articles.parquet") + pages("stories.parquet")/2) * 4
	out := mountTmpfs(t, fmt.Sprintf("size=%dk", size))
	small := filepath.Join(t.TempDir(), "small.jsonl")
	os.WriteFile(small, []byte(`{"id":"1","title":"Volcano erupts","outlet":"A"}`+"\n"+`{"id":"2","title":"Volcano erupts again","outlet":"B"}`+"\n"), 0o644)
	if _, err := Run(context.Background(), Config{Inputs: []string{small}, Out: out}); err != nil {
		t.Fatal(err)
	}
	before := dirContents(t, out)
	_, err := Run(context.Background(), Config{Out: out})
	if !errors.Is(err, ErrWrite) || !errors.Is(err, ErrOutput) {
		t.Fatalf("err = %v, want ErrWrite (found after the work: exit status 1)", err)
	}
	after := dirContents(t, out)
	if len(after) != len(before) {
		t.Errorf("files after the failed run: %d, before: %d (temporary files left?)", len(after), len(before))
	}
	for name, b := range before {
		if !bytes.Equal(after[name], b) {
			t.Errorf("%s changed by the failed run", name)
		}
	}
}

// TestReadOnlyOutput: an output directory that cannot be written is an
// error before any work.
func TestReadOnlyOutput(t *testing.T) {
	out := mountTmpfs(t, "size=1m,ro")
	_, err := Run(context.Background(), Config{Out: out})
	if !errors.Is(err, ErrOutput) || errors.Is(err, ErrWrite) {
		t.Fatalf("err = %v, want ErrOutput before any work (exit status 2)", err)
	}
	_, err = Run(context.Background(), Config{Out: filepath.Join(out, "sub")})
	if !errors.Is(err, ErrOutput) {
		t.Fatalf("subdirectory of a read-only mount: err = %v, want ErrOutput", err)
	}
}

// TestStaleTempFiles: temporary files left by a killed run are removed by
// the next one.
func TestStaleTempFiles(t *testing.T) {
	out := t.TempDir()
	stale := filepath.Join(out, ".articles.123.tmp")
	os.WriteFile(stale, []byte("half a file"), 0o644)
	if _, err := Run(context.Background(), testConfig(copyTree(t), out)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temporary file still there: %v", err)
	}
}

// TestConcurrentRuns: while one run holds the output directory, a second
// fails at once with a clear message, and succeeds once the first is done.
func TestConcurrentRuns(t *testing.T) {
	out := t.TempDir()
	unlock, err := lockOutput(out)
	if err != nil {
		t.Fatal(err)
	}
	// The first run's file being written: the refused run must not take
	// it for a killed run's leftover.
	writing := filepath.Join(out, ".articles.123.tmp")
	os.WriteFile(writing, []byte("half a file"), 0o644)
	_, err = Run(context.Background(), testConfig(copyTree(t), out))
	if !errors.Is(err, ErrOutput) || !strings.Contains(err.Error(), "another run is writing") {
		t.Fatalf("second run: err = %v, want ErrOutput naming the other run", err)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 2 {
		t.Errorf("the refused run left %d files, want the lock and the first run's file", len(entries))
	}
	if _, err := os.Stat(writing); err != nil {
		t.Errorf("the refused run removed the first run's file: %v", err)
	}
	os.Remove(writing)
	unlock()
	if _, err := Run(context.Background(), testConfig(copyTree(t), out)); err != nil {
		t.Fatalf("after the first run: %v", err)
	}
}
