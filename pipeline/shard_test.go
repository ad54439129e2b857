package pipeline

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/data/synth"
	"github.com/storyclust/storyclust/data/table"
)

// TestShardStepsAsRun takes a corpus through the steps of a sharded run
// as one shard (read, duplicates dropped, document frequencies counted,
// clustered, tables built, manifests merged) and checks that they give
// what Run gives: the same rows and counts.
func TestShardStepsAsRun(t *testing.T) {
	dir := t.TempDir()
	f, in := synthCorpus(t, dir, synth.Config{Articles: 3000, Seed: 3, Days: 10})
	// A row that cannot be read, and one article given twice.
	f.WriteString("{not json\n")
	f.WriteString(`{"id":"syn-7","title":"again","text":"the same id"}` + "\n")
	f.Close()

	ctx := context.Background()
	cfg := Config{Inputs: []string{in}, Out: filepath.Join(dir, "run")}
	want, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}

	srcs, _, err := data.Sources([]string{in})
	if err != nil {
		t.Fatal(err)
	}
	read, err := ReadSource(ctx, cfg, srcs[0], time.Now())
	if err != nil {
		t.Fatal(err)
	}
	m := NewManifest(cfg)
	m.AddSource(read.Input, read.Read, read.Rejects)
	dups := NewManifest(cfg)
	var articles []data.Article
	var ids []string
	seen := map[string]bool{}
	for i, id := range read.IDs {
		if seen[id] {
			dups.Counts.DuplicatesDropped++
			continue
		}
		seen[id] = true
		articles, ids = append(articles, read.Articles[i]), append(ids, id)
	}
	df, err := TermCounts(ctx, cfg, articles)
	if err != nil {
		t.Fatal(err)
	}
	labels, err := ClusterShard(ctx, cfg, slices.Clone(articles), ids, df)
	if err != nil {
		t.Fatal(err)
	}
	tables, sm, err := ShardTables(ctx, cfg, articles, ids, labels, df, nil)
	if err != nil {
		t.Fatal(err)
	}
	m.Merge(dups)
	m.Merge(sm)
	m.Finish()
	out := filepath.Join(dir, "shards")
	os.MkdirAll(out, 0o755)
	for _, tb := range tables {
		if err := tb.Write(out, table.Parquet, nil); err != nil {
			t.Fatal(err)
		}
	}

	if m.Counts != want.Counts {
		t.Errorf("counts:\n got %+v\nwant %+v", m.Counts, want.Counts)
	}
	c := m.Counts
	if c.Read != c.Clustered+c.Rejected+c.DuplicatesDropped || c.Rejected != 1 || c.DuplicatesDropped != 1 {
		t.Errorf("counts do not add up: %+v", c)
	}
	if !slices.Equal(m.Notes, want.Notes) || !slices.Equal(m.FirstRejects, want.FirstRejects) {
		t.Errorf("notes %q, rejects %q; want %q, %q", m.Notes, m.FirstRejects, want.Notes, want.FirstRejects)
	}
	if len(m.Top) != len(want.Top) || !slices.Equal(m.Top, want.Top) {
		t.Errorf("top stories %v, want %v", m.Top, want.Top)
	}
	for _, name := range []string{"articles", "stories", "story_outlets", "storylines"} {
		got := dumpTable(t, filepath.Join(out, name+".parquet"))
		exp := dumpTable(t, filepath.Join(cfg.Out, name+".parquet"))
		g, w := strings.Split(got, "\n"), strings.Split(exp, "\n")
		for i := range max(len(g), len(w)) {
			if i >= len(g) || i >= len(w) || g[i] != w[i] {
				t.Errorf("%s: %d rows, Run's %d; first difference at line %d:\n got %s\nwant %s", name, len(g), len(w), i, at(g, i), at(w, i))
				break
			}
		}
	}
}

func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "(none)"
}

// TestShardStorylinesAsRun cuts a corpus's stories into two groups, as a
// run made of shards writes them, links the storylines of both at once,
// and checks that the tables of both groups give each article and story
// the storyline Run gives it, and that the storylines hold what Run's do.
func TestShardStorylinesAsRun(t *testing.T) {
	dir := t.TempDir()
	f, in := synthCorpus(t, dir, synth.Config{Articles: 3000, Seed: 4, Days: 40})
	f.Close()
	ctx := context.Background()
	cfg := Config{Inputs: []string{in}, Out: filepath.Join(dir, "run")}
	if _, err := Run(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	srcs, _, _ := data.Sources([]string{in})
	read, err := ReadSource(ctx, cfg, srcs[0], time.Now())
	if err != nil {
		t.Fatal(err)
	}
	df, err := TermCounts(ctx, cfg, read.Articles)
	if err != nil {
		t.Fatal(err)
	}
	labels, err := ClusterShard(ctx, cfg, slices.Clone(read.Articles), read.IDs, df)
	if err != nil {
		t.Fatal(err)
	}
	// Two groups: the stories whose first article is before the 20th
	// day, and the others.
	cut := read.Articles[0].Published.AddDate(0, 0, 20)
	start := map[int]time.Time{}
	for i, a := range read.Articles {
		if s, ok := start[labels[i]]; !ok || a.Published.Before(s) {
			start[labels[i]] = a.Published
		}
	}
	type group struct {
		articles []data.Article
		ids      []string
		labels   []int
	}
	var groups [2]group
	for i, a := range read.Articles {
		g := &groups[0]
		if !start[labels[i]].Before(cut) {
			g = &groups[1]
		}
		g.articles, g.ids, g.labels = append(g.articles, a), append(g.ids, read.IDs[i]), append(g.labels, labels[i])
	}
	var threads []StoryThread
	for _, g := range groups {
		th, err := ShardThreads(ctx, cfg, g.articles, g.ids, g.labels, df)
		if err != nil {
			t.Fatal(err)
		}
		threads = append(threads, th...)
	}
	lines, rows, err := LinkStorylines(ctx, cfg, threads)
	if err != nil {
		t.Fatal(err)
	}
	crossing := 0
	for _, g := range groups[1:] {
		for i := range g.articles {
			if l, ok := lines[storyID(g.ids[i])]; ok && l != storylineID(g.ids[i]) {
				crossing++
			}
		}
	}
	out := filepath.Join(dir, "groups")
	os.MkdirAll(out, 0o755)
	got := map[string][]string{}
	for k, g := range groups {
		tables, _, err := ShardTables(ctx, cfg, g.articles, g.ids, g.labels, df, lines)
		if err != nil {
			t.Fatal(err)
		}
		for _, tb := range tables {
			name := tb.Name
			tb.Name = fmt.Sprintf("%s-%d", name, k)
			if err := tb.Write(out, table.Parquet, nil); err != nil {
				t.Fatal(err)
			}
			got[name] = append(got[name], strings.Split(dumpTable(t, filepath.Join(out, tb.Name+".parquet")), "\n")[1:]...)
		}
	}
	lt := table.New("storylines", table.StorylinesSchema)
	for _, r := range rows {
		lt.AppendStoryline(r)
	}
	if err := lt.Write(out, table.Parquet, nil); err != nil {
		t.Fatal(err)
	}
	got["storylines"] = strings.Split(dumpTable(t, filepath.Join(out, "storylines.parquet")), "\n")[1:]
	if len(got) != 4 {
		t.Fatalf("tables %v", slices.Collect(maps.Keys(got)))
	}
	// Each group's articles are analysed apart (an outlet's boilerplate
	// is found among the group's articles), so similarities and scores
	// may differ in the last digit: the storylines are compared by what
	// they hold.
	for name, cols := range map[string][]int{"articles": {0, 1, 2}, "stories": {0, 1, 4}, "storylines": {0, 3, 4, 5, 6, 7, 8}} {
		want := strings.Split(dumpTable(t, filepath.Join(cfg.Out, name+".parquet")), "\n")[1:]
		g, w := columns(got[name], cols), columns(want, cols)
		if !slices.Equal(g, w) {
			for i := range min(len(g), len(w)) {
				if g[i] != w[i] {
					t.Errorf("%s: %d rows, Run's %d; first difference:\n got %s\nwant %s", name, len(g), len(w), g[i], w[i])
					break
				}
			}
		}
	}
	if crossing == 0 {
		t.Error("no storyline crosses from one group into the other: the test shows nothing")
	}
}

// columns keeps the columns cols of tab-separated rows, sorted, without
// empty rows.
func columns(rows []string, cols []int) []string {
	var out []string
	for _, r := range rows {
		if r == "" {
			continue
		}
		f := strings.Split(r, "\t")
		var keep []string
		for _, c := range cols {
			keep = append(keep, f[c])
		}
		out = append(out, strings.Join(keep, "\t"))
	}
	slices.Sort(out)
	return out
}

// synthCorpus writes a synthetic corpus of cfg to dir/corpus.jsonl and
// returns the file, still open for more rows, and its path.
func synthCorpus(t *testing.T, dir string, cfg synth.Config) (*os.File, string) {
	t.Helper()
	in := filepath.Join(dir, "corpus.jsonl")
	f, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := synth.WriteJSONL(f, synth.New(cfg)); err != nil {
		t.Fatal(err)
	}
	return f, in
}
