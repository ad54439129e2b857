package table

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// Format is the file format of the output tables.
type Format string

const (
	Parquet Format = "parquet"
	Arrow   Format = "arrow" // Arrow IPC file format
)

// Ext returns the file name extension of the format, with the dot.
func (f Format) Ext() string { return "." + string(f) }

// rowGroupRows is the number of rows per Parquet row group. Each row group
// is written as one batch (see Stage). Arrow v15 builds a new ZSTD encoder
// for every page it compresses, and a column chunk of a smaller row group
// is mostly a single small page: larger groups build fewer encoders and
// allocate less (BenchmarkStageStoryOutlets).
var rowGroupRows = 64 << 10

// Table is a named Arrow schema with rows appended through its builder. Rows
// are cut into records of at most rowGroupRows rows, each written as one
// Parquet row group.
type Table struct {
	Name   string
	Schema *arrow.Schema
	// Snappy compresses Parquet pages with Snappy instead of ZSTD. Arrow
	// v15 builds a new ZSTD encoder for every page it compresses, which
	// costs more than the compression of a small file, and a scheduled
	// run writes many small partitions (make agreement's daily runs).
	Snappy bool
	b      *array.RecordBuilder
	n      int // rows in b
	recs   []arrow.Record
}

// Row starts a new row and returns the builders of its columns, in schema
// order; the caller appends one value to each.
func (t *Table) Row() []array.Builder {
	if t.n == rowGroupRows {
		t.flush()
	}
	t.n++
	return t.b.Fields()
}

func (t *Table) flush() {
	if t.n > 0 || len(t.recs) == 0 {
		t.recs = append(t.recs, t.b.NewRecord())
	}
	t.n = 0
}

// New returns an empty table with the given schema.
func New(name string, schema *arrow.Schema) *Table {
	return &Table{Name: name, Schema: schema, b: array.NewRecordBuilder(memory.DefaultAllocator, schema)}
}

// WriteFileAtomic writes b to path through a temporary file in the same
// folder (synced, then renamed), so a reader sees the old file or the whole
// new one, and a failed write leaves nothing behind.
func WriteFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Chmod(0o644) // CreateTemp makes files private
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// Staged is a table written to a temporary file beside its final name.
type Staged struct {
	Temp, Path string
}

// Commit renames the staged file into place.
func (s Staged) Commit() error { return os.Rename(s.Temp, s.Path) }

// Discard removes the staged file.
func (s Staged) Discard() { os.Remove(s.Temp) }

// TempPattern matches the temporary files that Stage leaves behind when the
// process is killed before Commit or Discard.
const TempPattern = ".*.tmp"

// Stage writes the table in the given format, with meta as key-value
// metadata, to a temporary file in dir (synced to disk) that Commit renames
// to dir/Name+ext: a reader sees the old file or the whole new one. On error
// nothing is left behind. The table's rows are released either way.
//
// The Parquet writer panics when its output fails at some points (a full
// disk while it writes the magic number); that panic is returned as an error.
func (t *Table) Stage(dir string, format Format, meta map[string]string) (st Staged, err error) {
	t.flush()
	defer func() {
		for _, r := range t.recs {
			r.Release()
		}
		t.recs = nil
	}()
	path := filepath.Join(dir, t.Name+format.Ext())
	tmp, err := os.CreateTemp(dir, "."+t.Name+".*.tmp")
	if err != nil {
		return Staged{}, fmt.Errorf("write %s: %w", t.Name, err)
	}
	defer func() {
		if v := recover(); v != nil {
			st, err = Staged{}, fmt.Errorf("write %s: %v", t.Name, v)
		}
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// The format writers get a plain io.Writer: the file is synced and
	// closed here, before the rename.
	out := struct{ io.Writer }{tmp}
	keys, vals := sortedMeta(meta)
	md := arrow.NewMetadata(keys, vals)
	switch format {
	case Arrow:
		schema := arrow.NewSchema(t.Schema.Fields(), &md)
		w, err := ipc.NewFileWriter(tmp, ipc.WithSchema(schema), ipc.WithZstd())
		if err != nil {
			return Staged{}, fmt.Errorf("write %s: %w", t.Name, err)
		}
		for _, rec := range t.recs {
			r2 := array.NewRecord(schema, rec.Columns(), rec.NumRows())
			err := w.Write(r2)
			r2.Release()
			if err != nil {
				return Staged{}, fmt.Errorf("write %s: %w", t.Name, err)
			}
		}
		if err := w.Close(); err != nil {
			return Staged{}, fmt.Errorf("write %s: %w", t.Name, err)
		}
	default:
		codec := compress.Codecs.Zstd
		if t.Snappy {
			codec = compress.Codecs.Snappy
		}
		props := parquet.NewWriterProperties(append(dictionaryProps(t.Schema),
			parquet.WithCompression(codec),
			// Arrow v15 fails on dictionary columns that span more than
			// one write batch or start at an offset: each row group is
			// written from its own record in a single batch.
			parquet.WithBatchSize(int64(rowGroupRows)),
			// Version 2 data pages: with version 1, Arrow v15 reserves
			// room for the levels' length prefix by growing the level
			// buffer on every run of levels it encodes, a reallocation
			// and copy each time, for every list column
			// (BenchmarkStageStoryOutlets).
			// pyarrow (pandas) and DuckDB read both, as the tests check.
			parquet.WithDataPageVersion(parquet.DataPageV2),
		)...)
		// The parameters go in the stored Arrow schema's metadata, which
		// pyarrow shows, and pqarrow copies them into the footer's
		// key-value metadata, which DuckDB's parquet_kv_metadata shows.
		schema := arrow.NewSchema(t.Schema.Fields(), &md)
		w, err := pqarrow.NewFileWriter(schema, out, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
		if err != nil {
			return Staged{}, fmt.Errorf("write %s: %w", t.Name, err)
		}
		for _, rec := range t.recs { // Write starts a row group per record
			if err := w.Write(rec); err != nil {
				return Staged{}, fmt.Errorf("write %s: %w", t.Name, err)
			}
		}
		if err := w.Close(); err != nil {
			return Staged{}, fmt.Errorf("write %s: %w", t.Name, err)
		}
	}
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp makes files private
		return Staged{}, fmt.Errorf("write %s: %w", t.Name, err)
	}
	if err := tmp.Sync(); err != nil {
		return Staged{}, fmt.Errorf("write %s: %w", t.Name, err)
	}
	if err := tmp.Close(); err != nil {
		return Staged{}, fmt.Errorf("write %s: %w", t.Name, err)
	}
	return Staged{Temp: tmp.Name(), Path: path}, nil
}

// Write writes the table as Stage does and renames it into place at once,
// for a file no reader looks at until its folder is published.
func (t *Table) Write(dir string, format Format, meta map[string]string) error {
	st, err := t.Stage(dir, format, meta)
	if err != nil {
		return err
	}
	return st.Commit()
}

// dictionaryColumns are the columns other than Arrow dictionaries whose
// values repeat, and so are written with a Parquet dictionary; the others
// are written plain (ZSTD compresses them as well).
var dictionaryColumns = map[string]bool{
	"story_id": true, "source_file": true,
	"top_terms": true, "outlets": true, "distinctive_terms": true,
	"n_articles": true, "n_outlets": true, "n_wire_copies": true, "n_independent": true,
}

// dictionaryLimit is the largest dictionary of a column chunk. It is far
// above what the dictionary columns of a row group hold, so that a chunk
// never falls back to plain pages part way: Arrow v15 then lists the
// chunk's two page encodings in the order of a Go map's iteration, and
// with a dictionary for every column, a scores or headline chunk that
// overflowed was written with different bytes from run to run.
const dictionaryLimit = 256 << 20

// dictionaryProps returns the writer properties that give dictionaries to
// the Arrow dictionary columns and dictionaryColumns of schema, and to no
// other column.
func dictionaryProps(schema *arrow.Schema) []parquet.WriterProperty {
	props := []parquet.WriterProperty{
		parquet.WithDictionaryDefault(false),
		parquet.WithDictionaryPageSizeLimit(dictionaryLimit),
	}
	for _, f := range schema.Fields() {
		path := f.Name
		if _, ok := f.Type.(*arrow.ListType); ok {
			path += ".list.element"
		}
		if f.Type.ID() == arrow.DICTIONARY || dictionaryColumns[f.Name] {
			props = append(props, parquet.WithDictionaryFor(path, true))
		}
	}
	return props
}

func sortedMeta(meta map[string]string) (keys, vals []string) {
	for k := range meta {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		vals = append(vals, meta[k])
	}
	return keys, vals
}
