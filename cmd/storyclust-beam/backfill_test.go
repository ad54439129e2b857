package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/memfs"

	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/data/synth"
	"github.com/storyclust/storyclust/data/table"
	"github.com/storyclust/storyclust/pipeline"
	"github.com/storyclust/storyclust/pipeline/snapshot"
)

func TestMain(m *testing.M) {
	flag.Parse()
	beam.Init()
	os.Exit(m.Run())
}

// corpus writes a labelled corpus of two years, dated 2022 to 2023, as
// two JSONL files in a folder, the way a backfill's inputs come: the
// second file repeats ten articles of the first under their ids (with
// other titles), holds a row that cannot be read, and forty articles
// without a date.
func corpus(t *testing.T, articles int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "in")
	os.MkdirAll(dir, 0o755)
	var b bytes.Buffer
	g := synth.New(synth.Config{Articles: articles, Seed: 11, Days: 600, Start: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)})
	if _, err := synth.WriteJSONL(&b, g); err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimSpace(b.String()), "\n")
	half := len(lines) / 2
	first := strings.Join(lines[:half], "")
	var second strings.Builder
	second.WriteString(strings.Join(lines[half:], "") + "\n")
	for i := range 50 {
		var row map[string]any
		if err := json.Unmarshal([]byte(lines[i*7]), &row); err != nil {
			t.Fatal(err)
		}
		if i < 10 {
			row["title"] = "A later copy"
		} else {
			row["id"] = fmt.Sprintf("undated-%d", i)
			delete(row, "published")
		}
		line, _ := json.Marshal(row)
		second.Write(append(line, '\n'))
	}
	second.WriteString("{not json\n")
	os.WriteFile(filepath.Join(dir, "a.jsonl"), []byte(first), 0o644)
	os.WriteFile(filepath.Join(dir, "b.jsonl"), []byte(second.String()), 0o644)
	return dir
}

func backfill(t *testing.T, set settings, in, out string) {
	t.Helper()
	set.Version = "test"
	if err := run(context.Background(), set, []string{in}, out); err != nil {
		t.Fatal(err)
	}
}

func readManifest(t *testing.T, dir string) pipeline.Manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "_manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m pipeline.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestBackfillAgreesWithRun runs the backfill of a two-year corpus in
// week shards, on Prism in process, beside one storyclust run over the
// same files, and checks that both group the articles alike, that every
// article is accounted for, and that pandas and DuckDB read the tables.
func TestBackfillAgreesWithRun(t *testing.T) {
	in := corpus(t, 8000)
	dir := t.TempDir()
	ref := filepath.Join(dir, "run")
	want, err := pipeline.Run(context.Background(), pipeline.Config{Inputs: []string{in}, Out: ref})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "beam")
	backfill(t, settings{Shard: "week"}, in, out)

	a, err := pipeline.Compare(ref, out, pipeline.GrainStory)
	if err != nil {
		t.Fatal(err)
	}
	s := a.Scores
	t.Logf("B-cubed P %.4f R %.4f F1 %.4f over %d articles; stories: %d by run, %d by the backfill", s.BCubedPrecision, s.BCubedRecall, s.BCubedF1, s.Items, s.GoldGroups, s.PredGroups)
	if s.BCubedF1 < 0.98 || a.OnlyReference != 0 || a.OnlyOther != 0 {
		t.Errorf("B-cubed F1 %.4f against storyclust run (want >= 0.98); %d articles only in run's output, %d only in the backfill's", s.BCubedF1, a.OnlyReference, a.OnlyOther)
	}

	// Storylines are linked over every shard at once.
	lines, err := pipeline.Compare(ref, out, pipeline.GrainStoryline)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("storylines: B-cubed F1 %.4f; %d by run, %d by the backfill", lines.Scores.BCubedF1, lines.Scores.GoldGroups, lines.Scores.PredGroups)
	if lines.Scores.BCubedF1 < 0.98 {
		t.Errorf("storylines: B-cubed F1 %.4f against storyclust run (want >= 0.98)", lines.Scores.BCubedF1)
	}

	m := readManifest(t, out)
	c, w := m.Counts, want.Counts
	if c.Read != c.Clustered+c.Rejected+c.DuplicatesDropped {
		t.Errorf("counts do not add up: %+v", c)
	}
	if c.Read != w.Read || c.Clustered != w.Clustered || c.Rejected != 1 || c.DuplicatesDropped != 10 || c.Undated != 40 || c.Undated != w.Undated {
		t.Errorf("counts %+v, want those of run %+v, with 1 reject, 10 duplicates and 40 undated", c, w)
	}
	if len(m.Inputs) != 2 || !strings.HasSuffix(m.Inputs[0].Path, "a.jsonl") || !strings.HasSuffix(m.Inputs[1].Path, "b.jsonl") {
		t.Errorf("inputs %+v, want a.jsonl then b.jsonl", m.Inputs)
	}
	if len(m.FirstRejects) != 1 || !strings.Contains(m.FirstRejects[0], "b.jsonl:") {
		t.Errorf("first rejects %q", m.FirstRejects)
	}

	got, err := table.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	// The first copy of an id is kept, as run keeps it; undated articles
	// are a shard of their own, so their stories hold no dated article.
	storyOf := map[string]string{}
	datedStory := map[string]bool{}
	for _, r := range got.Articles {
		if r.Title == "A later copy" {
			t.Errorf("article %s: the later copy was kept", r.ArticleID)
		}
		storyOf[r.ArticleID] = r.StoryID
		if !r.Published.IsZero() {
			datedStory[r.StoryID] = true
		}
	}
	for i := range 50 {
		if id := fmt.Sprintf("undated-%d", i); i >= 10 && datedStory[storyOf[id]] {
			t.Errorf("undated article %s is in story %s with dated articles", id, storyOf[id])
		}
	}
	if len(got.Stories) != c.Stories || len(got.Articles) != c.Clustered || len(got.Storylines) != c.Storylines {
		t.Errorf("%d story rows, %d article rows and %d storyline rows; the manifest says %d, %d and %d",
			len(got.Stories), len(got.Articles), len(got.Storylines), c.Stories, c.Clustered, c.Storylines)
	}

	py := python(t)
	check := fmt.Sprintf(`
import duckdb, pandas, sys
out = sys.argv[1]
for name, n in [("articles", %d), ("stories", %d), ("rejects", 1)]:
    rows = duckdb.sql(f"select count(*) from read_parquet('{out}/{name}/*.parquet')").fetchall()[0][0]
    frame = pandas.read_parquet(f"{out}/{name}")
    assert rows == n == len(frame), (name, rows, len(frame), n)
ids = duckdb.sql(f"select count(distinct story_id) from read_parquet('{out}/articles/*.parquet')").fetchall()[0][0]
assert ids == %d, ids
`, c.Clustered, c.Stories, c.Stories)
	if b, err := exec.Command(py, "-c", check, out).CombinedOutput(); err != nil {
		t.Errorf("pandas and DuckDB: %v\n%s", err, b)
	}
}

// TestBackfillDeterministic runs one backfill twice, in month shards, and
// checks that every part of every table has the same bytes.
func TestBackfillDeterministic(t *testing.T) {
	in := corpus(t, 3000)
	dir := t.TempDir()
	set := settings{Shard: "month", Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	backfill(t, set, in, filepath.Join(dir, "one"))
	backfill(t, set, in, filepath.Join(dir, "two"))
	parts, err := filepath.Glob(filepath.Join(dir, "one", "*", "*.parquet"))
	if err != nil || len(parts) < 5*12 {
		t.Fatalf("%d parts (%v), want a dozen or more a table", len(parts), err)
	}
	for _, p := range parts {
		rel, _ := filepath.Rel(filepath.Join(dir, "one"), p)
		a, _ := os.ReadFile(p)
		b, err := os.ReadFile(filepath.Join(dir, "two", rel))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: not the same bytes (%v)", rel, err)
		}
	}
}

// TestBackfillFailureKeepsOutput makes one shard's write fail and checks
// that the job fails, that the output published before is left whole, and
// that the next run publishes over what the failed one left.
func TestBackfillFailureKeepsOutput(t *testing.T) {
	in := corpus(t, 2000)
	out := filepath.Join(t.TempDir(), "out")
	set := settings{Shard: "month"}
	backfill(t, set, in, out)
	before, err := table.Read(out)
	if err != nil {
		t.Fatal(err)
	}

	if err := set.check(); err != nil {
		t.Fatal(err)
	}
	inputs, err := list(context.Background(), []string{in})
	if err != nil {
		t.Fatal(err)
	}
	o, err := newOutput(out)
	if err != nil {
		t.Fatal(err)
	}
	// A folder where a part is to go: its rename fails.
	os.MkdirAll(filepath.Join(o.Dir, "stories", "part-2022-03-01.parquet", "x"), 0o755)
	if _, err := runPipeline(context.Background(), set, inputs, o); err == nil {
		t.Fatal("the job did not fail")
	}
	after, err := table.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Error("the output published before changed")
	}
	// The next run takes the failed run's place, and what that left is
	// gone once it is published.
	os.RemoveAll(filepath.Join(o.Dir, "stories", "part-2022-03-01.parquet"))
	backfill(t, set, in, out)
	versions, _ := os.ReadDir(filepath.Join(out, snapshot.VersionsDir))
	if len(versions) != 2 {
		t.Errorf("%d versions, want the new one and the one before", len(versions))
	}
	again, err := table.Read(out)
	if err != nil || !reflect.DeepEqual(before, again) {
		t.Errorf("the run after the failure gave other tables (%v)", err)
	}
}

// TestWriteRetried runs one shard's write twice, as a runner that retries
// a failed bundle does, and checks that its parts hold its rows once.
func TestWriteRetried(t *testing.T) {
	set := settings{Shard: "week"}
	if err := set.check(); err != nil {
		t.Fatal(err)
	}
	o := output{Dir: t.TempDir()}
	var members []final
	g := synth.New(synth.Config{Articles: 200, Seed: 2, Days: 3})
	for {
		a, ok := g.Next()
		if !ok {
			break
		}
		members = append(members, final{Story: node{Shard: "2024-01-01", Story: len(members) % 7},
			Item: item{ID: a.ID, Article: data.Article{ID: a.ID, Title: a.Title, Text: a.Text, Outlet: a.Outlet, Published: a.Published}}})
	}
	df, err := pipeline.TermCounts(context.Background(), set.config(), articlesOf(members))
	if err != nil {
		t.Fatal(err)
	}
	fn := &writeFn{Set: set, Out: o}
	for range 2 {
		k := 0
		iter := func(f *final) bool {
			if k == len(members) {
				return false
			}
			*f, k = members[k], k+1
			return true
		}
		noLines := func(*storyline) bool { return false }
		if err := fn.ProcessElement(context.Background(), "2024-01-01", iter, *df, noLines, func(part) {}); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(o.Dir, "*", "*"))
	if len(files) != 3 {
		t.Errorf("files %q, want one part of each of the articles, stories and story_outlets tables", files)
	}
	rows, err := table.ReadArticles(filepath.Join(o.Dir, "articles", "part-2024-01-01.parquet"))
	if err != nil || len(rows) != len(members) {
		t.Errorf("%d article rows (%v), want %d", len(rows), err, len(members))
	}
	stories, err := table.ReadStories(filepath.Join(o.Dir, "stories", "part-2024-01-01.parquet"))
	if err != nil || len(stories) != 7 {
		t.Errorf("%d story rows (%v), want 7", len(stories), err)
	}
}

func articlesOf(fs []final) []data.Article {
	a := make([]data.Article, len(fs))
	for i := range fs {
		a[i] = fs[i].Item.Article
	}
	return a
}

// TestJobServer submits the backfill to Prism running as a job server of
// its own, over Beam's portable API with the LOOPBACK environment, as it
// is submitted to Flink's and Spark's job servers, and checks that the
// tables are those of the run in process.
func TestJobServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Prism")
	}
	dir := t.TempDir()
	prism := filepath.Join(dir, "prism")
	if b, err := exec.Command("go", "build", "-o", prism, "github.com/apache/beam/sdks/v2/go/cmd/prism").CombinedOutput(); err != nil {
		t.Fatalf("build prism: %v\n%s", err, b)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	server := exec.Command(prism, "--job_port", fmt.Sprint(port), "--serve_http=false")
	stderr, _ := server.StderrPipe()
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		server.Process.Kill()
		server.Wait()
	}()
	ready := make(chan bool)
	var mu sync.Mutex
	var log []string
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			mu.Lock()
			log = append(log, sc.Text())
			mu.Unlock()
			if strings.Contains(sc.Text(), "Serving JobManagement") {
				close(ready)
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(time.Minute):
		t.Fatal("the job server did not start")
	}

	in := corpus(t, 2000)
	set := settings{Shard: "month", Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	local := filepath.Join(dir, "local")
	backfill(t, set, in, local)
	for k, v := range map[string]string{"runner": "universal", "endpoint": fmt.Sprintf("localhost:%d", port), "environment_type": "LOOPBACK"} {
		old := flag.Lookup(k).Value.String()
		if err := flag.Set(k, v); err != nil {
			t.Fatal(err)
		}
		defer flag.Set(k, old)
	}
	remote := filepath.Join(dir, "remote")
	backfill(t, set, in, remote)
	mu.Lock()
	served := strings.Join(log, "\n")
	mu.Unlock()
	if !strings.Contains(served, "pipeline done") {
		t.Errorf("the job server did not run the job:\n%s", served)
	}
	a, err := table.Read(local)
	if err != nil {
		t.Fatal(err)
	}
	b, err := table.Read(remote)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Articles) == 0 || !reflect.DeepEqual(a, b) {
		t.Errorf("the job server's tables differ from those of the run in process (%d and %d articles)", len(a.Articles), len(b.Articles))
	}
}

func python(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err == nil {
		err = exec.Command(py, "-c", "import pandas, pyarrow, duckdb").Run()
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3 with pandas, pyarrow and duckdb is required: %v", err)
		}
		t.Skipf("python3 with pandas, pyarrow and duckdb not available: %v", err)
	}
	return py
}

// TestOtherFileSystem reads the inputs from and writes the output to a
// file system of Beam's other than the local disk (its in-memory one, as
// gs:// and s3:// are reached), and checks that the tables hold the
// stories of a backfill on local disk.
func TestOtherFileSystem(t *testing.T) {
	in := corpus(t, 2000)
	for _, name := range []string{"a.jsonl", "b.jsonl"} {
		b, err := os.ReadFile(filepath.Join(in, name))
		if err != nil {
			t.Fatal(err)
		}
		memfs.Write("memfs://corpus/"+name, b)
	}
	set := settings{Shard: "month", Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	local := filepath.Join(t.TempDir(), "local")
	backfill(t, set, in, local)
	backfill(t, set, "memfs://corpus/*.jsonl", "memfs://out")

	// Copied to disk, the output reads as the local one does.
	ctx := context.Background()
	fs := memfs.New(ctx)
	copied := t.TempDir()
	names, err := fs.List(ctx, "memfs://out/*/*.parquet")
	if err != nil || len(names) == 0 {
		t.Fatalf("listing the output: %v", err)
	}
	names = append(names, "memfs://out/_manifest.json")
	for _, name := range names {
		r, err := fs.OpenRead(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		dst := filepath.Join(copied, strings.TrimPrefix(name, "memfs://out/"))
		os.MkdirAll(filepath.Dir(dst), 0o755)
		os.WriteFile(dst, b, 0o644)
	}
	a, err := table.Read(local)
	if err != nil {
		t.Fatal(err)
	}
	b, err := table.Read(copied)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Stories) == 0 || !reflect.DeepEqual(a.Stories, b.Stories) {
		t.Errorf("%d stories on another file system, %d on disk, or other rows", len(b.Stories), len(a.Stories))
	}
	m, l := readManifest(t, copied), readManifest(t, local)
	if m.Counts != l.Counts || len(m.Inputs) != 2 || m.Inputs[0].Path != "memfs://corpus/a.jsonl" {
		t.Errorf("manifest: counts %+v, inputs %+v; want %+v", m.Counts, m.Inputs, l.Counts)
	}
}

// TestBackfillDocSnippets runs the pandas and DuckDB snippets of
// docs/BACKFILL.md on a backfill's output, as a reader of it would.
func TestBackfillDocSnippets(t *testing.T) {
	py := python(t)
	doc, err := os.ReadFile("../../docs/BACKFILL.md")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	backfill(t, settings{Shard: "month"}, corpus(t, 1000), filepath.Join(dir, "backfill"))
	blocks := regexp.MustCompile("(?s)```(python|sql)\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	if len(blocks) < 2 {
		t.Fatalf("%d snippets, want a pandas one and a DuckDB one", len(blocks))
	}
	for _, b := range blocks {
		code := b[2]
		if b[1] == "sql" {
			code = "import duckdb\nprint(duckdb.sql(" + strconv.Quote(code) + ").fetchall()[:1])"
		}
		cmd := exec.Command(py, "-c", code)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s snippet: %v\n%s\n%s", b[1], err, b[2], out)
		}
	}
}
