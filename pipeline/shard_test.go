package pipeline

import (
	"context"
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
	in := filepath.Join(dir, "corpus.jsonl")
	f, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := synth.WriteJSONL(f, synth.New(synth.Config{Articles: 3000, Seed: 3, Days: 10})); err != nil {
		t.Fatal(err)
	}
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
	tables, sm, err := ShardTables(ctx, cfg, articles, ids, labels, df)
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
