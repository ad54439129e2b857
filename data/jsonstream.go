package data

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/valyala/fastjson"
)

// jsonStream splits a JSON file that is not one object per line into rows:
// the elements of a top-level array, read one at a time, and top-level
// values one after the other, each read whole (an object, an array, or an
// object wrapping the array of articles).
type jsonStream struct {
	tr      *lineTracker
	dec     *json.Decoder
	inArray bool        // inside a top-level array read element by element
	began   bool        // the first token has been looked at
	pending []streamRow // rows of a value read whole, not yet returned
	// rows is set once a top-level object turned out to be an article, not
	// a wrapper of articles: the file's others are taken to be articles
	// too, and parsed once, as rows, not first looked at as wrappers.
	rows bool
}

// streamRow is one row of a value read whole, with the line it starts on.
type streamRow struct {
	raw  []byte
	line int
}

func newJSONStream(r io.Reader, limit int) *jsonStream {
	tr := &lineTracker{r: r, limit: limit}
	return &jsonStream{tr: tr, dec: json.NewDecoder(tr)}
}

// readStream returns the next row of a file read as a JSON stream. Bad
// JSON, or a value over the size limit, ends the file with a *ReadError.
func (r *JSONLReader) readStream() (Article, error) {
	s := r.stream
	for {
		if len(s.pending) > 0 {
			row := s.pending[0]
			s.pending = s.pending[1:]
			r.line = row.line
			return r.parse(row.raw, row.line)
		}
		if !s.began {
			s.began = true
			if s.peek() == '[' {
				if _, err := s.dec.Token(); err != nil {
					return Article{}, s.fail(r.File, err)
				}
				s.inArray = true
			}
		}
		if s.inArray && !s.dec.More() {
			if _, err := s.dec.Token(); err != nil { // the closing ]
				return Article{}, s.fail(r.File, err)
			}
			s.inArray = false
			continue
		}
		var raw json.RawMessage
		err := s.dec.Decode(&raw)
		if err == io.EOF && !s.inArray {
			return Article{}, io.EOF
		}
		if err != nil {
			return Article{}, s.fail(r.File, err)
		}
		line := s.tr.lineAt(s.dec.InputOffset() - int64(len(raw)))
		if s.inArray {
			r.line = line
			return r.parse(raw, line)
		}
		rows, err := r.splitValue(raw, line)
		if err != nil {
			return Article{}, &ReadError{File: r.File, Line: line, Err: fmt.Errorf("bad JSON: %w", err)}
		}
		s.pending = rows
	}
}

// peek returns the first byte of the stream that is not white space, or 0.
func (s *jsonStream) peek() byte {
	tok, err := s.dec.Token()
	if err != nil {
		return 0
	}
	// A token read cannot be put back: start again over the bytes seen.
	s.tr.rewind()
	s.dec = json.NewDecoder(s.tr)
	if d, ok := tok.(json.Delim); ok {
		return byte(d)
	}
	return 0
}

// fail turns a decoding error into the *ReadError that ends the file, at
// the line the decoder reached.
func (s *jsonStream) fail(file string, err error) error {
	line := s.tr.lineAt(s.dec.InputOffset())
	// The value that failed starts after the white space that follows the
	// last value read.
	rest := s.tr.buf
	line += bytes.Count(rest[:len(rest)-len(bytes.TrimLeft(rest, " \t\r\n"))], []byte("\n"))
	switch {
	case errors.Is(err, errValueTooLong):
		err = fmt.Errorf("a JSON value exceeds %d bytes; the rest of the file is not read", s.tr.limit)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		err = errors.New("bad JSON: the file ends inside a value")
	default:
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line = s.tr.lineAt(se.Offset)
		}
		err = fmt.Errorf("bad JSON; the rest of the file is not read: %w", err)
	}
	return &ReadError{File: file, Line: line, Err: err}
}

// splitValue returns the rows of one top-level value that starts on line:
// the elements of an array, the articles an object wraps, or the value
// itself.
func (r *JSONLReader) splitValue(raw []byte, line int) ([]streamRow, error) {
	var path []string
	switch raw[0] {
	case '[':
	case '{':
		if r.stream.rows {
			return []streamRow{{raw, line}}, nil
		}
		var p fastjson.Parser
		v, err := p.ParseBytes(raw)
		if err != nil {
			return []streamRow{{raw, line}}, nil // rejected as a row, with encoding/json's reason
		}
		var wraps bool
		if path, wraps = r.wrapped(v); !wraps {
			r.stream.rows = true
			return []streamRow{{raw, line}}, nil
		}
	default:
		return []streamRow{{raw, line}}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	for _, key := range path {
		if err := seekMember(dec, key); err != nil {
			return nil, err
		}
	}
	if _, err := dec.Token(); err != nil { // the array's [
		return nil, err
	}
	var rows []streamRow
	for dec.More() {
		var e json.RawMessage
		if err := dec.Decode(&e); err != nil {
			return nil, err
		}
		start := int(dec.InputOffset()) - len(e)
		rows = append(rows, streamRow{e, line + bytes.Count(raw[:start], []byte("\n"))})
	}
	return rows, nil
}

// seekMember reads dec into the object it is at, up to the value of key.
func seekMember(dec *json.Decoder, key string) error {
	if _, err := dec.Token(); err != nil { // the object's {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if tok == key {
			return nil
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return err
		}
	}
	return fmt.Errorf("no member %q", key)
}

// wrapped reports whether v is an object that wraps the articles rather
// than being one: none of its keys maps to a title or a text, and it holds
// an array of objects (NewsAPI's articles, an API's data, items or
// results), found within maxNesting levels. path leads to the largest such
// array, the first of equal ones.
func (r *JSONLReader) wrapped(v *fastjson.Value) (path []string, ok bool) {
	obj, err := v.Object()
	if err != nil {
		return nil, false
	}
	var keys []string
	visitFlat(obj, nil, 0, func(k []byte, _ *fastjson.Value) { keys = append(keys, string(k)) })
	idx := r.opts.Fields.resolveLast(keys)
	if idx[FieldTitle] >= 0 || idx[FieldText] >= 0 {
		return nil, false
	}
	best := 0
	var walk func(o *fastjson.Object, at []string)
	walk = func(o *fastjson.Object, at []string) {
		o.Visit(func(k []byte, v *fastjson.Value) {
			here := append(append([]string(nil), at...), string(k))
			switch v.Type() {
			case fastjson.TypeArray:
				a, _ := v.Array()
				if len(a) > best && a[0].Type() == fastjson.TypeObject {
					best, path = len(a), here
				}
			case fastjson.TypeObject:
				if len(here) < maxNesting {
					sub, _ := v.Object()
					walk(sub, here)
				}
			}
		})
	}
	walk(obj, nil)
	return path, best > 0
}

// lineTracker keeps the bytes read through it from a given offset on, so
// that the line of a later offset can be counted, and fails with
// errValueTooLong once it holds more than limit bytes, which bounds the
// memory one JSON value can take.
type lineTracker struct {
	r     io.Reader
	base  int64 // offset of buf[0]
	lines int   // newlines before base
	buf   []byte
	limit int
	// replay is the bytes read again after a rewind.
	replay []byte
}

var errValueTooLong = errors.New("value too long")

func (t *lineTracker) Read(p []byte) (int, error) {
	if len(t.replay) > 0 {
		n := copy(p, t.replay)
		t.replay = t.replay[n:]
		return n, nil
	}
	if len(t.buf) > t.limit+64<<10 {
		return 0, errValueTooLong
	}
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	return n, err
}

// rewind makes the bytes kept be read again; offsets start again from 0.
func (t *lineTracker) rewind() {
	t.replay = t.buf
	t.buf, t.base, t.lines = nil, 0, 0
	t.buf = append(t.buf, t.replay...)
}

// lineAt returns the 1-based line of offset off and forgets the bytes
// before it; off is never less than an offset asked for before.
func (t *lineTracker) lineAt(off int64) int {
	k := min(max(off-t.base, 0), int64(len(t.buf)))
	t.lines += bytes.Count(t.buf[:k], []byte("\n"))
	t.buf = t.buf[:copy(t.buf, t.buf[k:])]
	t.base += k
	return t.lines + 1
}
