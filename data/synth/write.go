package synth

import (
	"bufio"
	"encoding/json"
	"io"
	"time"

	"github.com/storyclust/storyclust/data"
)

// WriteJSONL writes the articles of g as JSONL in the layout of the
// development sets: id, outlet, published (RFC 3339), title, text, url,
// language and the gold event.
func WriteJSONL(w io.Writer, g *Generator) (int, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	n := 0
	for {
		a, ok := g.Next()
		if !ok {
			break
		}
		row := struct {
			ID        string `json:"id"`
			Outlet    string `json:"outlet"`
			Published string `json:"published"`
			Title     string `json:"title"`
			Text      string `json:"text"`
			URL       string `json:"url"`
			Language  string `json:"language"`
			Event     string `json:"event"`
		}{a.ID, a.Outlet, a.Published.Format(time.RFC3339), a.Title, a.Text, a.URL, a.Language, a.Event}
		if err := enc.Encode(&row); err != nil {
			return n, err
		}
		n++
	}
	return n, bw.Flush()
}

// WriteParquet writes the articles of g to dir/name.parquet (through a
// temporary file) with data.LabelledSchema.
func WriteParquet(dir, name string, g *Generator) (int, error) {
	t := data.NewTable(name, data.LabelledSchema)
	n := 0
	for {
		a, ok := g.Next()
		if !ok {
			break
		}
		t.AppendLabelled(data.LabelledRow{
			ID: a.ID, Outlet: a.Outlet, Published: a.Published, Title: a.Title, Text: a.Text,
			URL: a.URL, Language: a.Language, Event: a.Event,
		})
		n++
	}
	return n, t.Write(dir, data.OutputParquet, map[string]string{"storyclust.synth": "1"})
}
