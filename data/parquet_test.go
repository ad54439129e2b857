package data

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
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
	writeRecord(t, path, rec, nil, mem)
}

// writeRecord writes rec as a Parquet file at path, with the writer
// properties props (nil for the defaults).
func writeRecord(t *testing.T, path string, rec arrow.Record, props *parquet.WriterProperties, mem memory.Allocator) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := pqarrow.NewFileWriter(rec.Schema(), f, props, pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(mem)))
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

// writeShapedParquet writes n rows of a list column (authors) and a struct
// column (meta) before title, text and a nullable millisecond timestamp
// (date), the timestamps in DELTA_BINARY_PACKED pages, as DuckDB writes
// with format version 2.
func writeShapedParquet(t *testing.T, path string, n int, date func(i int) time.Time) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "authors", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
		{Name: "meta", Type: arrow.StructOf(arrow.Field{Name: "k", Type: arrow.PrimitiveTypes.Int64}, arrow.Field{Name: "tags", Type: arrow.ListOf(arrow.BinaryTypes.String)}), Nullable: true},
		{Name: "title", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "text", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "date", Type: &arrow.TimestampType{Unit: arrow.Millisecond}, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	authors := b.Field(0).(*array.ListBuilder)
	meta := b.Field(1).(*array.StructBuilder)
	for i := range n {
		authors.Append(true)
		authors.ValueBuilder().(*array.StringBuilder).Append(fmt.Sprintf("author %d", i%7))
		meta.Append(true)
		meta.FieldBuilder(0).(*array.Int64Builder).Append(int64(i))
		tags := meta.FieldBuilder(1).(*array.ListBuilder)
		tags.Append(true)
		for range i % 3 {
			tags.ValueBuilder().(*array.StringBuilder).Append("tag")
		}
		b.Field(2).(*array.StringBuilder).Append(fmt.Sprintf("Headline %d", i))
		b.Field(3).(*array.StringBuilder).Append(fmt.Sprintf("Body of article %d.", i))
		if d := date(i); d.IsZero() {
			b.Field(4).AppendNull()
		} else {
			b.Field(4).(*array.TimestampBuilder).Append(arrow.Timestamp(d.UnixMilli()))
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	props := parquet.NewWriterProperties(parquet.WithAllocator(mem), parquet.WithDataPageVersion(parquet.DataPageV2),
		parquet.WithDictionaryFor("date", false), parquet.WithEncodingFor("date", parquet.Encodings.DeltaBinaryPacked))
	writeRecord(t, path, rec, props, mem)
}

// TestParquetShapes reads files whose columns Arrow v15 could not be asked
// for by their place alone: list and struct columns before the mapped ones
// (their leaves shift every later column's index), and a nullable
// timestamp in DELTA_BINARY_PACKED pages, which Arrow decodes right only
// in one call per page (see deltaInt64). Every row must come back with its
// own title, text and date.
func TestParquetShapes(t *testing.T) {
	start := time.Date(2024, 1, 14, 9, 10, 0, 0, time.UTC)
	date := func(i int) time.Time {
		if i%11 == 0 {
			return time.Time{}
		}
		return start.Add(time.Duration(i) * time.Minute)
	}
	const n = 5000 // several record batches of 1,024
	path := filepath.Join(t.TempDir(), "shaped.parquet")
	writeShapedParquet(t, path, n, date)
	res, err := openPath(t, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.err != nil || len(res.rejects) != 0 || len(res.articles) != n {
		t.Fatalf("articles %d, rejects %v, err %v", len(res.articles), res.rejects, res.err)
	}
	for i, a := range res.articles {
		if a.Title != fmt.Sprintf("Headline %d", i) || a.Text != fmt.Sprintf("Body of article %d.", i) || !a.Published.Equal(date(i)) || a.SourceLine != i+1 {
			t.Fatalf("row %d = %q, %q, %v, line %d", i+1, a.Title, a.Text, a.Published, a.SourceLine)
		}
	}
}

// TestParquetColumnMapping reads columns that are not one plain column per
// field: a list title between the other columns (joined, as in JSON), an
// outlet inside a struct (NewsAPI's source.name, found without a flag and
// by a dotted --field), and two fields mapped to one column.
func TestParquetColumnMapping(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	source := arrow.StructOf(arrow.Field{Name: "id", Type: arrow.BinaryTypes.String, Nullable: true}, arrow.Field{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true})
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.BinaryTypes.String},
		{Name: "title", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
		{Name: "source", Type: source, Nullable: true},
		{Name: "text", Type: arrow.BinaryTypes.String},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	rows := []struct{ id, t1, t2, srcID, srcName, text string }{
		{"a1", "Flood", "warning", "", "BBC News", "Rivers rose overnight."},
		{"a2", "Rates", "", "reuters", "Reuters", "The bank held rates."},
		{"a3", "", "", "", "", "No title, no source."},
	}
	for _, r := range rows {
		b.Field(0).(*array.StringBuilder).Append(r.id)
		lb := b.Field(1).(*array.ListBuilder)
		lb.Append(true)
		for _, s := range []string{r.t1, r.t2} {
			if s != "" {
				lb.ValueBuilder().(*array.StringBuilder).Append(s)
			}
		}
		sb := b.Field(2).(*array.StructBuilder)
		if r.srcName == "" {
			sb.AppendNull()
		} else {
			sb.Append(true)
			if r.srcID == "" {
				sb.FieldBuilder(0).AppendNull()
			} else {
				sb.FieldBuilder(0).(*array.StringBuilder).Append(r.srcID)
			}
			sb.FieldBuilder(1).(*array.StringBuilder).Append(r.srcName)
		}
		b.Field(3).(*array.StringBuilder).Append(r.text)
	}
	rec := b.NewRecord()
	defer rec.Release()
	path := filepath.Join(t.TempDir(), "newsapi.parquet")
	writeRecord(t, path, rec, nil, mem)

	for _, tc := range []struct {
		name   string
		fields []string
		id     func(i int) string
		outlet func(i int) string
	}{
		{"defaults", nil, func(i int) string { return rows[i].id }, func(i int) string { return rows[i].srcName }},
		{"dotted field", []string{"outlet=source.id"}, func(i int) string { return rows[i].id }, func(i int) string { return rows[i].srcID }},
		{"two fields on one column", []string{"id=text", "outlet=source.name"}, func(i int) string { return rows[i].text }, func(i int) string { return rows[i].srcName }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fm, err := ParseFieldMap(tc.fields)
			if err != nil {
				t.Fatal(err)
			}
			res, err := openPath(t, path, Options{Fields: fm})
			if err != nil {
				t.Fatal(err)
			}
			if res.err != nil || len(res.rejects) != 0 || len(res.articles) != len(rows) {
				t.Fatalf("articles %d, rejects %v, err %v", len(res.articles), res.rejects, res.err)
			}
			for i, a := range res.articles {
				title := strings.TrimSpace(rows[i].t1 + " " + rows[i].t2)
				if a.ID != tc.id(i) || a.Title != title || a.Outlet != tc.outlet(i) || a.Text != rows[i].text {
					t.Errorf("row %d: id %q title %q outlet %q text %q", i+1, a.ID, a.Title, a.Outlet, a.Text)
				}
			}
		})
	}

	fm, _ := ParseFieldMap([]string{"outlet=source.domain"})
	if _, err := openPath(t, path, Options{Fields: fm}); err == nil || !strings.Contains(err.Error(), "no column for --field outlet=source.domain; the columns are id, title, source.id, source.name, text") {
		t.Errorf("a --field naming no column: %v", err)
	}
}
