package data

import (
	"errors"
	"fmt"
	"time"
)

// Article is one news article as read from an input file.
//
// Published is the zero time when the input has no usable date; DateNote
// says how the date was obtained when it was not read as given.
type Article struct {
	ID        string // the input's id; empty when the input has none
	Outlet    string
	Published time.Time // UTC; zero when unknown
	Title     string
	Text      string // body text with any leading dateline removed
	URL       string
	Language  string // as given by the input (lower case), or empty

	// Dateline is the wire dateline split off the start of the text
	// ("MOSCOW, December 18. /TASS/."), if any.
	Dateline string
	DateNote DateNote
	// OutletFromURL is set when the input gave no outlet and Outlet is the
	// registered domain of URL.
	OutletFromURL bool

	SourceFile string
	SourceLine int // line for line-based formats, row (1-based) for Parquet
}

// DateNote records how an article's date was obtained.
type DateNote uint8

const (
	DateAsGiven      DateNote = iota // parsed with an explicit zone, or no date given
	DateAssumedUTC                   // parsed without a zone; taken as UTC
	DateYearInferred                 // a dateline without a year; year from Options.Year or the file time
	DateUnparsable                   // a date was given but could not be parsed; Published is zero
	DateAmbiguous                    // a slash date whose day and month could be either; Published is zero
	DateImplausible                  // a date before 1900 or over a day after the run; Published is zero
	DateFromFileName                 // a text file without a dated dateline: the date in its name
)

// ErrBadRow is wrapped by every ParseError: the row cannot be used.
var ErrBadRow = errors.New("bad row")

// ParseError reports a row that cannot be used. The reader that returned it
// can still be read.
type ParseError struct {
	File string
	Line int    // 1-based line or row; 0 when the whole file is meant
	Err  error  // what is wrong
	Raw  []byte // the start of the raw row, at most MaxRaw bytes
}

// MaxRaw is the most bytes of a raw row kept in a ParseError.
const MaxRaw = 1024

func (e *ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

func (e *ParseError) Unwrap() []error { return []error{ErrBadRow, e.Err} }

func newParseError(file string, line int, raw []byte, format string, args ...any) *ParseError {
	if len(raw) > MaxRaw {
		raw = raw[:MaxRaw]
	}
	return &ParseError{File: file, Line: line, Err: fmt.Errorf(format, args...), Raw: append([]byte(nil), raw...)}
}

// ReadError reports an I/O error that ends a file early, such as a truncated
// gzip stream; the rows before it were read.
type ReadError struct {
	File string
	Line int // the line or row being read; 0 when unknown
	Err  error
}

func (e *ReadError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: read: %v", e.File, e.Err)
	}
	return fmt.Sprintf("%s:%d: read: %v", e.File, e.Line, e.Err)
}

func (e *ReadError) Unwrap() error { return e.Err }
