package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Format is an input file format.
type Format string

const (
	FormatJSONL   Format = "jsonl"
	FormatCSV     Format = "csv"
	FormatTSV     Format = "tsv"
	FormatParquet Format = "parquet"
	FormatText    Format = "text"
)

// Source is one input: a file on disk, standard input, or a file of the
// embedded sample.
type Source struct {
	Name    string // as shown in errors and output rows
	Format  Format
	Gzip    bool
	Size    int64 // bytes on disk; -1 when unknown (stdin)
	ModTime time.Time
	Outlet  string // outlet for text files without a dateline: the folder name

	open func() (io.ReadCloser, error)
}

// formatOf returns the format named by a file's extension (after any .gz),
// or "" when the extension names none.
func formatOf(name string) (Format, bool) {
	lower := strings.ToLower(name)
	gz := strings.HasSuffix(lower, ".gz")
	lower = strings.TrimSuffix(lower, ".gz")
	switch filepath.Ext(lower) {
	case ".jsonl", ".ndjson", ".json", ".jsonlines":
		return FormatJSONL, gz
	case ".csv":
		return FormatCSV, gz
	case ".tsv", ".tab":
		return FormatTSV, gz
	case ".parquet", ".pq":
		return FormatParquet, gz
	case ".txt", ".text":
		return FormatText, gz
	}
	return "", gz
}

// OutputLock is the file that marks a directory as a run's output or state
// (the runs lock it); Sources skips such directories.
const OutputLock = ".storyclust.lock"

// ErrInput marks a problem with an input path given by the user: it does not
// exist or cannot be read.
var ErrInput = errors.New("bad input")

// Sources expands input paths into sources. A directory is walked
// recursively in lexical order, taking files with a known extension;
// the others are returned in skipped. "-" is JSONL on standard input.
// A path that does not exist or cannot be read is an error wrapping
// ErrInput.
func Sources(paths []string) (srcs []Source, skipped []string, err error) {
	for _, p := range paths {
		if p == "-" {
			srcs = append(srcs, Source{Name: "-", Format: FormatJSONL, Size: -1, Outlet: "",
				open: func() (io.ReadCloser, error) { return io.NopCloser(os.Stdin), nil }})
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %w", ErrInput, err)
		}
		if !info.IsDir() && !info.Mode().IsRegular() {
			// A FIFO without a writer would block for ever, a device
			// such as /dev/zero never end, and neither can be read twice
			// for the digest.
			return nil, nil, fmt.Errorf("%w: %q is not a regular file; pipe it to standard input and give - instead", ErrInput, p)
		}
		if !info.IsDir() {
			// A file named on the command line that cannot be read is
			// found before any work, like one that does not exist.
			fh, err := os.Open(p)
			if err != nil {
				return nil, nil, fmt.Errorf("%w: %w", ErrInput, err)
			}
			fh.Close()
			f, _ := formatOf(p)
			srcs = append(srcs, fileSource(p, info, f))
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if path == p {
					return fmt.Errorf("%w: %w", ErrInput, err)
				}
				// An unreadable folder or file inside the tree: report it
				// as a rejected input and go on with the rest.
				srcs = append(srcs, brokenSource(path, err))
				if d != nil && d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if path != p && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				if _, err := os.Lstat(filepath.Join(path, OutputLock)); err == nil {
					// The output of a run (or a state directory): its
					// tables are not articles.
					skipped = append(skipped, path+string(filepath.Separator))
					return filepath.SkipDir
				}
				return nil
			}
			f, _ := formatOf(path)
			if f == "" {
				skipped = append(skipped, path)
				return nil
			}
			info, err := d.Info()
			if err == nil && d.Type()&fs.ModeSymlink != 0 {
				// Follow links to files; links to folders are not
				// followed (they may loop) and are listed as skipped.
				info, err = os.Stat(path)
			}
			switch {
			case err != nil:
				srcs = append(srcs, brokenSource(path, err))
			case info.Mode().IsRegular():
				srcs = append(srcs, fileSource(path, info, f))
			default:
				skipped = append(skipped, path)
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	return srcs, skipped, nil
}

// NewSource is an input read through open, such as a file of another
// file system: its format and compression are told by its name's
// extension, or sniffed, as those of a file on disk, and its outlet (for
// text files without a dateline) is its folder's name.
func NewSource(name string, size int64, modTime time.Time, open func() (io.ReadCloser, error)) Source {
	f, gz := formatOf(name)
	return Source{Name: name, Format: f, Gzip: gz, Size: size, ModTime: modTime, Outlet: path.Base(path.Dir(name)), open: open}
}

func fileSource(path string, info fs.FileInfo, f Format) Source {
	_, gz := formatOf(path)
	return Source{
		Name: path, Format: f, Gzip: gz, Size: info.Size(), ModTime: info.ModTime(),
		Outlet: filepath.Base(filepath.Dir(path)),
		open:   func() (io.ReadCloser, error) { return os.Open(path) },
	}
}

// brokenSource is a file found in a folder that cannot be read; opening it
// returns err.
func brokenSource(path string, err error) Source {
	f, gz := formatOf(path)
	return Source{Name: path, Format: f, Gzip: gz, open: func() (io.ReadCloser, error) { return nil, err }}
}

//go:embed sample
var sampleFS embed.FS

// Sample returns the sources of the embedded sample corpus: headlines from
// the UCI News Aggregator data set (CC BY 4.0) and one TASS article.
func Sample() []Source {
	entries, _ := sampleFS.ReadDir("sample")
	var srcs []Source
	for _, e := range entries {
		name := "sample/" + e.Name()
		info, _ := e.Info()
		f, gz := formatOf(name)
		srcs = append(srcs, Source{
			Name: "embedded:" + name, Format: f, Gzip: gz, Size: info.Size(), Outlet: "sample",
			open: func() (io.ReadCloser, error) { return sampleFS.Open(name) },
		})
	}
	sort.Slice(srcs, func(i, j int) bool { return srcs[i].Name < srcs[j].Name })
	return srcs
}

// Reader is what every format reader provides.
type Reader interface {
	Read() (Article, error)
}

// File is an open input: it reads articles and digests the raw bytes.
type File struct {
	Reader
	encoding string
	src      Source
	closers  []io.Closer
	hash     hash.Hash
	counter  *countingReader
}

// Open opens src for reading with opts. An error here concerns the whole
// file: it cannot be opened, or (a *ParseError) it has no usable content.
func Open(src Source, opts Options) (*File, error) {
	return OpenContext(context.Background(), src, opts)
}

// OpenContext is Open with a context: once ctx is done, every read of the
// file fails with its error, however the format reader loops (over blank
// lines, say).
func OpenContext(ctx context.Context, src Source, opts Options) (*File, error) {
	opts.EnsureDefaults()
	rc, err := src.open()
	if err != nil {
		return nil, &ReadError{File: src.Name, Err: err}
	}
	f := &File{src: src, closers: []io.Closer{rc}, hash: sha256.New()}
	f.counter = &countingReader{r: io.TeeReader(rc, f.hash), progress: opts.Progress}
	var r io.Reader = f.counter
	if src.Gzip {
		zr, err := gzip.NewReader(r)
		if err != nil {
			f.Close()
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, &ParseError{File: src.Name, Err: errors.New("bad gzip: the file ends inside its header")}
			}
			return nil, &ParseError{File: src.Name, Err: fmt.Errorf("bad gzip: %w", err)}
		}
		r = zr
	}
	// What a file expands to is bounded, and every read the format reader
	// makes, of decompressed bytes or not, stops once ctx is done.
	r = &boundedReader{r: r, ctx: ctx, left: opts.MaxInputBytes}
	br := bufio.NewReaderSize(r, sniffBytes)
	head, err := br.Peek(4)
	if len(head) == 0 {
		f.Close()
		if err != nil && err != io.EOF {
			return nil, fileError(src.Name, 0, err) // a gzip stream cut short, say
		}
		return nil, &ParseError{File: src.Name, Err: errors.New("empty file")}
	}
	format := src.Format
	if format == "" {
		format = sniff(br)
	}
	if format == FormatParquet {
		r = br
	} else if r, f.encoding, err = decodeText(br, head, opts.Encoding); err != nil {
		f.Close()
		return nil, &ReadError{File: src.Name, Err: err}
	}
	switch format {
	case FormatJSONL:
		jr := NewJSONLReader(r, src.Name, opts)
		f.Reader = jr
		f.closers = append(f.closers, jr) // closed first: it stops the parsing goroutines
	case FormatCSV:
		f.Reader = NewCSVReader(r, src.Name, 0, opts)
	case FormatTSV:
		f.Reader = NewCSVReader(r, src.Name, '\t', opts)
	case FormatText:
		f.Reader = NewTextReader(r, src.Name, src.Outlet, src.ModTime, opts)
	case FormatParquet:
		// Parquet needs random access: read it whole (it is bounded by
		// the input file's size, and the file is columnar anyway).
		b, err := io.ReadAll(r)
		if err != nil {
			f.Close()
			return nil, fileError(src.Name, 0, err)
		}
		pr, err := NewParquetReader(bytes.NewReader(b), src.Name, opts)
		if err != nil {
			f.Close()
			return nil, err
		}
		f.Reader = pr
		f.closers = append(f.closers, pr)
	default:
		f.Close()
		return nil, &ParseError{File: src.Name, Err: errors.New("unknown format")}
	}
	return f, nil
}

// Encoding says how the file's text was decoded: "utf-8",
// "windows-1252 (detected)", "iso-8859-15 (given)"…; empty for Parquet.
func (f *File) Encoding() string { return f.encoding }

// Mapping returns which input column became which article field, as
// "field=column" pairs (the form --field takes).
func (f *File) Mapping() []string {
	if m, ok := f.Reader.(interface{ Mapping() []string }); ok {
		return m.Mapping()
	}
	return nil
}

// Digest returns the SHA-256 of the raw bytes read so far and their count;
// after the reader returned io.EOF it covers the whole file.
func (f *File) Digest() (string, int64) {
	// Drain what the format reader left unread (trailing bytes, a gzip
	// footer) so that the digest covers the file.
	io.Copy(io.Discard, f.counter)
	return hex.EncodeToString(f.hash.Sum(nil)), f.counter.n
}

// Digest returns the SHA-256 and size of the raw bytes of src, for a source
// that could not be opened for reading articles.
func Digest(src Source) (string, int64, error) {
	rc, err := src.open()
	if err != nil {
		return "", 0, err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// Close releases the file.
func (f *File) Close() error {
	var err error
	for i := len(f.closers) - 1; i >= 0; i-- {
		err = errors.Join(err, f.closers[i].Close())
	}
	return err
}

type countingReader struct {
	r        io.Reader
	n        int64
	progress *atomic.Int64 // shared by the files read at once; may be nil
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.progress != nil {
		c.progress.Add(int64(n))
	}
	return n, err
}

// boundedReader fails once more than left bytes were read, or once ctx is
// done.
type boundedReader struct {
	r    io.Reader
	ctx  context.Context
	left int64
}

// ErrInputTooLarge ends a file that expands beyond Options.MaxInputBytes.
var ErrInputTooLarge = errors.New("input too large")

func (b *boundedReader) Read(p []byte) (int, error) {
	if err := b.ctx.Err(); err != nil {
		return 0, err
	}
	if b.left <= 0 {
		return 0, fmt.Errorf("%w: it expands to more than its bound of bytes (--max-input-bytes); the rest is not read", ErrInputTooLarge)
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

// decodeText returns a reader of br's text in UTF-8, and the encoding it
// was read in: the one named (any WHATWG name: "latin1", "windows-1252",
// "iso-8859-15", "shift_jis"…), else UTF-16 or UTF-8 by a byte order mark,
// else Windows-1252 when the first MiB holds bytes that are not UTF-8 and
// no sequence that is (Latin-1 text is Windows-1252 text), else UTF-8,
// where a stray invalid byte is repaired row by row.
func decodeText(br *bufio.Reader, head []byte, name string) (io.Reader, string, error) {
	if name != "" {
		enc, err := htmlindex.Get(name)
		if err != nil {
			return nil, "", fmt.Errorf("encoding %q: %w", name, err)
		}
		canon, _ := htmlindex.Name(enc)
		if canon == "utf-8" {
			return br, "utf-8 (given)", nil
		}
		return transform.NewReader(br, unicode.BOMOverride(enc.NewDecoder())), canon + " (given)", nil
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		return br, "utf-8", nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return transform.NewReader(br, unicode.BOMOverride(unicode.UTF8.NewDecoder())), "utf-16 (byte order mark)", nil
	}
	sample, _ := br.Peek(sniffBytes)
	if looksSingleByte(sample) {
		return transform.NewReader(br, charmap.Windows1252.NewDecoder()), "windows-1252 (detected)", nil
	}
	return br, "utf-8", nil
}

// CheckEncoding reports whether name is an encoding decodeText knows.
func CheckEncoding(name string) error {
	if _, err := htmlindex.Get(name); err != nil {
		return fmt.Errorf("encoding %q: want a name such as utf-8, windows-1252, latin1, iso-8859-15, shift_jis", name)
	}
	return nil
}

// sniffBytes is how much of a text file is looked at to tell its encoding
// (and, for JSON, its shape).
const sniffBytes = 1 << 20

// looksSingleByte reports whether b holds bytes that are not UTF-8 and no
// multi-byte UTF-8 sequence: text in a single-byte encoding. A sequence cut
// at the end of b does not count.
func looksSingleByte(b []byte) bool {
	invalid, multi := 0, 0
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		switch {
		case r != utf8.RuneError || n > 1:
			multi++
		case utf8.FullRune(b[i:]):
			invalid++
		}
		i += n
	}
	return invalid > 0 && multi == 0
}

// sniff guesses the format of a file whose name does not tell it.
func sniff(br *bufio.Reader) Format {
	head, _ := br.Peek(4096)
	t := bytes.TrimLeft(head, " \t\r\n")
	switch {
	case bytes.HasPrefix(head, []byte("PAR1")):
		return FormatParquet
	case len(t) > 0 && (t[0] == '{' || t[0] == '['):
		return FormatJSONL
	}
	first, _, _ := bytes.Cut(head, []byte("\n"))
	switch {
	case bytes.Count(first, []byte("\t")) >= 2:
		return FormatTSV
	case len(first) < 1024 && bytes.Count(first, []byte(string(sniffDelimiter(first)))) >= 2:
		return FormatCSV
	}
	return FormatText
}
