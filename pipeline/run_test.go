package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/storyclust/storyclust/data/table"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// copyTree copies testdata/input into a fresh directory so that tests may
// add files to it.
func copyTree(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir("testdata/input", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("testdata/input", path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// dumpTable renders a Parquet table as one line per row, for golden files.
func dumpTable(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pf, err := file.NewParquetReader(f)
	if err != nil {
		t.Fatal(err)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1 << 16}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	var b strings.Builder
	for i, fd := range tbl.Schema().Fields() {
		if i > 0 {
			b.WriteByte('\t')
		}
		b.WriteString(fd.Name)
	}
	b.WriteByte('\n')
	for r := 0; r < int(tbl.NumRows()); r++ {
		for c := 0; c < int(tbl.NumCols()); c++ {
			if c > 0 {
				b.WriteByte('\t')
			}
			col := tbl.Column(c).Data().Chunk(0) // tables here have one chunk
			v := col.ValueStr(r)
			if fd := tbl.Schema().Field(c); fd.Name == "similarity" || fd.Name == "cohesion" {
				var x float64
				fmt.Sscan(v, &x)
				v = fmt.Sprintf("%.3f", x)
			}
			if fd := tbl.Schema().Field(c); fd.Name == "scores" {
				v = roundList(v)
			}
			if fd := tbl.Schema().Field(c); fd.Name == "source_file" {
				v = filepath.ToSlash(v[strings.Index(v, "input")+len("input/"):])
			}
			b.WriteString(strings.ReplaceAll(v, "\n", `\n`))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// roundList rounds the numbers of a list printed as [1.23456 2.5] to two
// decimals, so that golden files do not depend on the last float bits.
func roundList(v string) string {
	fields := strings.FieldsFunc(strings.Trim(v, "[]"), func(r rune) bool { return r == ',' || r == ' ' })
	for i, f := range fields {
		var x float64
		fmt.Sscan(f, &x)
		fields[i] = fmt.Sprintf("%.2f", x)
	}
	return "[" + strings.Join(fields, " ") + "]"
}

func testConfig(in, out string) Config {
	return Config{Inputs: []string{in}, Out: out, Year: 2024, Version: "test"}
}

func TestRunGolden(t *testing.T) {
	in := filepath.Join(t.TempDir(), "input")
	if err := os.Rename(copyTree(t), in); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	m, err := Run(context.Background(), testConfig(in, out))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"articles", "stories", "story_outlets", "storylines", "rejects"} {
		got := dumpTable(t, filepath.Join(out, name+".parquet"))
		golden := filepath.Join("testdata", "golden", name+".tsv")
		if *update {
			os.MkdirAll(filepath.Dir(golden), 0o755)
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs from %s:\n--- got\n%s\n--- want\n%s", name, golden, got, want)
		}
	}
	c := m.Counts
	if c.Read != c.Clustered+c.Rejected+c.DuplicatesDropped {
		t.Errorf("counts do not add up: %+v", c)
	}
	if c.DuplicatesDropped != 1 || c.DatesUnparsable != 1 || c.DatesYearInferred != 5 || c.WireCopies != 1 {
		t.Errorf("counts = %+v, want 1 duplicate, 1 unparsable date, 5 years inferred, 1 wire copy", c)
	}
	if len(m.Skipped) != 1 || filepath.Base(m.Skipped[0]) != "README.md" {
		t.Errorf("skipped = %v, want the README", m.Skipped)
	}
}

func TestRunDeterministic(t *testing.T) {
	in := copyTree(t)
	outA, outB := t.TempDir(), t.TempDir()
	cfg := testConfig(in, outA)
	cfg.Workers = 1
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	cfg = testConfig(in, outB)
	cfg.Workers = 4
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"articles.parquet", "stories.parquet", "rejects.parquet"} {
		a, _ := os.ReadFile(filepath.Join(outA, name))
		b, _ := os.ReadFile(filepath.Join(outB, name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between runs (%d and %d bytes)", name, len(a), len(b))
		}
	}
}

// TestRunOrderIndependent feeds the same articles in reversed order and
// expects the same stories with the same ids.
func TestRunOrderIndependent(t *testing.T) {
	dev := filepath.Join("..", "..", "shared", "data", "dev", "allsides.jsonl")
	b, err := os.ReadFile(dev)
	if err != nil {
		t.Skipf("dev set not available: %v", err)
	}
	lines := strings.SplitAfter(strings.TrimSpace(string(b)), "\n")
	rev := make([]string, len(lines))
	for i, l := range lines {
		rev[len(lines)-1-i] = strings.TrimSpace(l) + "\n"
	}
	dir := t.TempDir()
	revPath := filepath.Join(dir, "reversed.jsonl")
	os.WriteFile(revPath, []byte(strings.Join(rev, "")), 0o644)
	assign := func(in string) map[string]string {
		out := t.TempDir()
		if _, err := Run(context.Background(), Config{Inputs: []string{in}, Out: out}); err != nil {
			t.Fatal(err)
		}
		return storiesByArticle(t, out)
	}
	a, r := assign(dev), assign(revPath)
	if len(a) != len(lines) {
		t.Fatalf("got %d articles, want %d", len(a), len(lines))
	}
	for id, s := range a {
		if r[id] != s {
			t.Fatalf("article %s: story %s in file order, %s reversed", id, s, r[id])
		}
	}
}

func storiesByArticle(t *testing.T, out string) map[string]string {
	t.Helper()
	rows := strings.Split(strings.TrimSpace(dumpTable(t, filepath.Join(out, "articles.parquet"))), "\n")[1:]
	m := map[string]string{}
	for _, r := range rows {
		f := strings.Split(r, "\t")
		m[f[0]] = f[1]
	}
	return m
}

func TestRunManifest(t *testing.T) {
	out := t.TempDir()
	m, err := Run(context.Background(), testConfig(copyTree(t), out))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "_manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got Manifest
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Counts != m.Counts || len(got.Inputs) != 10 || got.Parameters.Threshold == 0 {
		t.Errorf("manifest = %+v", got)
	}
	for _, in := range got.Inputs {
		if len(in.SHA256) != 64 {
			t.Errorf("input %s: sha256 %q", in.Path, in.SHA256)
		}
		if in.Path == "" || (in.Bytes == 0 && !strings.HasSuffix(in.Path, "empty.jsonl")) {
			t.Errorf("input = %+v", in)
		}
	}
	names := func(dir string) string {
		entries, _ := os.ReadDir(dir)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return strings.Join(names, " ")
	}
	if got, want := names(out), ".current .snapshots .storyclust.lock _manifest.json articles.parquet rejects.parquet stories.parquet story_outlets.parquet storylines.parquet"; got != want {
		t.Errorf("output files = %s, want %s (the lock, the published version and its links, and no temporary files)", got, want)
	}
	// A second run publishes its version; the one before stays for the
	// readers still reading it, and no older one.
	for range 2 {
		if _, err := Run(context.Background(), testConfig(copyTree(t), out)); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := names(filepath.Join(out, ".snapshots")), "000002 000003"; got != want {
		t.Errorf("versions after three runs = %s, want %s", got, want)
	}
	if got, want := names(filepath.Join(out, ".current")), "_manifest.json articles.parquet rejects.parquet stories.parquet story_outlets.parquet storylines.parquet"; got != want {
		t.Errorf("published version holds %s, want %s", got, want)
	}
	for _, name := range []string{"articles.parquet", "_manifest.json"} {
		if target, err := os.Readlink(filepath.Join(out, name)); err != nil || target != filepath.Join(".current", name) {
			t.Errorf("%s links to %q (%v), want .current/%s", name, target, err, name)
		}
	}
}

func TestRunErrors(t *testing.T) {
	in := copyTree(t)
	tests := []struct {
		name string
		cfg  Config
		want error
	}{
		{"missing input", Config{Inputs: []string{filepath.Join(in, "nope.jsonl")}, Out: t.TempDir()}, ErrInput},
		{"no known files", Config{Inputs: []string{t.TempDir()}, Out: t.TempDir()}, ErrInput},
		{"output is a file", Config{Inputs: []string{in}, Out: filepath.Join(in, "feeds", "news-please.jsonl")}, ErrOutput},
		{"bad threshold", Config{Inputs: []string{in}, Threshold: -1, Out: t.TempDir()}, ErrConfig},
		{"bad field", Config{Inputs: []string{in}, Fields: []string{"colour=red"}, Out: t.TempDir()}, ErrConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Run(context.Background(), tt.cfg)
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestRunArrowFormat(t *testing.T) {
	out := t.TempDir()
	cfg := testConfig(copyTree(t), out)
	cfg.Format = "arrow"
	m, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(m.Outputs, " ") != "articles.arrow stories.arrow story_outlets.arrow storylines.arrow rejects.arrow" {
		t.Errorf("outputs = %v", m.Outputs)
	}
}

// An outlet's distinctive terms in a story come from all its articles in
// the story, not from its first alone, and count inflections together.
func TestRunOutletTermsFromAllArticles(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in.jsonl")
	base := "The volcano near Grindavik erupted on Monday, sending lava toward the town; residents were evacuated and the police closed the roads."
	rows := []string{
		`{"id":"a1","outlet":"Alpha","published":"2024-01-15T08:00:00Z","title":"Volcano erupts near Grindavik","text":"` + base + `"}`,
		`{"id":"a2","outlet":"Alpha","published":"2024-01-15T09:00:00Z","title":"Volcano erupts near Grindavik again","text":"` + base + ` Zeppelin crews filmed the zeppelins flying over the zeppelin field."}`,
		`{"id":"b1","outlet":"Beta","published":"2024-01-15T08:30:00Z","title":"Grindavik volcano erupts","text":"` + base + ` Officials said the lava flow slowed."}`,
		// Other stories, so that the volcano's words are not in every article,
		// long enough that the collection's counts (the prior) hold many words.
		`{"id":"c1","outlet":"Gamma","published":"2024-01-15T10:00:00Z","title":"Central bank holds rates","text":"` + strings.Repeat("The central bank kept its interest rate at four percent, citing slowing inflation and a weak labour market. ", 15) + `"}`,
		`{"id":"c2","outlet":"Gamma","published":"2024-01-15T11:00:00Z","title":"Striker signs for rival club","text":"` + strings.Repeat("The striker signed a three year contract with the rival club after a record transfer fee was agreed. ", 15) + `"}`,
		`{"id":"c3","outlet":"Gamma","published":"2024-01-15T12:00:00Z","title":"Storm cuts power to thousands","text":"` + strings.Repeat("A winter storm brought down power lines across the coast, leaving thousands of homes without electricity. ", 15) + `"}`,
	}
	if err := os.WriteFile(in, []byte(strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	cfg := testConfig(in, out)
	cfg.MinZ = 0.5 // three uses in a story of three articles: what counts is that they count
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	dump := dumpTable(t, filepath.Join(out, "story_outlets.parquet"))
	var alpha string
	for _, line := range strings.Split(dump, "\n") {
		if strings.Contains(line, "\tAlpha\t") {
			alpha = line
		}
	}
	// "zeppelins" counts with "zeppelin" (one stem), shown as the commoner.
	if !strings.Contains(alpha, "\t2\t") || !strings.Contains(alpha, `"zeppelin"`) || strings.Contains(alpha, "zeppelins") {
		t.Errorf("Alpha's row should count 2 articles and stress zeppelin, once:\n%s", dump)
	}
}

// TestRunStorylines runs a file of two storylines told in several stories
// each (a crash, its preliminary report 25 days on and its final report 46
// days after that; a final and the parade the day after) and checks the
// storylines, and that a horizon shorter than the gap splits the first.
func TestRunStorylines(t *testing.T) {
	storylineOf := func(window time.Duration) map[string]string {
		out := t.TempDir()
		cfg := testConfig(filepath.Join("testdata", "storylines.jsonl"), out)
		cfg.StorylineWindow = window
		m, err := Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if m.Counts.Stories != 5 {
			t.Fatalf("%d stories, want 5 (each report its own story)", m.Counts.Stories)
		}
		rows, err := table.ReadArticles(filepath.Join(out, "articles.parquet"))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, r := range rows {
			got[r.ArticleID] = r.StorylineID
		}
		lines, err := table.ReadStorylines(filepath.Join(out, "storylines.parquet"))
		if err != nil {
			t.Fatal(err)
		}
		if len(lines) != m.Counts.Storylines {
			t.Errorf("%d storyline rows, manifest counts %d", len(lines), m.Counts.Storylines)
		}
		return got
	}
	same := func(got map[string]string, ids ...string) bool {
		for _, id := range ids[1:] {
			if got[id] != got[ids[0]] {
				return false
			}
		}
		return true
	}
	got := storylineOf(0)
	if !same(got, "a1", "a3", "b1", "b3", "c1", "c2") || !same(got, "d1", "d2", "e1", "e2") || got["a1"] == got["d1"] {
		t.Errorf("default horizon: storylines %v, want the crash's articles (a, b, c) in one and the final's (d, e) in another", got)
	}
	got = storylineOf(30 * 24 * time.Hour)
	if got["c1"] == got["b1"] || !same(got, "d1", "e1") {
		t.Errorf("30-day horizon: storylines %v, want the final report (c), 46 days after the storyline's last, in one of its own", got)
	}
}
