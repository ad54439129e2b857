package data

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"

	"github.com/storyclust/storyclust/data/parquetcheck"
)

// ParquetReader reads articles from a Parquet file (e.g. a Hugging Face news
// dataset with title, text, domain, date, url) through pqarrow, one record
// batch at a time. Article.SourceLine is the 1-based row number.
type ParquetReader struct {
	opts Options // as given to the constructor, with defaults set
	File string

	pf   *file.Reader
	fr   *pqarrow.FileReader
	want []int // the file's columns read, in the order of rec's
	// wholeGroups reads a row group per record batch (see deltaInt64).
	wholeGroups bool
	group       int                  // the next row group
	rr          pqarrow.RecordReader // of the row group before group
	rec         arrow.Record
	i           int // next row of rec
	row         int
	cols        [numFields]columnRef // column of rec per field; top is -1 when absent
	mapping     []string
}

// Mapping returns which column became which field, as "field=column" pairs.
func (p *ParquetReader) Mapping() []string { return p.mapping }

// columnRef names a column of a record, or a member of a struct column:
// top is the column, path the struct member at each level below it.
type columnRef struct {
	top  int
	path []int
}

// appendColumns appends the name and place of f to names and refs, or, for
// a struct, those of its members, named by their paths ("source.name").
func appendColumns(names []string, refs []columnRef, f arrow.Field, name string, ref columnRef) ([]string, []columnRef) {
	st, ok := f.Type.(*arrow.StructType)
	if !ok {
		return append(names, name), append(refs, ref)
	}
	for k, m := range st.Fields() {
		sub := columnRef{top: ref.top, path: append(slices.Clip(ref.path), k)}
		names, refs = appendColumns(names, refs, m, name+"."+m.Name, sub)
	}
	return names, refs
}

// NewParquetReader opens the Parquet data in r.
//
// The Arrow Parquet reader can panic on corrupt metadata; such a panic is
// turned into a *ParseError for the file (found by FuzzParquet). It can also
// loop forever on a corrupt column chunk, which no recover catches, so the
// page headers of every chunk are checked first (parquetcheck.Pages).
func NewParquetReader(r parquet.ReaderAtSeeker, file string, opts Options) (p *ParquetReader, err error) {
	defer func() {
		if v := recover(); v != nil {
			p, err = nil, &ParseError{File: file, Err: fmt.Errorf("bad Parquet: %v", v)}
		}
	}()
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, &ParseError{File: file, Err: err}
	}
	pf, mem, err := parquetcheck.Open(r, size)
	if err != nil {
		return nil, &ParseError{File: file, Err: fmt.Errorf("bad Parquet: %w", err)}
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: recordRows}, mem)
	if err != nil {
		pf.Close()
		return nil, &ParseError{File: file, Err: fmt.Errorf("bad Parquet: %w", err)}
	}
	schema, err := fr.Schema()
	if err != nil {
		pf.Close()
		return nil, &ParseError{File: file, Err: fmt.Errorf("bad Parquet schema: %w", err)}
	}
	var names []string // every column and struct member that may carry a field
	var refs []columnRef
	for i, f := range schema.Fields() {
		names, refs = appendColumns(names, refs, f, f.Name, columnRef{top: i})
	}
	p = &ParquetReader{opts: *opts.EnsureDefaults(), File: file, pf: pf}
	idx := opts.Fields.resolve(names)
	p.mapping = mapping(idx, names)
	if missing := opts.Fields.Missing(names); len(missing) > 0 {
		pf.Close()
		return nil, &ParseError{File: file, Err: fmt.Errorf("no column for --field %s; the columns are %s", strings.Join(missing, ", "), strings.Join(names, ", "))}
	}
	if idx[FieldTitle] < 0 && idx[FieldText] < 0 {
		pf.Close()
		return nil, &ParseError{File: file, Err: fmt.Errorf("no title or text column among %s; name one with --field text=COLUMN", strings.Join(names, ", "))}
	}
	// Read only the columns that map to a field. Arrow selects columns by
	// leaf and returns each top-level column once, in the order of the
	// leaves asked for: all the leaves of the wanted columns are asked for
	// in schema order, so that the record's columns are the wanted ones in
	// schema order, however many fields map to one column and whatever
	// list or struct columns stand among them.
	var tops []int // schema index of each record column
	for _, i := range idx {
		if i >= 0 && !slices.Contains(tops, refs[i].top) {
			tops = append(tops, refs[i].top)
		}
	}
	slices.Sort(tops)
	var want []int
	for _, c := range tops {
		want = appendLeaves(want, fr.Manifest.Fields[c])
	}
	for f, i := range idx {
		p.cols[f] = columnRef{top: -1}
		if i >= 0 {
			p.cols[f] = columnRef{top: slices.Index(tops, refs[i].top), path: refs[i].path}
		}
	}
	p.fr, p.want, p.wholeGroups = fr, want, deltaInt64(pf, want)
	if _, err := p.nextGroup(); err != nil {
		pf.Close()
		return nil, &ParseError{File: file, Err: fmt.Errorf("bad Parquet: %w", err)}
	}
	return p, nil
}

// deltaInt64 reports whether one of the leaf columns read is a nullable
// INT64 column (a timestamp, as a rule) with DELTA_BINARY_PACKED pages, as
// DuckDB writes with format version 2. Arrow v15.0.2 decodes such a page
// right only in one call: the method it calls for nullable columns has a
// value receiver, so a second call on the page finds the values the first
// decoded gone, and panics. Such files are read a whole row group per
// record batch, which holds the group's rows in memory at once.
func deltaInt64(pf *file.Reader, leaves []int) bool {
	for _, c := range leaves {
		col := pf.MetaData().Schema.Column(c)
		if col.PhysicalType() != parquet.Types.Int64 || col.MaxDefinitionLevel() == 0 {
			continue
		}
		for g := 0; g < pf.NumRowGroups(); g++ {
			cc, err := pf.MetaData().RowGroup(g).ColumnChunk(c)
			if err == nil && slices.Contains(cc.Encodings(), parquet.Encodings.DeltaBinaryPacked) {
				return true
			}
		}
	}
	return false
}

// appendLeaves appends the leaf column indexes of f to dst, in schema order.
// A field with children is never a leaf: pqarrow gives a list field the
// ColIndex 0 of no column of its own.
func appendLeaves(dst []int, f pqarrow.SchemaField) []int {
	if len(f.Children) == 0 {
		return append(dst, f.ColIndex)
	}
	for _, c := range f.Children {
		dst = appendLeaves(dst, c)
	}
	return dst
}

const (
	// recordRows is how many rows a record batch holds.
	recordRows = 1024
	// maxGroupBatch bounds a whole row group's batch: Arrow reserves room
	// for a batch's rows before it reads them, and a corrupt row count must
	// not become a huge allocation. A larger group is read in batches of
	// this many rows, and fails as before if a page spans two of them.
	maxGroupBatch = 1 << 20
)

// nextGroup opens the record reader of the next row group; it reports
// false after the last.
func (p *ParquetReader) nextGroup() (bool, error) {
	if p.rr != nil {
		p.rr.Release()
		p.rr = nil
	}
	if p.group >= p.pf.NumRowGroups() {
		return false, nil
	}
	g := p.group
	p.group++
	p.fr.Props.BatchSize = recordRows
	if p.wholeGroups {
		p.fr.Props.BatchSize = min(max(p.pf.MetaData().RowGroup(g).NumRows(), 1), maxGroupBatch)
	}
	var err error
	p.rr, err = p.fr.GetRecordReader(context.Background(), p.want, []int{g})
	return err == nil, err
}

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
		if p.rr != nil && p.rr.Next() {
			p.rec, p.i = p.rr.Record(), 0
			continue
		}
		if p.rr != nil {
			if err := p.rr.Err(); err != nil && err != io.EOF {
				return Article{}, fileError(p.File, p.row+1, err)
			}
		}
		p.rec = nil
		ok, err := p.nextGroup()
		if err != nil {
			return Article{}, fileError(p.File, p.row+1, err)
		}
		if !ok {
			return Article{}, io.EOF
		}
	}
	p.row++
	var v fieldValues
	for f, c := range p.cols {
		if c.top < 0 {
			continue
		}
		col, i := p.rec.Column(c.top), p.i
		for _, k := range c.path {
			st := col.(*array.Struct)
			if st.IsNull(i) {
				col = nil
				break
			}
			col = st.Field(k)
		}
		if col != nil {
			v[f] = CellString(col, i)
		}
	}
	p.i++
	if len(v[FieldText])+len(v[FieldTitle]) > p.opts.MaxArticleBytes {
		return Article{}, newParseError(p.File, p.row, rowRaw(&v), "row exceeds %d bytes", p.opts.MaxArticleBytes)
	}
	// The row is rendered for the rejects table only when rejected:
	// rendering every row would cost about what reading it does.
	given := v
	a, perr := buildArticle(&v, p.File, p.row, nil, &p.opts)
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

// CellString renders one cell of an Arrow array as text: strings as they
// are, timestamps and dates in RFC 3339, numbers in decimal, lists joined
// by spaces. Null is the empty string.
func CellString(col arrow.Array, i int) string {
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
		return CellString(c.Dictionary(), c.GetValueIndex(i))
	case *array.Timestamp:
		unit := c.DataType().(*arrow.TimestampType).Unit
		return c.Value(i).ToTime(unit).UTC().Format(time.RFC3339Nano)
	case *array.Date32:
		return c.Value(i).ToTime().Format("2006-01-02")
	case *array.Date64:
		return c.Value(i).ToTime().Format("2006-01-02")
	case array.ListLike:
		// A list of strings (authors, tags, paragraphs) is joined, as in
		// JSON.
		start, end := c.ValueOffsets(i)
		parts := make([]string, 0, end-start)
		for k := start; k < end; k++ {
			parts = append(parts, CellString(c.ListValues(), int(k)))
		}
		return strings.Join(parts, " ")
	default:
		return col.ValueStr(i)
	}
}
