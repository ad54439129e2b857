package data

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	// fastjson decodes each row once, with no allocation but the fields'
	// text (BenchmarkReadJSONL); encoding/json decodes the rows fastjson
	// refuses, so that its errors word the reason, and splits files that
	// are not one object per line.
	"github.com/valyala/fastjson"
)

// JSONLReader reads one JSON object per line (JSONL, NDJSON). It also reads
// the other shapes JSON news comes in, told from the start of the file:
// one JSON array of objects, objects one after the other however they are
// laid out (news-please writes one pretty-printed object per file), and an
// object that wraps the array of articles (NewsAPI's {"articles": [...]}).
// In those shapes a row's line is the line its object starts on, and bad
// JSON ends the file, since a decoder cannot find the next object after it.
//
// Members of nested objects are columns named by their path (source.name),
// and a column that is an object stands for its member named "name",
// "$date", "$oid" and the like (see memberNames).
type JSONLReader struct {
	opts Options // as given to the constructor
	File string  // name used in errors and in Article.SourceFile

	br     *bufio.Reader
	line   int
	buf    []byte
	stream *jsonStream // set when the input is not one object per line
	began  bool
	par    *parallelRows // set when rows are parsed on Options.Workers goroutines

	mu      sync.Mutex
	mapping map[string]bool // every "field=key" pair the rows resolved to
}

// Mapping returns which key became which field, as "field=key" pairs in
// the order of the fields: every pair some row used.
func (r *JSONLReader) Mapping() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, name := range fieldNames {
		var keys []string
		for m := range r.mapping {
			if f, _, _ := strings.Cut(m, "="); f == name {
				keys = append(keys, m)
			}
		}
		slices.Sort(keys)
		out = append(out, keys...)
	}
	return out
}

// noteMapping records the pairs of one resolution.
func (r *JSONLReader) noteMapping(idx [numFields]int, keys []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.mapping == nil {
		r.mapping = map[string]bool{}
	}
	for _, m := range mapping(idx, keys) {
		r.mapping[m] = true
	}
}

// NewJSONLReader returns a reader of r.
func NewJSONLReader(r io.Reader, file string, opts Options) *JSONLReader {
	return &JSONLReader{opts: *opts.EnsureDefaults(), File: file, br: bufio.NewReaderSize(r, sniffBytes)}
}

// Read returns the next article. Bad rows come back as *ParseError.
func (r *JSONLReader) Read() (Article, error) {
	if !r.began {
		r.began = true
		if r.oneObjectPerLine() {
			if r.opts.Workers > 1 {
				r.par = r.startParallel()
			}
		} else {
			r.stream = newJSONStream(r.br, r.opts.MaxArticleBytes)
		}
	}
	if r.stream != nil {
		return r.readStream()
	}
	if r.par != nil {
		return r.par.next()
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

// oneObjectPerLine tells the shape of the file from its first value: the
// file is JSONL unless it opens with an array, or its first value spans
// lines (a pretty-printed object) or shares its line with another, or is an
// object that wraps the articles rather than being one. A first value that
// is not valid JSON leaves the file JSONL, where a bad row is one reject.
func (r *JSONLReader) oneObjectPerLine() bool {
	head, _ := r.br.Peek(sniffBytes)
	t := bytes.TrimLeft(head, " \t\r\n")
	if len(t) == 0 || t[0] != '{' {
		return len(t) == 0 || t[0] != '['
	}
	dec := json.NewDecoder(bytes.NewReader(t))
	var first json.RawMessage
	if dec.Decode(&first) != nil {
		return true
	}
	end := int(dec.InputOffset())
	rest, _, _ := bytes.Cut(t[end:], []byte("\n"))
	if bytes.ContainsRune(t[:end], '\n') || len(bytes.TrimSpace(rest)) > 0 {
		return false
	}
	var p fastjson.Parser
	v, err := p.ParseBytes(first)
	if err != nil {
		return true
	}
	_, wraps := r.wrapped(v)
	return !wraps
}

// Close stops the goroutines of a parallel read; the reader is not used
// after.
func (r *JSONLReader) Close() error {
	if r.par != nil {
		r.par.stop()
	}
	return nil
}

// parallelRows parses the rows of a file on several goroutines: one reads
// lines into batches, Options.Workers parse the batches, and next hands the
// results back in file order. At most twice as many batches as workers are
// in flight, which bounds the memory.
type parallelRows struct {
	order chan *rowBatch // batches in file order, closed after the last
	quit  chan struct{}  // closed by stop
	cur   *rowBatch
	k     int // next result of cur
	// free holds the line buffers of batches handed back, for the batches
	// read next, so that the read does not grow a buffer anew for every
	// batch (BenchmarkReadJSONL's B/op).
	free chan []byte
}

// rowBatch is up to batchRows lines of a file, parsed once done is closed.
type rowBatch struct {
	data []byte // the lines, one after the other
	ends []int  // the end of each line in data
	nums []int  // the line number of each line
	res  []rowResult
	done chan struct{}
}

type rowResult struct {
	a   Article
	err error
}

// batchRows is how many lines a parse batch holds.
const batchRows = 256

func (r *JSONLReader) startParallel() *parallelRows {
	p := &parallelRows{order: make(chan *rowBatch, 2*r.opts.Workers), quit: make(chan struct{}), free: make(chan []byte, 2*r.opts.Workers+2)}
	work := make(chan *rowBatch, 2*r.opts.Workers)
	for range r.opts.Workers {
		go func() {
			for b := range work {
				start := 0
				for k, end := range b.ends {
					if b.res[k].err == nil { // a row the reader rejected whole already has its error
						b.res[k].a, b.res[k].err = r.parse(b.data[start:end:end], b.nums[k])
					}
					start = end
				}
				close(b.done)
			}
		}()
	}
	go func() {
		defer close(p.order)
		defer close(work)
		for {
			b := &rowBatch{done: make(chan struct{})}
			select {
			case b.data = <-p.free:
			default:
			}
			var last error // ends the file: io.EOF or a *ReadError
			for len(b.ends) < batchRows {
				line, err := r.readLine() // err is nil, a *ParseError (a row rejected whole) or the end
				if err != nil && !errors.As(err, new(*ParseError)) {
					last = err
					break
				}
				if err == nil && len(bytes.TrimSpace(line)) == 0 {
					continue
				}
				b.data = append(b.data, line...)
				b.ends = append(b.ends, len(b.data))
				b.nums = append(b.nums, r.line)
				b.res = append(b.res, rowResult{err: err})
			}
			if last != nil && last != io.EOF {
				b.ends = append(b.ends, len(b.data))
				b.nums = append(b.nums, r.line)
				b.res = append(b.res, rowResult{err: last})
			}
			select {
			case p.order <- b:
			case <-p.quit:
				return
			}
			select {
			case work <- b:
			case <-p.quit:
				return
			}
			if last != nil {
				return
			}
		}
	}()
	return p
}

// next returns the next row's result, or io.EOF after the last.
func (p *parallelRows) next() (Article, error) {
	for p.cur == nil || p.k == len(p.cur.res) {
		b, ok := <-p.order
		if !ok {
			return Article{}, io.EOF
		}
		<-b.done
		if p.cur != nil {
			select { // the batch's results are taken and its lines parsed
			case p.free <- p.cur.data[:0]:
			default:
			}
		}
		p.cur, p.k = b, 0
	}
	res := p.cur.res[p.k]
	p.cur.res[p.k] = rowResult{} // let the article go with the caller
	p.k++
	return res.a, res.err
}

func (p *parallelRows) stop() {
	select {
	case <-p.quit:
	default:
		close(p.quit)
	}
}

// readLine returns the next line without its end, or a *ParseError for a
// line longer than the maximum article size (which is skipped).
func (r *JSONLReader) readLine() ([]byte, error) {
	r.buf = r.buf[:0]
	r.line++
	max := r.opts.MaxArticleBytes
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
	// Files joined end to end keep each one's byte order mark.
	line = bytes.TrimPrefix(line, []byte("\ufeff"))
	// encoding/json would replace invalid UTF-8 silently: check it first.
	if !utf8.Valid(line) {
		s, ok := repairUTF8(string(line))
		if !ok {
			return Article{}, newParseError(r.File, n, line, "invalid UTF-8")
		}
		line = []byte(s)
	}
	if t := bytes.TrimLeft(line, " \t\r\n"); len(t) > 0 && t[0] != '{' {
		return Article{}, newParseError(r.File, n, line, "bad JSON: want an object")
	}
	rp := rowParsers.Get().(*rowParser)
	defer rowParsers.Put(rp)
	if a, ok, err := r.articleFast(rp, line, n); ok {
		return a, err
	}
	// fastjson found the row invalid (or nested deeper than it reads):
	// encoding/json decodes it or words the reason.
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(line, &obj); err != nil {
		return Article{}, newParseError(r.File, n, line, "bad JSON: %v", err)
	}
	var keys []string
	var vals []json.RawMessage
	if err := flattenRaw(obj, "", 0, &keys, &vals); err != nil {
		return Article{}, newParseError(r.File, n, line, "bad JSON: %v", err)
	}
	return r.article(keys, vals, line, n)
}

// maxNesting is how deep the members of nested objects are read as columns.
const maxNesting = 4

// flattenRaw appends the keys of obj and of its nested objects (by their
// dotted paths, down to maxNesting levels) with their values, in sorted
// order, so that duplicate spellings ("Title", "title") resolve the same way
// every time. An object is not a value of its own.
func flattenRaw(obj map[string]json.RawMessage, prefix string, depth int, keys *[]string, vals *[]json.RawMessage) error {
	names := make([]string, 0, len(obj))
	for k := range obj {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		v := bytes.TrimSpace(obj[k])
		if len(v) > 0 && v[0] == '{' {
			if depth+1 >= maxNesting {
				continue
			}
			var sub map[string]json.RawMessage
			if err := json.Unmarshal(v, &sub); err != nil {
				return err
			}
			if err := flattenRaw(sub, prefix+k+".", depth+1, keys, vals); err != nil {
				return err
			}
			continue
		}
		*keys = append(*keys, prefix+k)
		*vals = append(*vals, v)
	}
	return nil
}

func (r *JSONLReader) article(keys []string, vals []json.RawMessage, raw []byte, n int) (Article, error) {
	idx := r.opts.Fields.resolve(keys)
	r.noteMapping(idx, keys)
	if perr := r.unmapped(idx, keys, raw, n); perr != nil {
		return Article{}, perr
	}
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
	a, perr := buildArticle(&v, r.File, n, raw, &r.opts)
	if perr != nil {
		return Article{}, perr
	}
	return a, nil
}

// unmapped explains a row in which no key maps to the title or the text.
func (r *JSONLReader) unmapped(idx [numFields]int, keys []string, raw []byte, n int) *ParseError {
	if idx[FieldTitle] >= 0 || idx[FieldText] >= 0 {
		return nil
	}
	if len(keys) == 0 {
		return newParseError(r.File, n, raw, "no title or text")
	}
	keys = slices.Sorted(slices.Values(keys))
	return newParseError(r.File, n, raw, "no title or text: no key maps to them among %s; name one with --field text=KEY (a dotted path for a nested key)", clip(strings.Join(slices.Compact(keys), ", "), 300))
}

// rowParser is one goroutine's fastjson parser, with the keys of the last
// object it parsed and the columns they resolved to: the rows of a file
// mostly have the same keys in the same order, resolved once.
type rowParser struct {
	p       fastjson.Parser
	keys    []string       // the flattened keys of the last object, in its order; nil before the first
	fields  FieldMap       // the map they were resolved with
	idx     [numFields]int // per field, the index in keys of its value, or -1
	vals    []*fastjson.Value
	path    []byte // the dotted path of the key being visited
	scratch []byte
}

var rowParsers = sync.Pool{New: func() any { return new(rowParser) }}

// visitFlat calls fn with each member of obj and of its nested objects,
// these by their dotted paths (down to maxNesting levels), in the order
// written. An object is not a member of its own. key is valid during the
// call only.
func visitFlat(obj *fastjson.Object, path []byte, depth int, fn func(key []byte, v *fastjson.Value)) []byte {
	obj.Visit(func(k []byte, v *fastjson.Value) {
		// GetObject, unlike Type and Object, leaves a string as written
		// (see fieldText).
		sub := v.GetObject()
		if sub == nil {
			fn(append(path, k...), v)
			return
		}
		if depth+1 < maxNesting {
			path = visitFlat(sub, append(append(path, k...), '.'), depth+1, fn)[:len(path)]
		}
	})
	return path
}

// articleFast decodes a row with fastjson, which reads each field once,
// where a map of raw values decoded again field by field reads each twice
// (BenchmarkReadJSONL). It gives what article gives for the same row (a repeated key
// takes its last value, and spellings of one column resolve in key order);
// ok is false when fastjson finds the row invalid.
func (r *JSONLReader) articleFast(rp *rowParser, line []byte, n int) (a Article, ok bool, err error) {
	// The parser reads at most fastjson.MaxDepth levels; the validator,
	// which catches the bad escapes the parser lets through, has no bound
	// and runs only on what the parser read.
	v, perr := rp.p.ParseBytes(line)
	if perr != nil || fastjson.ValidateBytes(line) != nil {
		return Article{}, false, nil
	}
	obj, perr := v.Object()
	if perr != nil {
		return Article{}, false, nil
	}
	same := rp.keys != nil && rp.fields == r.opts.Fields
	rp.vals = rp.vals[:0]
	rp.path = visitFlat(obj, rp.path[:0], 0, func(k []byte, v *fastjson.Value) {
		same = same && len(rp.vals) < len(rp.keys) && string(k) == rp.keys[len(rp.vals)]
		rp.vals = append(rp.vals, v)
	})
	if !same || len(rp.vals) != len(rp.keys) {
		rp.keys = rp.keys[:0]
		rp.path = visitFlat(obj, rp.path[:0], 0, func(k []byte, _ *fastjson.Value) { rp.keys = append(rp.keys, string(k)) })
		rp.idx, rp.fields = r.opts.Fields.resolveLast(rp.keys), r.opts.Fields
		r.noteMapping(rp.idx, rp.keys)
	}
	if perr := r.unmapped(rp.idx, rp.keys, line, n); perr != nil {
		return Article{}, true, perr
	}
	var fv fieldValues
	for f, i := range rp.idx {
		if i < 0 {
			continue
		}
		var s string
		s, rp.scratch, err = fieldText(rp.vals[i], rp.scratch)
		if err != nil {
			return Article{}, true, newParseError(r.File, n, line, "field %q: %v", rp.keys[i], err)
		}
		fv[f] = s
	}
	a, berr := buildArticle(&fv, r.File, n, line, &r.opts)
	if berr != nil {
		return Article{}, true, berr
	}
	return a, true, nil
}

// fieldText renders a value as jsonScalar renders its JSON text, which it
// appends to scratch (and returns, for reuse).
func fieldText(v *fastjson.Value, scratch []byte) (string, []byte, error) {
	raw := v.MarshalTo(scratch[:0]) // a string as written in the row, before Type unescapes it
	if len(raw) >= 2 && raw[0] == '"' && !surrogateEscape(raw) {
		// fastjson unescapes as encoding/json does but for UTF-16
		// surrogates, which it pairs differently when one is alone.
		b, err := v.StringBytes()
		return string(b), raw, err
	}
	s, err := jsonScalar(raw)
	return s, raw, err
}

// surrogateEscape reports whether a JSON string may hold an escaped UTF-16
// surrogate (\uD800 to \uDFFF); an escaped backslash before a u counts too.
func surrogateEscape(raw []byte) bool {
	for {
		i := bytes.Index(raw, []byte(`\u`))
		if i < 0 || i+2 >= len(raw) {
			return false
		}
		if raw[i+2]|0x20 == 'd' {
			return true
		}
		raw = raw[i+2:]
	}
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

// fileError wraps an I/O error that ends a file in a *ReadError.
func fileError(file string, line int, err error) error {
	if err == io.EOF {
		return io.EOF
	}
	return &ReadError{File: file, Line: line, Err: err}
}
