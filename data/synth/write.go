package synth

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/storyclust/storyclust/data/table"
)

// WriteJSONL writes the articles of g as JSONL in the layout of the
// development sets: id, outlet, published (RFC 3339), title, text, url,
// language and the gold event.
func WriteJSONL(w io.Writer, g *Generator) (int, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := newEncoder(bw)
	n := 0
	for {
		a, ok := g.Next()
		if !ok {
			break
		}
		if err := enc.Encode(row(a)); err != nil {
			return n, err
		}
		n++
	}
	return n, bw.Flush()
}

// WriteJSONLDays writes the articles of g as WriteJSONL does, one file per
// UTC day of publication (dir/YYYY-MM-DD.jsonl), as a stream arrives in
// daily batches, and returns the files in date order.
func WriteJSONLDays(dir string, g *Generator) (files []string, err error) {
	type day struct {
		f   *os.File
		bw  *bufio.Writer
		enc *json.Encoder
	}
	days := map[string]*day{}
	defer func() {
		for _, d := range days {
			if ferr := d.bw.Flush(); err == nil {
				err = ferr
			}
			if cerr := d.f.Close(); err == nil {
				err = cerr
			}
		}
	}()
	for {
		a, ok := g.Next()
		if !ok {
			break
		}
		path := filepath.Join(dir, a.Published.UTC().Format(time.DateOnly)+".jsonl")
		d := days[path]
		if d == nil {
			f, err := os.Create(path)
			if err != nil {
				return nil, err
			}
			d = &day{f: f, bw: bufio.NewWriter(f)}
			d.enc = newEncoder(d.bw)
			days[path] = d
			files = append(files, path)
		}
		if err := d.enc.Encode(row(a)); err != nil {
			return nil, err
		}
	}
	slices.Sort(files)
	return files, nil
}

func newEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

// jsonRow is one line of WriteJSONL.
type jsonRow struct {
	ID        string `json:"id"`
	Outlet    string `json:"outlet"`
	Published string `json:"published"`
	Title     string `json:"title"`
	Text      string `json:"text"`
	URL       string `json:"url"`
	Language  string `json:"language"`
	Event     string `json:"event"`
}

func row(a Article) *jsonRow {
	return &jsonRow{a.ID, a.Outlet, a.Published.Format(time.RFC3339), a.Title, a.Text, a.URL, a.Language, a.Event}
}

// WriteParquet writes the articles of g to dir/name.parquet (through a
// temporary file) with table.LabelledSchema.
func WriteParquet(dir, name string, g *Generator) (int, error) {
	t := table.New(name, table.LabelledSchema)
	n := 0
	for {
		a, ok := g.Next()
		if !ok {
			break
		}
		t.AppendLabelled(table.LabelledRow{
			ID: a.ID, Outlet: a.Outlet, Published: a.Published, Title: a.Title, Text: a.Text,
			URL: a.URL, Language: a.Language, Event: a.Event,
		})
		n++
	}
	return n, t.Write(dir, table.Parquet, map[string]string{"storyclust.synth": "1"})
}
