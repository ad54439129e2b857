package data

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// CSVReader reads articles from CSV or TSV with a header row, such as the
// All-the-News layout (date, year, month, day, author, title, article, url,
// section, publication). Quoted fields may span lines.
//
// A quoted field left open (a stray quote) would swallow the rest of the
// file: the reader rejects the line it started on and reads on from the
// next line.
type CSVReader struct {
	opts Options // as given to the constructor
	File string

	comma    rune // the field separator in use
	src      io.Reader
	cr       *csv.Reader
	rec      *recorder
	header   []string
	idx      [numFields]int
	last     int64 // input offset where the current record started
	err      error // a header error: the file has nothing more to give
	lineBase int   // lines of the file before the csv.Reader's first
	lastLine int   // line where the last record started, in the csv.Reader's count
}

// NewCSVReader returns a reader of r with the field separator comma; zero
// takes opts.Delimiter, and when that is zero too the separator is sniffed
// from the header line (',', ';', '|' or tab, whichever it holds most of
// outside quotes; ',' when it holds none).
func NewCSVReader(r io.Reader, file string, comma rune, opts Options) *CSVReader {
	if comma == 0 {
		comma = opts.Delimiter
	}
	if comma == 0 {
		br := bufio.NewReaderSize(r, 64<<10)
		head, _ := br.Peek(64 << 10)
		comma, r = sniffDelimiter(head), br
	}
	c := &CSVReader{opts: *opts.EnsureDefaults(), File: file, comma: comma, src: r}
	c.restart(r)
	return c
}

// restart reads on from src with a new csv.Reader.
func (r *CSVReader) restart(src io.Reader) {
	r.rec = &recorder{r: src, limit: r.opts.MaxArticleBytes}
	r.cr = csv.NewReader(r.rec)
	r.cr.Comma = r.comma
	r.cr.FieldsPerRecord = -1 // ragged rows are checked here, to reject them with a reason
	r.cr.ReuseRecord = true
	if r.comma == '\t' {
		r.cr.LazyQuotes = true // TSV rarely quotes; a stray quote is text
	}
	r.last, r.lastLine = 0, 0
}

// sniffDelimiter returns the separator the first line of head holds most
// of outside quotes.
func sniffDelimiter(head []byte) rune {
	counts := map[byte]int{}
	quoted := false
	for _, c := range head {
		if c == '"' {
			quoted = !quoted
		}
		if quoted {
			continue
		}
		if c == '\n' {
			break
		}
		if c == ',' || c == ';' || c == '|' || c == '\t' {
			counts[c]++
		}
	}
	best := byte(',')
	for _, c := range []byte{';', '|', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return rune(best)
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
		if err != nil {
			var pe *csv.ParseError
			switch {
			case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrQuote) && pe.Line > pe.StartLine:
				return Article{}, r.resync(pe.StartLine, fmt.Sprintf("unterminated quoted field (lines %d-%d read as one field)", r.lineBase+pe.StartLine, r.lineBase+pe.Line))
			case errors.As(err, &pe):
				return Article{}, newParseError(r.File, r.lineBase+pe.StartLine, r.raw(), "bad CSV: %v", pe.Err)
			case errors.Is(err, errRowTooLong):
				return Article{}, r.resync(r.lastLine+1, fmt.Sprintf("row exceeds %d bytes", r.opts.MaxArticleBytes))
			}
			return Article{}, fileError(r.File, r.lineBase+r.lastLine+1, err)
		}
		size := r.cr.InputOffset() - r.last
		raw := r.raw()
		r.lastLine = line
		line += r.lineBase
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
		if size > int64(r.opts.MaxArticleBytes) {
			return Article{}, newParseError(r.File, line, raw, "row exceeds %d bytes", r.opts.MaxArticleBytes)
		}
		a, perr := buildArticle(&v, r.File, line, raw, &r.opts)
		if perr != nil {
			return Article{}, perr
		}
		return a, nil
	}
}

// resync rejects the line on which the failed record started (start, in the
// csv.Reader's count) and reads on from the line after it: the bytes read
// past that line are read again, then the rest of the input.
func (r *CSVReader) resync(start int, why string) error {
	kept := r.rec.buf[max(r.last-r.rec.base, 0):]
	first, rest, found := bytes.Cut(kept, []byte("\n"))
	if !found {
		// The line goes on beyond what was kept: skip to its end.
		rest = skipLine(r.rec.r)
	}
	abs := r.lineBase + start
	perr := newParseError(r.File, abs, first, "bad CSV: %s; line %d rejected, reading on from line %d", why, abs, abs+1)
	r.lineBase = abs
	r.restart(io.MultiReader(bytes.NewReader(bytes.Clone(rest)), r.rec.r))
	return perr
}

// skipLine reads r up to the next newline and returns the bytes it read
// past it.
func skipLine(r io.Reader) []byte {
	b := make([]byte, 64<<10)
	for {
		n, err := r.Read(b)
		if i := bytes.IndexByte(b[:n], '\n'); i >= 0 {
			return b[i+1 : n]
		}
		if err != nil {
			return nil
		}
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
	r.lastLine, _ = r.cr.FieldPos(0)
	r.header = append([]string(nil), rec...)
	if len(r.header) > 0 {
		r.header[0] = strings.TrimPrefix(r.header[0], "\ufeff")
	}
	r.idx = r.opts.Fields.resolve(r.header)
	cols := clip(strings.Join(r.header, ", "), 300)
	if missing := r.opts.Fields.Missing(r.header); len(missing) > 0 {
		return &ParseError{File: r.File, Line: 1, Err: fmt.Errorf("no column for --field %s; the columns are %s", strings.Join(missing, ", "), cols)}
	}
	if r.idx[FieldTitle] < 0 && r.idx[FieldText] < 0 {
		return &ParseError{File: r.File, Line: 1, Err: fmt.Errorf("header has no title or text column; the columns are %s (separated by %q); name them with --field title=COLUMN --field text=COLUMN", cols, r.comma)}
	}
	return nil
}

// Mapping returns which column became which field, as "field=column"
// pairs; nil before the header is read.
func (r *CSVReader) Mapping() []string {
	if r.header == nil {
		return nil
	}
	return mapping(r.idx, r.header)
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
// the raw text of a CSV record can be reported, and read again after a
// stray quote. It holds at most one record plus the csv.Reader's
// read-ahead, and fails with errRowTooLong once that exceeds limit, which
// bounds the memory a single huge record can take.
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
