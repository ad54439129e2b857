package data

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// ParquetReader reads articles from a Parquet file (e.g. a Hugging Face news
// dataset with title, text, domain, date, url) through pqarrow, one record
// batch at a time. Article.SourceLine is the 1-based row number.
type ParquetReader struct {
	Options
	File string

	pf   *file.Reader
	rr   pqarrow.RecordReader
	rec  arrow.Record
	i    int // next row of rec
	row  int
	cols [numFields]int // column of rec per field, -1 when absent
}

// NewParquetReader opens the Parquet data in r.
//
// The Arrow Parquet reader can panic on corrupt metadata; such a panic is
// turned into a *ParseError for the file (found by FuzzParquet). It can also
// loop forever on a corrupt column chunk, which no recover catches, so the
// page headers of every chunk are checked first (checkPages).
func NewParquetReader(r parquet.ReaderAtSeeker, file string, opts Options) (p *ParquetReader, err error) {
	defer func() {
		if v := recover(); v != nil {
			p, err = nil, &ParseError{File: file, Err: fmt.Errorf("bad Parquet: %v", v)}
		}
	}()
	pf, err := openParquet(r)
	if err != nil {
		return nil, &ParseError{File: file, Err: fmt.Errorf("bad Parquet: %w", err)}
	}
	size, err := r.Seek(0, io.SeekEnd)
	if err == nil {
		err = checkPages(pf, r, size)
	}
	if err != nil {
		pf.Close()
		return nil, &ParseError{File: file, Err: fmt.Errorf("bad Parquet: %w", err)}
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1024}, memory.DefaultAllocator)
	if err != nil {
		pf.Close()
		return nil, &ParseError{File: file, Err: fmt.Errorf("bad Parquet: %w", err)}
	}
	schema, err := fr.Schema()
	if err != nil {
		pf.Close()
		return nil, &ParseError{File: file, Err: fmt.Errorf("bad Parquet schema: %w", err)}
	}
	names := make([]string, schema.NumFields())
	for i, f := range schema.Fields() {
		names[i] = f.Name
	}
	p = &ParquetReader{Options: opts, File: file, pf: pf}
	p.cols = opts.Fields.resolve(names)
	if p.cols[FieldTitle] < 0 && p.cols[FieldText] < 0 {
		pf.Close()
		return nil, &ParseError{File: file, Err: fmt.Errorf("no title or text column among %v", names)}
	}
	// Read only the columns that map to a field; the record's columns then
	// follow the order of want.
	var want []int
	for f, c := range p.cols {
		if c >= 0 {
			p.cols[f] = len(want)
			want = append(want, c)
		}
	}
	p.rr, err = fr.GetRecordReader(context.Background(), want, nil)
	if err != nil {
		pf.Close()
		return nil, &ParseError{File: file, Err: fmt.Errorf("bad Parquet: %w", err)}
	}
	return p, nil
}

func openParquet(r parquet.ReaderAtSeeker) (*file.Reader, error) { return file.NewParquetReader(r) }

// Close releases the file.
func (p *ParquetReader) Close() error {
	if p.rr != nil {
		p.rr.Release()
	}
	return p.pf.Close()
}

// Read returns the next article. Bad rows come back as *ParseError; a corrupt
// column chunk ends the file with a *ReadError (also when the Arrow reader
// panics on it).
func (p *ParquetReader) Read() (a Article, err error) {
	defer func() {
		if v := recover(); v != nil {
			a, err = Article{}, &ReadError{File: p.File, Line: p.row, Err: fmt.Errorf("bad Parquet: %v", v)}
		}
	}()
	for p.rec == nil || p.i >= int(p.rec.NumRows()) {
		if !p.rr.Next() {
			if err := p.rr.Err(); err != nil && err != io.EOF {
				return Article{}, fileError(p.File, p.row+1, err)
			}
			return Article{}, io.EOF
		}
		p.rec, p.i = p.rr.Record(), 0
	}
	p.row++
	var v fieldValues
	for f, c := range p.cols {
		if c >= 0 {
			v[f] = cellString(p.rec.Column(c), p.i)
		}
	}
	p.i++
	if len(v[FieldText])+len(v[FieldTitle]) > p.maxBytes() {
		return Article{}, newParseError(p.File, p.row, rowRaw(&v), "row exceeds %d bytes", p.maxBytes())
	}
	// The row is rendered for the rejects table only when rejected:
	// rendering every row took a third of the read.
	given := v
	a, perr := buildArticle(&v, p.File, p.row, nil, &p.Options)
	if perr != nil {
		perr.Raw = rowRaw(&given)
		return Article{}, perr
	}
	return a, nil
}

// rowRaw renders a row's mapped fields for the rejects table.
func rowRaw(v *fieldValues) []byte {
	var b []byte
	for f, s := range v {
		if s == "" {
			continue
		}
		if len(b) > 0 {
			b = append(b, ", "...)
		}
		b = append(b, fieldNames[f]...)
		b = append(b, '=')
		b = strconv.AppendQuote(b, clip(s, MaxRaw))
		if len(b) >= MaxRaw {
			return b[:MaxRaw]
		}
	}
	return b
}

// cellString renders one cell as text: strings as they are, timestamps and
// dates in RFC 3339, numbers in decimal. Null is the empty string.
func cellString(col arrow.Array, i int) string {
	if col.IsNull(i) {
		return ""
	}
	switch c := col.(type) {
	case *array.String:
		return c.Value(i)
	case *array.LargeString:
		return c.Value(i)
	case *array.Binary:
		return string(c.Value(i))
	case *array.Dictionary:
		return cellString(c.Dictionary(), c.GetValueIndex(i))
	case *array.Timestamp:
		unit := c.DataType().(*arrow.TimestampType).Unit
		return c.Value(i).ToTime(unit).UTC().Format(time.RFC3339Nano)
	case *array.Date32:
		return c.Value(i).ToTime().Format("2006-01-02")
	case *array.Date64:
		return c.Value(i).ToTime().Format("2006-01-02")
	default:
		return col.ValueStr(i)
	}
}
