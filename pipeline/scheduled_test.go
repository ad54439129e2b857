package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/storyclust/storyclust/data/synth"
	"github.com/storyclust/storyclust/data/table"
	"github.com/storyclust/storyclust/pipeline/snapshot"
)

// dailyInputs writes a synthetic labelled corpus of n articles over days
// days as one JSONL file per publication day, and returns the files in
// date order.
func dailyInputs(t *testing.T, n, days int) []string {
	t.Helper()
	files, err := synth.WriteJSONLDays(t.TempDir(), synth.New(synth.Config{Articles: n, Seed: 3, Days: days, Outlets: 60}))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// scheduledDays runs a synthetic corpus of n articles over days days, one
// scheduled run per day, into a new output and state; it returns the day
// files and the two directories.
func scheduledDays(t *testing.T, n, days int) (files []string, out, state string) {
	t.Helper()
	files = dailyInputs(t, n, days)
	dir := t.TempDir()
	out, state = filepath.Join(dir, "out"), filepath.Join(dir, "state")
	for _, f := range files {
		scheduled(t, state, out, f)
	}
	return files, out, state
}

func scheduled(t *testing.T, state, out string, inputs ...string) *Manifest {
	t.Helper()
	m, err := Run(context.Background(), Config{Inputs: inputs, State: state, Out: out, Workers: 2})
	if err != nil {
		t.Fatalf("scheduled run on %v: %v", inputs, err)
	}
	c := m.Counts
	if c.Read != c.Clustered+c.Rejected+c.DuplicatesDropped+c.AlreadySeen {
		t.Fatalf("run %s: read %d != clustered %d + rejected %d + duplicates %d + already seen %d",
			m.RunID, c.Read, c.Clustered, c.Rejected, c.DuplicatesDropped, c.AlreadySeen)
	}
	return m
}

// checkCurrentView checks that the accumulated output is one consistent
// dataset: each article once, each story once, and every story's counts
// those of its articles.
func checkCurrentView(t *testing.T, out string, wantArticles int) *table.Output {
	t.Helper()
	o, err := table.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Articles) != wantArticles {
		t.Errorf("%d article rows, want %d", len(o.Articles), wantArticles)
	}
	perStory, withOutlet := map[string]int{}, map[string]int{}
	seen := map[string]bool{}
	for _, a := range o.Articles {
		if seen[a.ArticleID] {
			t.Errorf("article %s appears twice", a.ArticleID)
		}
		seen[a.ArticleID] = true
		perStory[a.StoryID]++
		if a.Outlet != "" {
			withOutlet[a.StoryID]++
		}
	}
	stories := map[string]bool{}
	for _, s := range o.Stories {
		if stories[s.StoryID] {
			t.Errorf("story %s appears twice", s.StoryID)
		}
		stories[s.StoryID] = true
		if perStory[s.StoryID] != s.NArticles {
			t.Errorf("story %s: n_articles %d, but %d articles name it", s.StoryID, s.NArticles, perStory[s.StoryID])
		}
	}
	if len(stories) != len(perStory) {
		t.Errorf("%d stories, but articles name %d", len(stories), len(perStory))
	}
	outletArticles := map[string]int{}
	for _, so := range o.StoryOutlets {
		if !stories[so.StoryID] {
			t.Errorf("story_outlets names story %s, which is not in stories", so.StoryID)
		}
		outletArticles[so.StoryID] += so.NArticles
	}
	for _, s := range o.Stories {
		if n := outletArticles[s.StoryID]; n != withOutlet[s.StoryID] {
			t.Errorf("story %s: story_outlets count %d articles, but %d of its articles have an outlet", s.StoryID, n, withOutlet[s.StoryID])
		}
	}
	return o
}

// assignments maps each article of the output in out to its story, or
// to its storyline.
func assignments(t *testing.T, out string, storylines bool) map[string]string {
	t.Helper()
	ids, stories, err := table.ReadAssignments(out, storylines)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for i, id := range ids {
		m[id] = stories[i]
	}
	return m
}

// Daily runs build the same stories as one run over all days, and a story
// keeps its id unless the lineage says why not.
func TestScheduledRunsAgreeWithOneRun(t *testing.T) {
	files := dailyInputs(t, 3000, 8)
	dir := t.TempDir()
	one, out, state := filepath.Join(dir, "one"), filepath.Join(dir, "out"), filepath.Join(dir, "state")
	if _, err := Run(context.Background(), Config{Inputs: files, Out: one}); err != nil {
		t.Fatal(err)
	}
	before := map[string]string{}
	total := 0
	for _, f := range files {
		m := scheduled(t, state, out, f)
		total += m.Counts.Clustered
		after := assignments(t, out, false)
		lineage, err := readLineage(filepath.Join(out, "story_lineage", "run="+m.RunID, partFile), "story")
		if err != nil {
			t.Fatal(err)
		}
		explained := map[[2]string]string{}
		for _, l := range lineage {
			explained[[2]string{l.PreviousID, l.ID}] = l.Relation
		}
		moved := 0
		for id, was := range before {
			now := after[id]
			if now == was {
				continue
			}
			moved++
			if rel := explained[[2]string{was, now}]; rel != relMerge && rel != relSplit {
				t.Errorf("run %s: article %s moved from story %s to %s; lineage says %q", m.RunID, id, was, now, rel)
			}
		}
		if moved > len(before)/10 {
			t.Errorf("run %s: %d of %d earlier articles changed story", m.RunID, moved, len(before))
		}
		before = after
	}
	checkCurrentView(t, out, total)
	if total != 3000 {
		t.Errorf("%d articles clustered over all runs, want 3000", total)
	}
	a, err := Compare(one, out, GrainStory)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d daily runs against one run: B-cubed P %.3f R %.3f F1 %.3f", len(files), a.BCubedPrecision, a.BCubedRecall, a.BCubedF1)
	if a.Items != 3000 || a.BCubedF1 < 0.95 {
		t.Errorf("daily runs agree with one run on %d articles with B-cubed F1 %.3f, want 3000 and >= 0.95", a.Items, a.BCubedF1)
	}
	if a, err = Compare(one, out, GrainStoryline); err != nil {
		t.Fatal(err)
	}
	t.Logf("storylines: B-cubed P %.3f R %.3f F1 %.3f", a.BCubedPrecision, a.BCubedRecall, a.BCubedF1)
	if a.Items != 3000 || a.BCubedF1 < 0.95 {
		t.Errorf("daily runs' storylines agree with one run's on %d articles with B-cubed F1 %.3f, want 3000 and >= 0.95", a.Items, a.BCubedF1)
	}
}

// Running the same input again adds nothing and changes nothing.
func TestScheduledRerunIsIdempotent(t *testing.T) {
	files, out, state := scheduledDays(t, 600, 3)
	first := checkCurrentView(t, out, 600)
	m := scheduled(t, state, out, files...)
	if m.Counts.AlreadySeen != 600 || m.Counts.Clustered != 0 || m.Counts.Updated != 0 {
		t.Errorf("rerun: %d already seen, %d clustered, %d updated; want 600, 0, 0", m.Counts.AlreadySeen, m.Counts.Clustered, m.Counts.Updated)
	}
	again := checkCurrentView(t, out, 600)
	if !reflect.DeepEqual(first, again) {
		t.Error("the output changed when the same input was run again")
		for i := range first.Articles {
			if !reflect.DeepEqual(first.Articles[i], again.Articles[i]) {
				t.Logf("%+v\n%+v", first.Articles[i], again.Articles[i])
				break
			}
		}
		for i := range first.Stories {
			if !reflect.DeepEqual(first.Stories[i], again.Stories[i]) {
				t.Logf("%+v\n%+v", first.Stories[i], again.Stories[i])
				break
			}
		}
		for i := range first.StoryOutlets {
			if !reflect.DeepEqual(first.StoryOutlets[i], again.StoryOutlets[i]) {
				t.Logf("%+v\n%+v", first.StoryOutlets[i], again.StoryOutlets[i])
				break
			}
		}
		for i := range min(len(first.Storylines), len(again.Storylines)) {
			if !reflect.DeepEqual(first.Storylines[i], again.Storylines[i]) {
				t.Logf("%+v\n%+v", first.Storylines[i], again.Storylines[i])
				break
			}
		}
	}
	if len(first.Storylines) == 0 {
		t.Error("no storylines")
	}
	for _, unit := range []string{"story", "storyline"} {
		lineage, err := readLineage(filepath.Join(out, unit+"_lineage", "run="+m.RunID, partFile), unit)
		if err != nil || len(lineage) != 0 {
			t.Errorf("rerun wrote %s lineage %v (err %v), want none", unit, lineage, err)
		}
	}
	// state.json describes the live articles it holds.
	snap := snapshot.Dir(state).Version(m.RunID)
	var info stateInfo
	b, err := os.ReadFile(filepath.Join(snap, stateFile))
	if err == nil {
		err = json.Unmarshal(b, &info)
	}
	if err != nil {
		t.Fatal(err)
	}
	live, err := readLive(filepath.Join(snap, "live.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	stories := map[string]bool{}
	for _, l := range live {
		stories[l.StoryID] = true
	}
	if info.LiveArticles != len(live) || info.LiveStories != len(stories) || info.SeenArticles != 600 || info.Documents != 600 {
		t.Errorf("state.json %+v; the state holds %d live articles in %d stories, 600 seen", info, len(live), len(stories))
	}
}

// An article sent again with new content replaces its row, whether its
// story is still live or closed.
func TestScheduledUpdatesChangedArticles(t *testing.T) {
	files, out, state := scheduledDays(t, 600, 6)
	dir := t.TempDir()
	// The first article of the first day (its story long closed) and the
	// last article of the last day (live), with new titles.
	read := func(path string) []map[string]string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var rows []map[string]string
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			var r map[string]string
			if err := json.Unmarshal([]byte(l), &r); err != nil {
				t.Fatal(err)
			}
			rows = append(rows, r)
		}
		return rows
	}
	old, live := read(files[0])[0], read(files[len(files)-1])
	newest := live[len(live)-1]
	run, err := snapshot.Dir(state).Current()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := readLive(filepath.Join(snapshot.Dir(state).Version(run), "live.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	isLive := map[string]bool{}
	for _, l := range rows {
		isLive[l.Article.ID] = true
	}
	if isLive[old["id"]] || !isLive[newest["id"]] {
		t.Fatalf("the test needs %s closed (live: %v) and %s live (live: %v)", old["id"], isLive[old["id"]], newest["id"], isLive[newest["id"]])
	}
	var b strings.Builder
	for _, r := range []map[string]string{old, newest} {
		r["title"] = "Corrected: " + r["title"]
		r["text"] += " This article has been corrected."
		row, _ := json.Marshal(r)
		b.Write(row)
		b.WriteByte('\n')
	}
	fix := filepath.Join(dir, "corrections.jsonl")
	if err := os.WriteFile(fix, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	m := scheduled(t, state, out, fix)
	if m.Counts.Updated != 2 || m.Counts.Clustered != 2 || m.Counts.AlreadySeen != 0 {
		t.Errorf("corrections: %d updated, %d clustered, %d already seen; want 2, 2, 0", m.Counts.Updated, m.Counts.Clustered, m.Counts.AlreadySeen)
	}
	if len(m.Notes) == 0 || !strings.Contains(m.Notes[len(m.Notes)-1], old["id"]) || !strings.Contains(m.Notes[len(m.Notes)-1], newest["id"]) {
		t.Errorf("manifest notes %q do not name the updated articles %s and %s", m.Notes, old["id"], newest["id"])
	}
	o := checkCurrentView(t, out, 600)
	titles := map[string]string{}
	for _, a := range o.Articles {
		titles[a.ArticleID] = a.Title
	}
	for _, r := range []map[string]string{old, newest} {
		if titles[r["id"]] != r["title"] {
			t.Errorf("article %s has title %q, want %q", r["id"], titles[r["id"]], r["title"])
		}
	}
}

func TestScheduledRunGuards(t *testing.T) {
	files := dailyInputs(t, 200, 2)
	dir := t.TempDir()
	out, state := filepath.Join(dir, "out"), filepath.Join(dir, "state")
	scheduled(t, state, out, files[0])
	oneOff := filepath.Join(dir, "one-off")
	if _, err := Run(context.Background(), Config{Inputs: files[:1], Out: oneOff}); err != nil {
		t.Fatal(err)
	}

	unlock, err := lockDir(state, "held by the test in %q")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), Config{Inputs: files[1:], State: state, Out: out})
	unlock()
	if !errorIs(err, ErrOutput, "another run is using the state") {
		t.Errorf("run on a locked state: %v", err)
	}
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"state of another output", Config{State: state, Out: filepath.Join(dir, "other")}, "belongs to the output"},
		{"output of another state", Config{State: filepath.Join(dir, "state2"), Out: out}, "another state directory"},
		{"one-off run into scheduled output", Config{Out: out}, "pass their --state"},
		{"state in the output directory", Config{State: out, Out: out}, "directories of their own"},
		{"another window", Config{State: state, Out: out, Window: time.Hour}, "was built with other parameters (--window 72h0m0s → 1h0m0s)"},
		{"another threshold", Config{State: state, Out: out, Threshold: 0.5}, "(--threshold 0.2 → 0.5): its live stories would be formed anew; pass --change-parameters"},
		{"another threshold of terms", Config{State: state, Out: out, MinZ: 3}, "(--min-z 1.96 → 3)"},
		{"one-off output given a state", Config{State: filepath.Join(dir, "state3"), Out: oneOff}, "holds the output of a one-off run"},
	}
	for _, c := range cases {
		c.cfg.Inputs = files[1:]
		if _, err := Run(context.Background(), c.cfg); !errorIs(err, ErrOutput, c.want) && !errorIs(err, ErrConfig, c.want) {
			t.Errorf("%s: %v, want ErrOutput or ErrConfig saying %q", c.name, err, c.want)
		}
	}
	// None of them changed the output.
	if m := scheduled(t, state, out, files[1]); m.RunID != "000002" {
		t.Errorf("the next run is %s, want 000002", m.RunID)
	}
	// A change accepted is recorded.
	m, err := Run(context.Background(), Config{Inputs: files[1:], State: state, Out: out, Window: time.Hour, ChangeParameters: true})
	if err != nil || len(m.ParametersChanged) != 1 || m.ParametersChanged[0] != "--window 72h0m0s → 1h0m0s" {
		t.Fatalf("accepted change: %v, manifest records %q", err, m.ParametersChanged)
	}
	if _, err := Run(context.Background(), Config{Inputs: files[1:], State: state, Out: out}); !errorIs(err, ErrConfig, "--window 1h0m0s → 72h0m0s") {
		t.Errorf("the state keeps the accepted parameters: %v", err)
	}
}

func errorIs(err, kind error, text string) bool {
	return errors.Is(err, kind) && strings.Contains(err.Error(), text)
}

// Scheduled runs, one per news day of a storyline that runs for months,
// link each day's stories to the storyline of the closed stories before
// them, as one run over all days does, and keep its id.
func TestScheduledStorylines(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "storylines.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	days := map[string][]string{} // publication date -> lines
	var order []string
	for _, line := range strings.Split(strings.TrimSpace(string(src)), "\n") {
		var a struct{ Published string }
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatal(err)
		}
		day := a.Published[:10]
		if days[day] == nil {
			order = append(order, day)
		}
		days[day] = append(days[day], line)
	}
	if len(order) != 5 {
		t.Fatalf("%d days in the test file, want 5", len(order))
	}
	one, out, state := filepath.Join(dir, "one"), filepath.Join(dir, "out"), filepath.Join(dir, "state")
	crash := storylineID("a1")
	for k, day := range order {
		// Each day has other news too, as real days do: without it, the
		// words of the storyline would be in every article of a run's
		// first day and weigh nothing.
		f := filepath.Join(dir, day+".jsonl")
		lines := append(days[day], otherNews(t, day, 40)...)
		if err := os.WriteFile(f, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		m := scheduled(t, state, out, f)
		// The same day again changes nothing, storylines included, though
		// the stories that closed are now a closed part of their
		// storyline.
		before, err := table.Read(out)
		if err != nil {
			t.Fatal(err)
		}
		scheduled(t, state, out, f)
		if after, err := table.Read(out); err != nil || !reflect.DeepEqual(before, after) {
			t.Errorf("run %d (%s) again: the output changed (%v)", k+1, day, err)
		}
		got := assignments(t, out, true)
		if got["a1"] != crash {
			t.Errorf("after run %d (%s), a1 is in storyline %s, want %s throughout", k+1, day, got["a1"], crash)
		}
		t.Logf("run %d (%s): %d storylines formed, %d rows in all", k+1, day, m.Counts.Storylines, len(readPartitions(t, filepath.Join(out, "storylines"), table.ReadStorylines)))
		perLine := map[string]int{}
		for _, l := range got {
			perLine[l]++
		}
		seen := map[string]bool{}
		for _, r := range readPartitions(t, filepath.Join(out, "storylines"), table.ReadStorylines) {
			if seen[r.StorylineID] {
				t.Errorf("run %d: storyline %s has two rows", k+1, r.StorylineID)
			}
			seen[r.StorylineID] = true
			if r.NArticles != perLine[r.StorylineID] {
				t.Errorf("run %d: storyline %s counts %d articles, %d name it", k+1, r.StorylineID, r.NArticles, perLine[r.StorylineID])
			}
		}
		if len(seen) != len(perLine) {
			t.Errorf("run %d: %d storyline rows, articles name %d storylines", k+1, len(seen), len(perLine))
		}
	}
	var files []string
	for _, day := range order {
		files = append(files, filepath.Join(dir, day+".jsonl"))
	}
	if _, err := Run(context.Background(), Config{Inputs: files, Out: one, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	want, got := assignments(t, one, true), assignments(t, out, true)
	if want["a1"] != crash {
		t.Errorf("one run names the crash's storyline %s, want %s (after its first article)", want["a1"], crash)
	}
	for _, x := range order {
		for _, lx := range days[x] {
			for _, y := range order {
				for _, ly := range days[y] {
					a, b := lineID(t, lx), lineID(t, ly)
					if (want[a] == want[b]) != (got[a] == got[b]) {
						t.Errorf("%s and %s: in one storyline in one run %v, in the daily runs %v", a, b, want[a] == want[b], got[a] == got[b])
					}
				}
			}
		}
	}
	if a, err := Compare(one, out, GrainStoryline); err != nil {
		t.Fatal(err)
	} else {
		t.Logf("daily runs against one run at the storyline grain, other news included: B-cubed F1 %.3f", a.BCubedF1)
	}
}

// otherNews returns n synthetic articles of unrelated events published
// on day (YYYY-MM-DD), as JSON lines.
func otherNews(t *testing.T, day string, n int) []string {
	t.Helper()
	start, err := time.Parse(time.DateOnly, day)
	if err != nil {
		t.Fatal(err)
	}
	g := synth.New(synth.Config{Articles: n, Seed: uint64(start.Unix()), Start: start, Days: 1, Outlets: 20})
	var lines []string
	for a, ok := g.Next(); ok; a, ok = g.Next() {
		b, err := json.Marshal(map[string]string{"id": day + "-" + a.ID, "outlet": a.Outlet, "published": a.Published.Format(time.RFC3339),
			"title": a.Title, "text": a.Text})
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	}
	return lines
}

// lineID is the id of a JSON line.
func lineID(t *testing.T, line string) string {
	t.Helper()
	var a struct{ ID string }
	if err := json.Unmarshal([]byte(line), &a); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// readPartitions reads every partition of a table of scheduled runs.
func readPartitions[R any](t *testing.T, dir string, read func(string) ([]R, error)) []R {
	t.Helper()
	files, err := table.PartitionFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	var rows []R
	for _, f := range files {
		r, err := read(f)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r...)
	}
	return rows
}
