package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/storyclust/storyclust/data/table"
)

// TestInputBounds: an input that expands beyond the bounds on rows or
// bytes (a small gzip of millions of tiny rows) ends with a reject saying
// so, and the counts still add up.
func TestInputBounds(t *testing.T) {
	dir := t.TempDir()
	tiny := bytes.Repeat([]byte(`{"title":"same"}`+"\n"), 5000)
	path := filepath.Join(dir, "tiny.jsonl.gz")
	if err := os.WriteFile(path, gz(tiny, false), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		cfg    Config
		read   int
		reason string
	}{
		{"rows", Config{MaxRows: 1000}, 1001, "more than 1000 rows (--max-rows); the rest is not read"},
		{"bytes", Config{MaxInputBytes: 17 * 100}, 101, "read: input too large: it expands to more than its bound of bytes (--max-input-bytes); the rest is not read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Inputs, cfg.Out = []string{path}, t.TempDir()
			m, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			c := m.Counts
			if c.Read != tc.read || c.Read != c.Clustered+c.Rejected+c.DuplicatesDropped || c.Rejected != 1 {
				t.Errorf("counts %+v, want %d read, one reject, adding up", c, tc.read)
			}
			if len(m.FirstRejects) != 1 || !strings.Contains(m.FirstRejects[0], tc.reason) || !strings.Contains(m.Inputs[0].Error, strings.TrimPrefix(tc.reason, "read: ")) {
				t.Errorf("rejects %q, input %+v; want %q", m.FirstRejects, m.Inputs[0], tc.reason)
			}
		})
	}
}

// TestInputsThatCannotBeRead: files named on the command line that are not
// regular files (a FIFO without a writer would block for ever) or cannot be
// opened are refused before any work.
func TestInputsThatCannotBeRead(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "feed.jsonl")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	out := filepath.Join(dir, "out")
	_, err := Run(context.Background(), Config{Inputs: []string{fifo}, Out: out})
	if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "is not a regular file; pipe it to standard input") {
		t.Errorf("FIFO: err = %v", err)
	}
	_, err = Run(context.Background(), Config{Inputs: []string{"/dev/zero"}, Out: out})
	if !errors.Is(err, ErrInput) {
		t.Errorf("/dev/zero: err = %v", err)
	}
	if os.Geteuid() != 0 {
		secret := filepath.Join(dir, "secret.jsonl")
		os.WriteFile(secret, []byte(`{"title":"A"}`), 0)
		if _, err = Run(context.Background(), Config{Inputs: []string{secret}, Out: out}); !errors.Is(err, ErrInput) {
			t.Errorf("unreadable file: err = %v", err)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused run created its output")
	}
}

// TestOutputInsideInput: an output (or state) directory inside an input
// folder is not read back as articles.
func TestOutputInsideInput(t *testing.T) {
	in := copyTree(t)
	out := filepath.Join(in, "out")
	var reads []int
	for range 2 {
		m, err := Run(context.Background(), testConfig(in, out))
		if err != nil {
			t.Fatal(err)
		}
		reads = append(reads, m.Counts.Read)
		if k := len(reads); k == 2 && !slices.Contains(m.Skipped, out+string(filepath.Separator)) {
			t.Errorf("skipped = %v, want the output listed", m.Skipped)
		}
	}
	if reads[0] != reads[1] {
		t.Errorf("rows read: %d, then %d with the first run's output inside the input", reads[0], reads[1])
	}
}

// TestIdenticalArticlesAlone: articles whose every term is in every
// document (the same article twice, alone in a run) are one story, not two
// stories of empty vectors.
func TestIdenticalArticlesAlone(t *testing.T) {
	in := filepath.Join(t.TempDir(), "same.jsonl")
	row := `"title":"Volcano erupts near Grindavik","text":"Lava reached the town overnight and residents left."`
	os.WriteFile(in, []byte(`{"id":"a",`+row+`,"outlet":"A"}`+"\n"+`{"id":"b",`+row+`,"outlet":"B"}`+"\n"), 0o644)
	m, err := Run(context.Background(), Config{Inputs: []string{in}, Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if m.Counts.Stories != 1 || m.Counts.EmptyVectors != 0 {
		t.Errorf("stories %d, empty vectors %d; want one story and no empty vector", m.Counts.Stories, m.Counts.EmptyVectors)
	}
}

// TestInputMapping: the manifest says, per input, which column became
// which field and how its dates were read.
func TestInputMapping(t *testing.T) {
	dir := t.TempDir()
	abc := filepath.Join(dir, "abcnews.csv")
	os.WriteFile(abc, []byte("publish_date,headline_text\n20030219,aba decides against community broadcasting licence\n20030219,act fire witnesses must be aware of defamation\n"), 0o644)
	api := filepath.Join(dir, "newsapi.json")
	os.WriteFile(api, []byte(`{"status":"ok","articles":[{"source":{"id":null,"name":"BBC News"},"title":"Floods close roads","content":"Rivers rose.","publishedAt":"2024-01-14T09:10:00Z"},{"source":{"id":null,"name":"ABC"},"title":"Bank holds rates","publishedAt":"03/04/2024"}]}`), 0o644)
	excel := filepath.Join(dir, "excel.csv")
	os.WriteFile(excel, []byte("Headline;Body;Pub_Date\nCaf\xe9 owners protest;Prices rose 5 \x80.;18.10.2021\n"), 0o644)
	m, err := Run(context.Background(), Config{Inputs: []string{abc, api, excel}, Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	want := []InputRecord{
		{Path: abc, Fields: []string{"title=headline_text", "published=publish_date"}, Dates: DateCounts{AssumedUTC: 2}},
		{Path: api, Fields: []string{"title=title", "text=content", "outlet=source.name", "published=publishedAt"}, Dates: DateCounts{WithZone: 1, Ambiguous: 1, Undated: 1}},
		{Path: excel, Fields: []string{"title=Headline", "text=Body", "published=Pub_Date"}, Dates: DateCounts{AssumedUTC: 1}, Encoding: "windows-1252 (detected)"},
	}
	for i, w := range want {
		got := m.Inputs[i]
		if w.Encoding == "" {
			w.Encoding = "utf-8"
		}
		if got.Path != w.Path || !slices.Equal(got.Fields, w.Fields) || got.Dates != w.Dates || got.Encoding != w.Encoding {
			t.Errorf("input %d: %s %q %+v %q; want %q %+v %q", i, got.Path, got.Fields, got.Dates, got.Encoding, w.Fields, w.Dates, w.Encoding)
		}
	}
}

// TestSameArticleTwice: one article in a CSV and again as a text file,
// under two ids, is one story with the second marked as a duplicate of the
// first and counted; the same text from another outlet is a wire copy.
func TestSameArticleTwice(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "feed.csv"), []byte("id,outlet,title,text\n"+
		"csv-1,Harbour Gazette,Harbour budget passes,\"The council passed the harbour budget on Tuesday, after a debate of four hours in which the opposition called for a delay until the port authority had published its survey of the silt that has narrowed the channel since the storms of last winter, which cost the fishing fleet a month at sea.\n\nDredging starts in May.\"\n"+
		"csv-2,Valley Times,Harbour budget passes,\"The council passed the harbour budget on Tuesday, after a debate of four hours in which the opposition called for a delay until the port authority had published its survey of the silt that has narrowed the channel since the storms of last winter, which cost the fishing fleet a month at sea. Dredging starts in May.\"\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "Harbour Gazette"), 0o755)
	os.WriteFile(filepath.Join(dir, "Harbour Gazette", "harbour-budget.txt"), []byte("Harbour budget passes\n\nThe council passed the harbour budget\non Tuesday, after a debate of four hours in which the opposition called for a delay until the port authority had published its survey of the silt that has narrowed the channel since the storms of last winter, which cost the fishing fleet a month at sea.\n\nDredging starts in May.\n"), 0o644)
	out := t.TempDir()
	m, err := Run(context.Background(), Config{Inputs: []string{dir}, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if c := m.Counts; c.Read != 3 || c.Clustered != 3 || c.ContentDuplicates != 1 || c.WireCopies != 1 || c.Stories != 1 {
		t.Errorf("counts %+v; want 3 read and clustered in one story, 1 duplicate of content, 1 wire copy", c)
	}
	o, err := table.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	marks := map[string]string{}
	for _, a := range o.Articles {
		marks[a.ArticleID] = fmt.Sprintf("%s %v", a.DuplicateOf, a.WireCopy)
	}
	// Undated, in canonical order by id: "content:…" (the text file) comes
	// before csv-1.
	var txt string
	for id := range marks {
		if strings.HasPrefix(id, "content:") {
			txt = id
		}
	}
	if marks[txt] != " false" || marks["csv-1"] != txt+" false" || !strings.HasSuffix(marks["csv-2"], " true") {
		t.Errorf("duplicate_of and is_wire_copy by article: %v; counts %+v", marks, m.Counts)
	}
}
