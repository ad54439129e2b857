package data

import (
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Options configures every reader. The zero value is ready to use.
type Options struct {
	// Fields maps input columns to article fields; the zero value knows the
	// common spellings.
	Fields FieldMap
	// Year completes dateline dates that have no year. Zero takes the year
	// of the file's modification time.
	Year int
	// MaxArticleBytes rejects any row or file larger than this many bytes.
	// Zero means DefaultMaxArticleBytes.
	MaxArticleBytes int
	// MaxInputBytes ends an input (after decompression) beyond this many
	// bytes, and MaxRows beyond this many rows; the rest is not read and
	// the file's record says so. Zero means DefaultMaxInputBytes and
	// DefaultMaxRows.
	MaxInputBytes int64
	MaxRows       int
	// Encoding names the encoding of text inputs (a WHATWG name such as
	// "windows-1252" or "latin1"); empty detects it per file (see
	// decodeText).
	Encoding string
	// Delimiter separates the fields of CSV files; zero sniffs it from
	// each file's header line. TSV files are always split at tabs.
	Delimiter rune
	// Strict rejects rows whose date cannot be parsed, is ambiguous or is
	// implausible, instead of keeping them without a date.
	Strict bool
	// DateOrder reads slash dates (10/18/2021) whose numbers do not tell
	// day from month; zero leaves those undated and counted.
	DateOrder DateOrder
	// Now is when the run started: a date more than a day after it is
	// implausible. Zero sets no upper bound.
	Now time.Time
	// Progress, when not nil, counts the raw bytes of the file read so
	// far, as they are read, for progress reports.
	Progress *atomic.Int64
	// Workers is how many goroutines parse the rows of one JSONL file
	// while another reads its lines; 0 or 1 parses each row as it is read.
	// The rows come back in file order either way.
	Workers int
}

// DefaultMaxArticleBytes is the largest row or text file read when
// Options.MaxArticleBytes is zero.
const DefaultMaxArticleBytes = 16 << 20

// Bounds on what one input may hold when Options.MaxInputBytes and
// MaxRows are zero: a small gzip can expand to more rows than memory
// holds, and these are far above what one run can cluster
// (TestInputBounds).
const (
	DefaultMaxInputBytes = 64 << 30
	DefaultMaxRows       = 10_000_000
)

// EnsureDefaults sets o's zero bounds to their defaults and returns o. The
// readers and Open apply it to the options they are given.
func (o *Options) EnsureDefaults() *Options {
	if o.MaxArticleBytes <= 0 {
		o.MaxArticleBytes = DefaultMaxArticleBytes
	}
	if o.MaxInputBytes <= 0 {
		o.MaxInputBytes = DefaultMaxInputBytes
	}
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	return o
}

// maxInvalidUTF8 is the largest share of bytes in a row that may be invalid
// UTF-8 and still be repaired (each replaced by U+FFFD); above it the row is
// taken to be binary or in another encoding and rejected.
const maxInvalidUTF8 = 0.05

// repairUTF8 returns s with invalid bytes replaced, or ok=false when too
// much of it is invalid to be text.
func repairUTF8(s string) (string, bool) {
	if utf8.ValidString(s) {
		return s, true
	}
	bad := 0
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			bad++
		}
		i += n
	}
	if float64(bad) > maxInvalidUTF8*float64(len(s)) {
		return s, false
	}
	return strings.ToValidUTF8(s, "\uFFFD"), true
}

// buildArticle turns the field values of one row into an Article, or
// explains why the row cannot be used.
func buildArticle(v *fieldValues, file string, line int, raw []byte, opts *Options) (Article, *ParseError) {
	for f := range v {
		s, ok := repairUTF8(v[f])
		if !ok {
			return Article{}, newParseError(file, line, raw, "invalid UTF-8 in %s", Field(f))
		}
		v[f] = strings.TrimSpace(s)
	}
	// The short fields are copied: a reader's values may be substrings of
	// the whole row (a CSV record) or column (Parquet), which the job keeps
	// only until the text is vectorised.
	a := Article{
		ID:         strings.Clone(v[FieldID]),
		Outlet:     strings.Clone(v[FieldOutlet]),
		Title:      strings.Clone(collapseSpace(v[FieldTitle])),
		Text:       v[FieldText],
		URL:        strings.Clone(v[FieldURL]),
		Language:   strings.ToLower(strings.Clone(v[FieldLanguage])),
		SourceFile: file,
		SourceLine: line,
	}
	if a.Title == "" && a.Text == "" {
		return Article{}, newParseError(file, line, raw, "no title or text")
	}
	// An outlet given as a host name or URL is its registered domain; an
	// article without an outlet is its URL's (OutletFromURL notes it).
	if o, ok := OutletFromHost(a.Outlet); ok {
		a.Outlet = o
	} else if a.Outlet == "" && a.URL != "" {
		if o, ok := OutletFromHost(a.URL); ok {
			a.Outlet, a.OutletFromURL = o, true
		}
	}
	if s := v[FieldPublished]; s != "" {
		t, note, err := ParseDate(s, opts.DateOrder)
		switch {
		case err != nil && opts.Strict && note == DateAmbiguous:
			return Article{}, newParseError(file, line, raw, "ambiguous date %q: give --date-order dmy or mdy", clip(s, 64))
		case err != nil && opts.Strict:
			return Article{}, newParseError(file, line, raw, "unparsable date %q", clip(s, 64))
		case err != nil && note != DateAmbiguous:
			note = DateUnparsable
		case err == nil && !plausible(t, opts.Now):
			if opts.Strict {
				return Article{}, newParseError(file, line, raw, "implausible date %q: before 1900 or after the run", clip(s, 64))
			}
			t, note = time.Time{}, DateImplausible
		}
		a.Published, a.DateNote = t, note
	}
	splitDateline(&a, time.Time{}, opts)
	if a.Title == "" && a.Text == "" {
		return Article{}, newParseError(file, line, raw, "no title or text (only a dateline)")
	}
	return a, nil
}

// splitDateline moves a leading wire dateline out of the text; it fills the
// outlet and, for an article without a date, the date (completing a missing
// year from opts.Year or fileTime).
func splitDateline(a *Article, fileTime time.Time, opts *Options) {
	d, rest, ok := SplitDateline(a.Text)
	if !ok {
		return
	}
	// The dateline and its outlet are copied out of the text: as
	// substrings they would keep the whole text in memory after the job
	// has let it go.
	a.Dateline, a.Text = strings.Clone(d.Text), strings.TrimSpace(rest)
	if a.Outlet == "" {
		a.Outlet = strings.Clone(d.Outlet)
	}
	if !a.Published.IsZero() || a.DateNote != DateAsGiven || d.Month == 0 || d.Day == 0 {
		return
	}
	year, note := d.Year, DateAsGiven
	if year == 0 {
		note = DateYearInferred
		switch {
		case opts.Year != 0:
			year = opts.Year
		case !fileTime.IsZero():
			year = fileTime.Year()
		default:
			return
		}
	}
	a.Published = time.Date(year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	a.DateNote = note
}

func collapseSpace(s string) string {
	if !strings.ContainsAny(s, "\n\r\t  ") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
