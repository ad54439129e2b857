package data

import (
	"bufio"
	"bytes"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	// goccy/go-json decodes JSONL rows about twice as fast as encoding/json
	// (the read stage of 100k articles: see docs/PERFORMANCE.md); the API
	// is the same.
	json "github.com/goccy/go-json"
)

// JSONLReader reads one JSON object per line (JSONL, NDJSON, news-please
// output). A file whose first byte is '[' is read as one JSON array of
// objects instead, each element counted as a row.
type JSONLReader struct {
	Options
	File string // name used in errors and in Article.SourceFile

	br    *bufio.Reader
	line  int
	buf   []byte
	array *json.Decoder // set when the input is a JSON array
	began bool
}

// NewJSONLReader returns a reader of r.
func NewJSONLReader(r io.Reader, file string, opts Options) *JSONLReader {
	return &JSONLReader{Options: opts, File: file, br: bufio.NewReaderSize(r, 64<<10)}
}

// Read returns the next article. Bad rows come back as *ParseError.
func (r *JSONLReader) Read() (Article, error) {
	if !r.began {
		r.began = true
		if b, err := r.br.Peek(1); err == nil && b[0] == '[' {
			r.array = json.NewDecoder(r.br)
			if _, err := r.array.Token(); err != nil {
				return Article{}, &ReadError{File: r.File, Err: fmt.Errorf("bad JSON: %w", err)}
			}
		}
	}
	if r.array != nil {
		return r.readArray()
	}
	for {
		line, err := r.readLine()
		if err != nil {
			return Article{}, err
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		return r.parse(line, r.line)
	}
}

// readLine returns the next line without its end, or a *ParseError for a
// line longer than the maximum article size (which is skipped).
func (r *JSONLReader) readLine() ([]byte, error) {
	r.buf = r.buf[:0]
	r.line++
	max := r.maxBytes()
	tooLong := false
	for {
		chunk, err := r.br.ReadSlice('\n')
		if !tooLong {
			if len(r.buf)+len(chunk) > max {
				tooLong = true
				r.buf = append(r.buf, chunk[:min(len(chunk), MaxRaw)]...)
			} else {
				r.buf = append(r.buf, chunk...)
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && (len(r.buf) > 0 || tooLong):
			// last line without a newline
		case err != nil:
			return nil, fileError(r.File, r.line, err)
		}
		break
	}
	if tooLong {
		return nil, newParseError(r.File, r.line, r.buf, "row exceeds %d bytes", max)
	}
	return bytes.TrimRight(r.buf, "\r\n"), nil
}

func (r *JSONLReader) parse(line []byte, n int) (Article, error) {
	// encoding/json would replace invalid UTF-8 silently: check it first.
	if !utf8.Valid(line) {
		s, ok := repairUTF8(string(line))
		if !ok {
			return Article{}, newParseError(r.File, n, line, "invalid UTF-8")
		}
		line = []byte(s)
	}
	if t := bytes.TrimLeft(line, " \t"); len(t) > 0 && t[0] != '{' {
		return Article{}, newParseError(r.File, n, line, "bad JSON: want an object")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(line, &obj); err != nil {
		// encoding/json words its errors better; ask it on this slow path.
		if serr := stdjson.Unmarshal(line, &obj); serr != nil {
			err = serr
		}
		return Article{}, newParseError(r.File, n, line, "bad JSON: %v", err)
	}
	return r.article(obj, line, n)
}

func (r *JSONLReader) article(obj map[string]json.RawMessage, raw []byte, n int) (Article, error) {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys) // duplicate spellings ("Title", "title") resolve the same way every time
	vals := make([]json.RawMessage, len(keys))
	for i, k := range keys {
		vals[i] = obj[k]
	}
	idx := r.Fields.resolve(keys)
	var v fieldValues
	for f, i := range idx {
		if i < 0 {
			continue
		}
		s, err := jsonScalar(vals[i])
		if err != nil {
			return Article{}, newParseError(r.File, n, raw, "field %q: %v", keys[i], err)
		}
		v[f] = s
	}
	a, perr := buildArticle(&v, r.File, n, raw, &r.Options)
	if perr != nil {
		return Article{}, perr
	}
	return a, nil
}

// jsonScalar renders a JSON string, number or boolean as text; null is the
// empty string. Objects and arrays are errors, except an array of strings,
// which is joined (news-please style "authors" lists).
func jsonScalar(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", nil
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
		return s, nil
	case 'n':
		return "", nil
	case '{':
		return "", errors.New("want a string, got an object")
	case '[':
		var ss []string
		if err := json.Unmarshal(raw, &ss); err != nil {
			return "", errors.New("want a string, got an array")
		}
		return strings.Join(ss, " "), nil
	default:
		return string(raw), nil
	}
}

func (r *JSONLReader) readArray() (Article, error) {
	if !r.array.More() {
		if _, err := r.array.Token(); err != nil {
			return Article{}, &ReadError{File: r.File, Line: r.line + 1, Err: fmt.Errorf("bad JSON: %w", err)}
		}
		return Article{}, io.EOF
	}
	r.line++
	var raw json.RawMessage
	if err := r.array.Decode(&raw); err != nil {
		// The decoder cannot resynchronise inside an array: the rest of
		// the file is lost, and the error says so.
		return Article{}, &ReadError{File: r.File, Line: r.line, Err: fmt.Errorf("bad JSON in array element; the rest of the file is not read: %w", err)}
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return Article{}, newParseError(r.File, r.line, raw, "bad JSON: want an object")
	}
	return r.article(obj, raw, r.line)
}

// fileError wraps an I/O error that ends a file in a *ReadError.
func fileError(file string, line int, err error) error {
	if err == io.EOF {
		return io.EOF
	}
	return &ReadError{File: file, Line: line, Err: err}
}
