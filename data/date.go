package data

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

var errBadDate = errors.New("unrecognised date")

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
	"2006/01/02",
	"20060102",
	"January 2, 2006 15:04",
	"January 2, 2006",
	"Jan 2, 2006",
	"Jan. 2, 2006",
	"2 January 2006",
	"2 Jan 2006",
	"Mon Jan 2 15:04:05 2006",
}

// ParseDate parses a publication date in the forms news data uses: RFC 3339,
// date only, "2006-01-02 15:04", RSS (RFC 1123/822), and Unix epoch seconds or
// milliseconds. A value without a zone is taken as UTC and the returned note
// says so. The result is always in UTC.
func ParseDate(s string) (time.Time, DateNote, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, DateAsGiven, errBadDate
	}
	if t, ok := parseEpoch(s); ok {
		return t, DateAsGiven, nil
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
	return time.Time{}, DateUnparsable, errBadDate
}

// parseEpoch reads Unix seconds or milliseconds (a value of 1e11 or more is
// taken as milliseconds: 1e11 seconds lies in the year 5138).
func parseEpoch(s string) (time.Time, bool) {
	if len(s) < 5 || len(s) > 20 {
		return time.Time{}, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return time.Time{}, false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && c != '.' {
			return time.Time{}, false
		}
	}
	if f >= 1e11 {
		ms := int64(f)
		return time.UnixMilli(ms).UTC(), true
	}
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC().Truncate(time.Microsecond), true
}
