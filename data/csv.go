package data

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// CSVReader reads articles from CSV or TSV with a header row, such as the
// All-the-News layout (date, year, month, day, author, title, article, url,
// section, publication). Quoted fields may span lines.
type CSVReader struct {
	Options
	File  string
	Comma rune // field separator; zero means ','

	cr     *csv.Reader
	rec    *recorder
	header []string
	idx    [numFields]int
	last   int64 // input offset where the current record started
	err    error // a header error: the file has nothing more to give

	lastLine int // line where the last record started
}

// NewCSVReader returns a reader of r.
func NewCSVReader(r io.Reader, file string, comma rune, opts Options) *CSVReader {
	rec := &recorder{r: r, limit: opts.maxBytes()}
	cr := csv.NewReader(rec)
	if comma != 0 {
		cr.Comma = comma
	}
	cr.FieldsPerRecord = -1 // ragged rows are checked here, to reject them with a reason
	cr.ReuseRecord = true
	if comma == '\t' {
		cr.LazyQuotes = true // TSV rarely quotes; a stray quote is text
	}
	return &CSVReader{Options: opts, File: file, Comma: comma, cr: cr, rec: rec}
}

// Read returns the next article. Bad rows come back as *ParseError.
func (r *CSVReader) Read() (Article, error) {
	if r.err != nil {
		return Article{}, io.EOF // the header was unusable and reported
	}
	if r.header == nil {
		if err := r.readHeader(); err != nil {
			r.err = err
			return Article{}, err
		}
	}
	for {
		rec, err := r.cr.Read()
		line := r.lastLine + 1
		if err == nil && len(rec) > 0 {
			line, _ = r.cr.FieldPos(0)
		}
		size := r.cr.InputOffset() - r.last
		raw := r.raw()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return Article{}, newParseError(r.File, pe.StartLine, raw, "bad CSV: %v", pe.Err)
			}
			if errors.Is(err, errRowTooLong) {
				// encoding/csv cannot skip a record: the file ends here.
				return Article{}, &ReadError{File: r.File, Line: r.lastLine + 1, Err: fmt.Errorf("row exceeds %d bytes; the rest of the file is not read", r.maxBytes())}
			}
			return Article{}, fileError(r.File, r.lastLine+1, err)
		}
		r.lastLine = line
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		if len(rec) != len(r.header) {
			return Article{}, newParseError(r.File, line, raw, "wrong number of fields: %d, header has %d", len(rec), len(r.header))
		}
		var v fieldValues
		for f, i := range r.idx {
			if i >= 0 {
				v[f] = rec[i]
			}
		}
		if size > int64(r.maxBytes()) {
			return Article{}, newParseError(r.File, line, raw, "row exceeds %d bytes", r.maxBytes())
		}
		a, perr := buildArticle(&v, r.File, line, raw, &r.Options)
		if perr != nil {
			return Article{}, perr
		}
		return a, nil
	}
}

func (r *CSVReader) readHeader() error {
	rec, err := r.cr.Read()
	if err == io.EOF {
		return &ParseError{File: r.File, Err: errors.New("empty file")}
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return newParseError(r.File, 1, r.raw(), "bad CSV header: %v", pe.Err)
	}
	if err != nil {
		return &ReadError{File: r.File, Line: 1, Err: err}
	}
	r.raw()
	r.header = append([]string(nil), rec...)
	if len(r.header) > 0 {
		r.header[0] = strings.TrimPrefix(r.header[0], "\ufeff")
	}
	r.idx = r.Fields.resolve(r.header)
	if r.idx[FieldTitle] < 0 && r.idx[FieldText] < 0 {
		return &ParseError{File: r.File, Line: 1, Err: fmt.Errorf("header has no title or text column: %s", clip(strings.Join(r.header, ","), 200))}
	}
	return nil
}

// raw returns the bytes of the record just read (at most MaxRaw of them)
// and forgets them.
func (r *CSVReader) raw() []byte {
	end := r.cr.InputOffset()
	b := r.rec.slice(r.last, end)
	r.last = end
	return b
}

// recorder keeps the bytes read through it from a given offset on, so that
// the raw text of a CSV record can be reported. It holds at most one record
// plus the csv.Reader's read-ahead, and fails with errRowTooLong once that
// exceeds limit, which bounds the memory a single huge record can take.
type recorder struct {
	r     io.Reader
	base  int64 // offset of buf[0]
	buf   []byte
	limit int
}

var errRowTooLong = errors.New("row too long")

func (c *recorder) Read(p []byte) (int, error) {
	if len(c.buf) > c.limit+64<<10 {
		return 0, errRowTooLong
	}
	n, err := c.r.Read(p)
	c.buf = append(c.buf, p[:n]...)
	return n, err
}

// slice returns up to MaxRaw bytes of [from, to) and drops everything before to.
func (c *recorder) slice(from, to int64) []byte {
	lo, hi := from-c.base, to-c.base
	lo = max(lo, 0)
	hi = min(max(hi, lo), int64(len(c.buf)))
	out := append([]byte(nil), c.buf[lo:min(hi, lo+MaxRaw)]...)
	c.buf = c.buf[:copy(c.buf, c.buf[hi:])]
	c.base += hi
	return out
}
