package data

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

var (
	errBadDate       = errors.New("unrecognised date")
	errAmbiguousDate = errors.New("ambiguous day and month; give --date-order")
)

// DateOrder says how to read a date of two numbers and a year split by
// slashes (10/18/2021), when the numbers alone do not tell.
type DateOrder uint8

const (
	// DateOrderAuto reads a slash date only when one of its numbers is
	// over 12; 03/04/2021 is ambiguous and left undated (DateAmbiguous).
	DateOrderAuto DateOrder = iota
	DateOrderDMY            // 18/10/2021, as in Europe
	DateOrderMDY            // 10/18/2021, as in the United States
)

// ParseDateOrder reads "dmy", "mdy" or "" (auto).
func ParseDateOrder(s string) (DateOrder, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return DateOrderAuto, nil
	case "dmy":
		return DateOrderDMY, nil
	case "mdy":
		return DateOrderMDY, nil
	}
	return 0, fmt.Errorf("date order %q: want dmy or mdy", s)
}

func (o DateOrder) String() string {
	return [...]string{"auto", "dmy", "mdy"}[o]
}

// Layouts with an explicit zone or offset, tried in order.
var zonedLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999 -0700",
	"2006-01-02 15:04:05.999999999 -07:00",
	"2006-01-02 15:04:05.999999999 MST",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04:05 -0700",
	time.RFC822Z,
	time.RFC822,
	time.RubyDate,
	time.UnixDate,
}

// Layouts without a zone: the time is taken as UTC.
var naiveLayouts = []string{
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02 15:04:05",
	"2006/01/02 15:04",
	"2006/01/02",
	"02.01.2006 15:04:05",
	"02.01.2006 15:04",
	"02.01.2006",
	"2.1.2006",
	"January 2, 2006 15:04",
	"January 2, 2006 3:04 PM",
	"January 2, 2006 3:04PM",
	"January 2, 2006",
	"Jan 2, 2006 15:04",
	"Jan 2, 2006 3:04 PM",
	"Jan 2, 2006 3:04PM",
	"Jan 2, 2006",
	"Jan. 2, 2006",
	"Monday, January 2, 2006",
	"2 January 2006 15:04",
	"2 January 2006",
	"2 Jan 2006 15:04",
	"2 Jan 2006",
	"Mon Jan 2 15:04:05 2006",
}

// Layouts of the time after a slash date.
var clockLayouts = []string{"", " 15:04", " 15:04:05", " 3:04 PM", " 3:04:05 PM", " 3:04PM"}

// ParseDate parses a publication date in the forms news data uses: RFC 3339,
// date only, "2006-01-02 15:04", RSS (RFC 1123/822), month names
// ("Oct 18, 2021 4:15 PM"), day-first dotted dates (18.10.2021), slash dates
// read by order, and strings of digits told apart by their length: 8, 12
// and 14 digits are YYYYMMDD, YYYYMMDDhhmm and YYYYMMDDhhmmss (ABC's
// headlines, GDELT); 9 or 10 digits (with any fraction) are Unix seconds,
// 13 milliseconds, 16 microseconds and 19 nanoseconds. Other digit strings
// are not dates. A value without a zone is taken as UTC and the returned
// note says so. The result is always in UTC.
func ParseDate(s string, order DateOrder) (time.Time, DateNote, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, DateAsGiven, errBadDate
	}
	if isDigits(s) {
		return parseDigits(s)
	}
	for _, l := range zonedLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), DateAsGiven, nil
		}
	}
	for _, l := range naiveLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), DateAssumedUTC, nil
		}
	}
	if t, err, ok := parseSlashDate(s, order); ok {
		if err != nil {
			note := DateUnparsable
			if err == errAmbiguousDate {
				note = DateAmbiguous
			}
			return time.Time{}, note, err
		}
		return t, DateAssumedUTC, nil
	}
	return time.Time{}, DateUnparsable, errBadDate
}

// isDigits reports whether s is digits with at most one '.' among them.
func isDigits(s string) bool {
	dots := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.' && i > 0 && i < len(s)-1:
			dots++
		case c < '0' || c > '9':
			return false
		}
	}
	return dots <= 1
}

// parseDigits reads a date written in digits only, by its length.
func parseDigits(s string) (time.Time, DateNote, error) {
	whole, frac, hasFrac := strings.Cut(s, ".")
	if hasFrac && len(whole) != 9 && len(whole) != 10 {
		return time.Time{}, DateUnparsable, errBadDate
	}
	layout := map[int]string{8: "20060102", 12: "200601021504", 14: "20060102150405"}[len(whole)]
	if layout != "" && !hasFrac {
		t, err := time.Parse(layout, whole)
		if err != nil {
			return time.Time{}, DateUnparsable, errBadDate
		}
		return t, DateAssumedUTC, nil
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return time.Time{}, DateUnparsable, errBadDate
	}
	switch len(whole) {
	case 9, 10:
		ns := int64(0)
		if hasFrac {
			f, err := strconv.ParseFloat("0."+frac, 64)
			if err != nil {
				return time.Time{}, DateUnparsable, errBadDate
			}
			ns = int64(f * 1e9)
		}
		return time.Unix(n, ns).UTC().Truncate(time.Microsecond), DateAsGiven, nil
	case 13:
		return time.UnixMilli(n).UTC(), DateAsGiven, nil
	case 16:
		return time.UnixMicro(n).UTC(), DateAsGiven, nil
	case 19:
		return time.Unix(0, n).UTC().Truncate(time.Microsecond), DateAsGiven, nil
	}
	return time.Time{}, DateUnparsable, errBadDate
}

// parseSlashDate reads "A/B/YYYY" with an optional time; ok is false when s
// is not of that shape.
func parseSlashDate(s string, order DateOrder) (t time.Time, err error, ok bool) {
	a, rest, ok1 := strings.Cut(s, "/")
	b, rest, ok2 := strings.Cut(rest, "/")
	if !ok1 || !ok2 || len(rest) < 4 || !isDigits(a) || !isDigits(b) || len(a) > 2 || len(b) > 2 || !isDigits(rest[:4]) {
		return time.Time{}, nil, false
	}
	year, clock := rest[:4], rest[4:]
	x, _ := strconv.Atoi(a)
	y, _ := strconv.Atoi(b)
	if order == DateOrderAuto {
		switch {
		case x > 12 && y <= 12:
			order = DateOrderDMY
		case y > 12 && x <= 12, x == y:
			order = DateOrderMDY
		case x <= 12 && y <= 12:
			return time.Time{}, errAmbiguousDate, true
		default:
			return time.Time{}, errBadDate, true
		}
	}
	day, month := x, y
	if order == DateOrderMDY {
		day, month = y, x
	}
	iso := fmt.Sprintf("%s-%02d-%02d", year, month, day)
	for _, l := range clockLayouts {
		if t, err := time.Parse("2006-01-02"+l, iso+clock); err == nil {
			return t, nil, true
		}
	}
	return time.Time{}, errBadDate, true
}

// earliestDate is the earliest publication date taken as plausible.
var earliestDate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// plausible reports whether t may be a publication date: not before 1900
// and not more than a day after now (no bound when now is zero).
func plausible(t, now time.Time) bool {
	return !t.Before(earliestDate) && (now.IsZero() || !t.After(now.Add(24*time.Hour)))
}
