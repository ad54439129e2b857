package data

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// writeHFParquet writes a Parquet file shaped like a Hugging Face news set:
// title, text, domain, date (timestamp) and url.
func writeHFParquet(t *testing.T, path string, rows [][3]string, dates []time.Time) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "title", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "text", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "domain", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "date", Type: &arrow.TimestampType{Unit: arrow.Millisecond}, Nullable: true},
		{Name: "url", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for i, r := range rows {
		for c := 0; c < 3; c++ {
			if r[c] == "" {
				b.Field(c).AppendNull()
			} else {
				b.Field(c).(*array.StringBuilder).Append(r[c])
			}
		}
		b.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(dates[i].UnixMilli()))
		b.Field(4).(*array.StringBuilder).Append("https://example.org/" + r[2])
	}
	rec := b.NewRecord()
	defer rec.Release()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := pqarrow.NewFileWriter(schema, f, nil, pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(mem)))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestParquetReader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hf.parquet")
	d := time.Date(2024, 1, 14, 9, 10, 0, 0, time.UTC)
	writeHFParquet(t, path, [][3]string{
		{"Volcano erupts", "Lava reached Grindavik.", "bbc.co.uk"},
		{"", "", " cnn.com "},
		{"Bank holds rates", "", "ft.com"},
	}, []time.Time{d, d, d.Add(time.Hour)})
	res, err := openPath(t, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.err != nil || len(res.articles) != 2 {
		t.Fatalf("articles %d, err %v", len(res.articles), res.err)
	}
	a := res.articles[0]
	if a.Title != "Volcano erupts" || a.Outlet != "bbc.co.uk" || !a.Published.Equal(d) || a.URL != "https://example.org/bbc.co.uk" || a.SourceLine != 1 {
		t.Errorf("first article = %+v", a)
	}
	if res.articles[1].SourceLine != 3 {
		t.Errorf("third row line = %d", res.articles[1].SourceLine)
	}
	if len(res.rejects) != 1 || res.rejects[0].Line != 2 || !strings.Contains(res.rejects[0].Error(), "no title or text") {
		t.Fatalf("rejects = %v", res.rejects)
	}
	if raw := string(res.rejects[0].Raw); !strings.Contains(raw, `outlet=" cnn.com "`) {
		t.Errorf("rejected row kept as %q, want the outlet as given", raw)
	}
}
