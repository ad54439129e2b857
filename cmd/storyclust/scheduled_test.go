//go:build unix

package main

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/storyclust/storyclust/data/synth"
	"github.com/storyclust/storyclust/data/table"
)

// days writes a synthetic corpus as one JSONL file per publication day.
func days(t *testing.T, n, span int) []string {
	t.Helper()
	files, err := synth.WriteJSONLDays(t.TempDir(), synth.New(synth.Config{Articles: n, Seed: 11, Days: span, Outlets: 40}))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// readable checks that the output published in out is whole: every table
// reads, every article and story appears once, and the manifest parses.
// It returns the tables and the manifest's run id.
func readable(t *testing.T, out string) (*table.Output, string) {
	t.Helper()
	o, err := table.Read(out)
	if err != nil {
		t.Fatalf("output after a killed run: %v", err)
	}
	ids := map[string]bool{}
	for _, a := range o.Articles {
		if ids[a.ArticleID] {
			t.Fatalf("article %s appears twice after a killed run", a.ArticleID)
		}
		ids[a.ArticleID] = true
	}
	perStory := map[string]int{}
	for _, a := range o.Articles {
		perStory[a.StoryID]++
	}
	for _, s := range o.Stories {
		if perStory[s.StoryID] != s.NArticles {
			t.Fatalf("story %s counts %d articles but %d name it", s.StoryID, s.NArticles, perStory[s.StoryID])
		}
	}
	var m struct {
		RunID string `json:"run_id"`
	}
	b, err := os.ReadFile(filepath.Join(out, "_manifest.json"))
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil {
		t.Fatalf("manifest after a killed run: %v", err)
	}
	return o, m.RunID
}

// A scheduled run killed at any moment leaves the previous output and
// state whole, and the next run succeeds: after the same days, with runs
// killed between them, the output is the one of runs never killed.
func TestScheduledRunKilled(t *testing.T) {
	files := days(t, 800, 3)
	dir := t.TempDir()
	refOut, refState := filepath.Join(dir, "ref"), filepath.Join(dir, "ref-state")
	var took []time.Duration
	for _, f := range files {
		start := time.Now()
		if r := runBin(t, "", "run", "--quiet", "--state", refState, "--out", refOut, f); r.code != 0 {
			t.Fatalf("run %s: %+v", f, r)
		}
		took = append(took, time.Since(start))
	}
	out, state := filepath.Join(dir, "out"), filepath.Join(dir, "state")
	rng := rand.New(rand.NewPCG(1, 2))
	kills := 0
	var before *table.Output
	for k, f := range files {
		args := []string{"run", "--quiet", "--state", state, "--out", out, f}
		// At each step of the commit...
		for _, point := range []string{"output-written", "state-written", "state-published", "output-published"} {
			cmd := exec.Command(bin, args...)
			cmd.Env = append(os.Environ(), "STORYCLUST_CRASH="+point)
			err := cmd.Run()
			if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("run killed at %s: %v", point, err)
			}
			kills++
			if k > 0 {
				o, _ := readable(t, out)
				if point != "output-published" && !reflect.DeepEqual(o, before) {
					t.Fatalf("killed at %s before the output was published, the output changed", point)
				}
				before = o
			}
		}
		// ...and at random moments of the whole run.
		for range 3 {
			cmd := exec.Command(bin, args...)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Duration(rng.Int64N(int64(took[k]))))
			cmd.Process.Kill()
			cmd.Wait()
			kills++
			if k > 0 {
				readable(t, out)
			}
		}
		r := runBin(t, "", args...)
		if r.code != 0 {
			t.Fatalf("the run after %d kills failed: %+v", kills, r)
		}
		before, _ = readable(t, out)
	}
	t.Logf("%d runs killed over %d days", kills, len(files))
	want, _ := readable(t, refOut)
	got, _ := readable(t, out)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after %d killed runs the output differs from that of runs never killed (%d/%d articles, %d/%d stories)",
			kills, len(got.Articles), len(want.Articles), len(got.Stories), len(want.Stories))
		for i := range got.Articles {
			if !reflect.DeepEqual(got.Articles[i], want.Articles[i]) {
				t.Logf("%+v\n%+v", got.Articles[i], want.Articles[i])
				break
			}
		}
		for i := range got.Stories {
			if !reflect.DeepEqual(got.Stories[i], want.Stories[i]) {
				t.Logf("%+v\n%+v", got.Stories[i], want.Stories[i])
				break
			}
		}
	}
	// No version is left behind but the current one and the one before.
	for _, d := range []string{out, state} {
		entries, err := os.ReadDir(filepath.Join(d, ".snapshots"))
		if err != nil || len(entries) > 2 {
			t.Errorf("%s holds %d versions (%v), want at most 2", d, len(entries), err)
		}
	}
}

// A second run on a state in use fails at once, saying so, and leaves the
// state as it was.
func TestScheduledRunLocked(t *testing.T) {
	files := days(t, 200, 2)
	dir := t.TempDir()
	out, state := filepath.Join(dir, "out"), filepath.Join(dir, "state")
	if r := runBin(t, "", "run", "--quiet", "--state", state, "--out", out, files[0]); r.code != 0 {
		t.Fatal(r)
	}
	f, err := os.OpenFile(filepath.Join(state, ".storyclust.lock"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r := runBin(t, "", "run", "--quiet", "--state", state, "--out", out, files[1])
	if r.code != 2 || !strings.Contains(r.stderr, "another run is using the state") {
		t.Errorf("run on a locked state: %+v", r)
	}
	if _, run := readable(t, out); run != "000001" {
		t.Errorf("after the refused run the output is of run %s, want 000001", run)
	}
	t.Logf("refused after %v", time.Since(start))
}

// The output of scheduled runs reads as one consistent dataset in real
// pandas and DuckDB, as the README says.
func TestScheduledOutputInPandasAndDuckDB(t *testing.T) {
	py := python(t)
	files := days(t, 500, 3)
	dir := t.TempDir()
	out, state := filepath.Join(dir, "out"), filepath.Join(dir, "state")
	for _, f := range files {
		if r := runBin(t, "", "run", "--quiet", "--state", state, "--out", out, f); r.code != 0 {
			t.Fatal(r)
		}
	}
	b, err := exec.Command(py, "testdata/check_scheduled.py", out, "500").CombinedOutput()
	if err != nil {
		t.Errorf("%v\n%s", err, b)
	}
}

// examples/cron.sh, run twice as cron would, with articles arriving in its
// inbox in between and a batch left by a failed run, builds one dataset
// holding every article once.
func TestCronExample(t *testing.T) {
	files := days(t, 400, 3)
	dir := t.TempDir()
	inbox, root := filepath.Join(dir, "inbox"), filepath.Join(dir, "root")
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	script, _ := filepath.Abs("../../examples/cron.sh")
	cron := func() {
		t.Helper()
		cmd := exec.Command("sh", script, inbox, root)
		cmd.Env = append(os.Environ(), "STORYCLUST="+bin)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("cron.sh: %v\n%s", err, b)
		}
	}
	arrive := func(fs ...string) {
		for _, f := range fs {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(inbox, filepath.Base(f)), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	half := len(files) / 2
	arrive(files[:half]...)
	cron()
	// A batch a killed run left behind, overlapping what was written.
	stale := filepath.Join(root, "batches", "00000000T000000Z-1")
	if err := os.MkdirAll(stale, 0o755); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(files[0])
	os.WriteFile(filepath.Join(stale, "again.jsonl"), b, 0o644)
	arrive(files[half:]...)
	cron()
	o, _ := readable(t, filepath.Join(root, "out"))
	if len(o.Articles) != 400 {
		t.Errorf("the dataset holds %d articles, want 400", len(o.Articles))
	}
	left, _ := os.ReadDir(filepath.Join(root, "batches"))
	inboxLeft, _ := os.ReadDir(inbox)
	if len(left) != 0 || len(inboxLeft) != 0 {
		t.Errorf("%d batches and %d inbox files left, want none", len(left), len(inboxLeft))
	}
}
