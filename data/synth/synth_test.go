package synth

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/storyclust/storyclust/data"
)

func TestDeterministic(t *testing.T) {
	var a, b, c bytes.Buffer
	if _, err := WriteJSONL(&a, New(Config{Articles: 500, Seed: 7})); err != nil {
		t.Fatal(err)
	}
	WriteJSONL(&b, New(Config{Articles: 500, Seed: 7}))
	WriteJSONL(&c, New(Config{Articles: 500, Seed: 8}))
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("same seed, different corpus")
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Error("different seeds, same corpus")
	}
	if n := strings.Count(a.String(), "\n"); n != 500 {
		t.Errorf("%d lines, want 500", n)
	}
}

func TestShape(t *testing.T) {
	g := New(Config{Articles: 5000, Seed: 1})
	events := map[string]map[string]bool{}
	headlines, long, wire := 0, 0, 0
	texts := map[string]int{}
	for {
		a, ok := g.Next()
		if !ok {
			break
		}
		if events[a.Event] == nil {
			events[a.Event] = map[string]bool{}
		}
		events[a.Event][a.Outlet] = true
		words := len(strings.Fields(a.Text))
		switch {
		case words == 0:
			headlines++
		case words > 500:
			long++
		}
		if a.Text != "" {
			body, _, _ := strings.Cut(a.Text, "\nFollow")
			texts[body]++
		}
	}
	for _, n := range texts {
		if n > 1 {
			wire += n
		}
	}
	multi := 0
	for _, outlets := range events {
		if len(outlets) > 1 {
			multi++
		}
	}
	if len(events) < 100 || multi < len(events)/3 {
		t.Errorf("%d events, %d covered by several outlets", len(events), multi)
	}
	if headlines < 500 || long < 200 || wire == 0 {
		t.Errorf("headline-only %d, long %d, wire copies %d: want all kinds", headlines, long, wire)
	}
}

// TestParquetMatchesJSONL writes the same corpus both ways and reads both
// back with the job's readers: the same articles come out.
func TestParquetMatchesJSONL(t *testing.T) {
	dir := t.TempDir()
	if _, err := WriteParquet(dir, "c", New(Config{Articles: 700, Seed: 3})); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "c.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	WriteJSONL(f, New(Config{Articles: 700, Seed: 3}))
	f.Close()
	read := func(name string) []data.Article {
		srcs, _, err := data.Sources([]string{filepath.Join(dir, name)})
		if err != nil {
			t.Fatal(err)
		}
		in, err := data.Open(srcs[0], data.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer in.Close()
		var out []data.Article
		for {
			a, err := in.Read()
			if err == io.EOF {
				return out
			}
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, a)
		}
	}
	p, j := read("c.parquet"), read("c.jsonl")
	if len(p) != 700 || len(j) != 700 {
		t.Fatalf("read %d from Parquet, %d from JSONL", len(p), len(j))
	}
	for i := range p {
		if p[i].ID != j[i].ID || p[i].Title != j[i].Title || p[i].Text != j[i].Text || p[i].Outlet != j[i].Outlet || !p[i].Published.Equal(j[i].Published) {
			t.Fatalf("article %d differs:\n%+v\n%+v", i, p[i], j[i])
		}
	}
}

// The day files hold the whole corpus, each article in the file of its
// publication day, and concatenated they hold the lines WriteJSONL writes.
func TestWriteJSONLDays(t *testing.T) {
	var whole bytes.Buffer
	if _, err := WriteJSONL(&whole, New(Config{Articles: 400, Seed: 2, Days: 5})); err != nil {
		t.Fatal(err)
	}
	files, err := WriteJSONLDays(t.TempDir(), New(Config{Articles: 400, Seed: 2, Days: 5}))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 5 || !slices.IsSorted(files) {
		t.Fatalf("files %v: want at least 5, in date order", files)
	}
	var lines []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		day := strings.TrimSuffix(filepath.Base(f), ".jsonl")
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if !strings.Contains(l, `"published":"`+day+"T") {
				t.Errorf("%s holds a line of another day: %.120s", f, l)
			}
			lines = append(lines, l)
		}
	}
	want := strings.Split(strings.TrimSpace(whole.String()), "\n")
	slices.Sort(lines)
	slices.Sort(want)
	if !slices.Equal(lines, want) {
		t.Errorf("the day files hold %d lines, not the %d of WriteJSONL", len(lines), len(want))
	}
}
