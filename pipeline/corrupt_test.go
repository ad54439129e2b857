package pipeline

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storyclust/storyclust/pipeline/snapshot"
)

// restorer keeps a copy of dirs (links as links) and puts it back.
func restorer(t *testing.T, dirs ...string) func() {
	t.Helper()
	keep := t.TempDir()
	for i, d := range dirs {
		if out, err := exec.Command("cp", "-a", d, filepath.Join(keep, fmt.Sprint(i))).CombinedOutput(); err != nil {
			t.Fatalf("cp: %v: %s", err, out)
		}
	}
	return func() {
		for i, d := range dirs {
			os.RemoveAll(d)
			if out, err := exec.Command("cp", "-a", filepath.Join(keep, fmt.Sprint(i)), d).CombinedOutput(); err != nil {
				t.Fatalf("cp: %v: %s", err, out)
			}
		}
	}
}

// TestDamagedState: a state or earlier output file with flipped bytes, or
// another valid table copied over it, stops the next scheduled run with an
// error naming the file: no panic, and no stories built on the wrong
// table.
func TestDamagedState(t *testing.T) {
	files, out, state := scheduledDays(t, 600, 3)
	next := dailyInputs(t, 300, 1)[0]
	current := func(dir string) string {
		target, err := os.Readlink(filepath.Join(dir, snapshot.CurrentLink))
		if err != nil {
			t.Fatal(err)
		}
		return filepath.Join(dir, target)
	}
	stateFiles := []string{"live.parquet", "seen.parquet", "docfreq.parquet"}
	var outputFiles []string
	filepath.WalkDir(current(out), func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".parquet") && strings.Contains(p, "articles") && len(outputFiles) < 2 {
			rel, _ := filepath.Rel(current(out), p)
			outputFiles = append(outputFiles, rel)
		}
		return nil
	})
	if len(outputFiles) == 0 {
		t.Fatal("no output partition found")
	}
	_ = files
	restore := restorer(t, state, out)
	damage := func(t *testing.T, dir, name string, at float64) {
		p := filepath.Join(current(dir), name)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		// Leave the footer whole: the damage is inside the pages.
		k := int(float64(len(b)-200) * at)
		for i := k; i < k+16 && i < len(b); i++ {
			b[i] ^= 0x5a
		}
		os.Remove(p) // a hard link to the version before: write a file of its own
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func() error {
		defer restore()
		_, err := Run(context.Background(), Config{Inputs: []string{next}, State: state, Out: out, Workers: 2})
		return err
	}
	for _, name := range stateFiles {
		for _, at := range []float64{0.1, 0.5, 0.9} {
			damage(t, state, name, at)
			if err := run(); err != nil && !strings.Contains(err.Error(), name) {
				t.Errorf("%s damaged at %.0f%%: error %v does not name the file", name, at*100, err)
			}
		}
	}
	for _, name := range outputFiles {
		for _, at := range []float64{0.1, 0.5, 0.9} {
			damage(t, out, name, at)
			if err := run(); err != nil && !strings.Contains(err.Error(), filepath.Base(name)) {
				t.Errorf("%s damaged at %.0f%%: error %v does not name the file", name, at*100, err)
			}
		}
	}
	// Valid tables in the wrong places.
	for _, swap := range [][2]string{{"seen.parquet", "live.parquet"}, {"live.parquet", "docfreq.parquet"}, {"docfreq.parquet", "seen.parquet"}} {
		b, err := os.ReadFile(filepath.Join(current(state), swap[0]))
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(current(state), swap[1])
		os.Remove(dst)
		os.WriteFile(dst, b, 0o644)
		err = run()
		if err == nil || !strings.Contains(err.Error(), swap[1]) || !strings.Contains(err.Error(), "not the table expected here") {
			t.Errorf("%s copied over %s: err = %v, want one naming the file", swap[0], swap[1], err)
		}
	}
}
