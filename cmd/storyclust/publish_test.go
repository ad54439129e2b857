package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/storyclust/storyclust/data/table"
)

// oneOff reads a one-off run's output and checks that its manifest speaks
// of the tables beside it: the articles read add up to those written.
func oneOff(t *testing.T, out string) (*table.Output, int) {
	t.Helper()
	o, err := table.Read(out)
	if err != nil {
		t.Fatalf("output: %v", err)
	}
	var m struct {
		Counts struct {
			Clustered int `json:"clustered"`
			Stories   int `json:"stories"`
		} `json:"counts"`
	}
	b, err := os.ReadFile(filepath.Join(out, "_manifest.json"))
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil {
		t.Fatalf("manifest: %v", err)
	}
	if m.Counts.Clustered != len(o.Articles) || m.Counts.Stories != len(o.Stories) {
		t.Fatalf("the manifest counts %d articles and %d stories, the tables hold %d and %d: tables and manifest of two runs",
			m.Counts.Clustered, m.Counts.Stories, len(o.Articles), len(o.Stories))
	}
	return o, len(o.Articles)
}

// A one-off run killed at any step of publishing, or stopped by a
// directory in the way of a table, leaves the previous output whole, with
// its own manifest; a killed run's leftovers are cleared by the next.
func TestOneOffRunKilled(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	small := filepath.Join(dir, "small.jsonl")
	os.WriteFile(small, []byte(`{"id":"1","title":"Volcano erupts near Grindavik","outlet":"A"}`+"\n"+`{"id":"2","title":"Volcano erupts again near Grindavik","outlet":"B"}`+"\n"), 0o644)
	if r := runBin(t, "", "run", "--quiet", "--out", out, small); r.code != 0 {
		t.Fatal(r)
	}
	before, n := oneOff(t, out)
	if n != 2 {
		t.Fatalf("first run wrote %d articles", n)
	}
	for _, point := range []string{"written", "published"} {
		cmd := exec.Command(bin, "run", "--quiet", "--out", out) // the embedded sample
		cmd.Env = append(os.Environ(), "STORYCLUST_CRASH="+point)
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("run killed at %s: %v", point, err)
		}
		after, n := oneOff(t, out)
		switch point {
		case "written":
			if !reflect.DeepEqual(after, before) {
				t.Fatalf("killed before publishing, the output changed (%d articles)", n)
			}
		case "published":
			if n <= 2 {
				t.Fatalf("killed after publishing, the output has %d articles, not the new run's", n)
			}
		}
	}

	// A directory where a table goes: the run fails before it publishes.
	if r := runBin(t, "", "run", "--quiet", "--out", out, small); r.code != 0 {
		t.Fatal(r)
	}
	before, _ = oneOff(t, out)
	os.Remove(filepath.Join(out, "story_outlets.parquet"))
	os.Mkdir(filepath.Join(out, "story_outlets.parquet"), 0o755)
	r := runBin(t, "", "run", "--quiet", "--out", out)
	if r.code == 0 {
		t.Fatal("a run with a directory in the way of a table succeeded")
	}
	os.Remove(filepath.Join(out, "story_outlets.parquet"))
	os.Symlink(filepath.Join(".current", "story_outlets.parquet"), filepath.Join(out, "story_outlets.parquet"))
	if after, _ := oneOff(t, out); !reflect.DeepEqual(after, before) {
		t.Fatal("a run that failed before publishing changed the output")
	}
	entries, _ := os.ReadDir(filepath.Join(out, ".snapshots"))
	if len(entries) > 2 {
		t.Errorf("%d versions left, want at most 2", len(entries))
	}
}

// An output written before outputs were versioned (plain files) is
// replaced by links to the new version.
func TestOneOffRunOverPlainFiles(t *testing.T) {
	dir := t.TempDir()
	first, out := filepath.Join(dir, "first"), filepath.Join(dir, "out")
	if r := runBin(t, "", "run", "--quiet", "--out", first); r.code != 0 {
		t.Fatal(r)
	}
	os.Mkdir(out, 0o755)
	for _, name := range []string{"articles.parquet", "stories.parquet", "story_outlets.parquet", "rejects.parquet", "_manifest.json"} {
		b, err := os.ReadFile(filepath.Join(first, name))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(out, name), b, 0o644)
	}
	small := filepath.Join(dir, "small.jsonl")
	os.WriteFile(small, []byte(`{"id":"1","title":"Volcano erupts near Grindavik","outlet":"A"}`+"\n"), 0o644)
	if r := runBin(t, "", "run", "--quiet", "--out", out, small); r.code != 0 {
		t.Fatal(r)
	}
	if _, n := oneOff(t, out); n != 1 {
		t.Errorf("after the run over plain files the output has %d articles, want 1", n)
	}
}

// SIGTERM while a file of blank lines is read stops the run: it exits
// non-zero at once and publishes nothing.
func TestStopSignal(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	small := filepath.Join(dir, "small.jsonl")
	os.WriteFile(small, []byte(`{"id":"1","title":"Volcano erupts near Grindavik","outlet":"A"}`+"\n"), 0o644)
	if r := runBin(t, "", "run", "--quiet", "--out", out, small); r.code != 0 {
		t.Fatal(r)
	}
	before, _ := oneOff(t, out)
	blank := filepath.Join(dir, "blank.jsonl.gz")
	f, err := os.Create(blank)
	if err != nil {
		t.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	lines := bytes.Repeat([]byte("\n"), 1<<20)
	for range 512 { // 512 MiB of blank lines
		zw.Write(lines)
	}
	zw.Close()
	f.Close()

	cmd := exec.Command(bin, "run", "--quiet", "--out", out, blank)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		t.Fatal("the run did not stop within a minute of SIGTERM")
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(stderr.String(), "context canceled") {
		t.Errorf("stopped run: %v, stderr %q; want exit 1 saying it was stopped", err, stderr.String())
	}
	if after, _ := oneOff(t, out); !reflect.DeepEqual(after, before) {
		t.Error("a stopped run changed the output")
	}
}
