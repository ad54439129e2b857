package data

import (
	"regexp"
	"strings"
	"time"
)

// Dateline is a wire dateline found at the start of an article's text.
type Dateline struct {
	Text   string // the dateline as written, e.g. "MOSCOW, December 18. /TASS/."
	Place  string // "MOSCOW"; may be empty
	Outlet string // "TASS", "Reuters"; empty when the dateline names none
	Month  time.Month
	Day    int
	Year   int // 0 when the dateline has no year
}

var datelinePatterns = []*regexp.Regexp{
	// MOSCOW, December 18. /TASS/.   KIEV, March 3 /ITAR-TASS/.
	regexp.MustCompile(`^(\p{Lu}[\p{Lu} .'\-]{1,40}),\s+(\p{L}{3,9}\.?\s+\d{1,2})(?:,?\s+(\d{4}))?\.?\s+/([^/\n]{2,30})/\.?\s*`),
	// WASHINGTON (Reuters) -   BEIJING, Oct. 3 (Xinhua) --   GRINDAVIK, Iceland (AP) —
	regexp.MustCompile(`^(\p{Lu}[\p{L} .'\-]{1,40}?(?:,\s+\p{Lu}[\p{L} .'\-]{1,30}?)?)(?:,\s+(\p{L}{3,9}\.?\s+\d{1,2})(?:,\s+(\d{4}))?)?\s+\(([^()\n]{2,30})\)\s*[-—–]{1,2}\s*`),
	// (AP) —   (CNN)
	regexp.MustCompile(`^()()()\(([^()\n]{2,30})\)\s*[-—–]{0,2}\s*`),
	// WASHINGTON —
	regexp.MustCompile(`^(\p{Lu}[\p{Lu} .,'\-]{2,40}?)()()()\s+(?:[—–]|--?)\s+`),
}

// SplitDateline removes a wire dateline from the start of text and returns
// it with the rest of the text. ok is false when text starts with none.
func SplitDateline(text string) (d Dateline, rest string, ok bool) {
	head := text
	if len(head) > 200 {
		head = head[:200]
	}
	for _, re := range datelinePatterns {
		m := re.FindStringSubmatchIndex(head)
		if m == nil {
			continue
		}
		sub := func(i int) string {
			if m[2*i] < 0 {
				return ""
			}
			return head[m[2*i]:m[2*i+1]]
		}
		d = Dateline{
			Text:   strings.TrimSpace(head[m[0]:m[1]]),
			Place:  strings.TrimSpace(strings.TrimRight(sub(1), ", ")),
			Outlet: strings.TrimSpace(sub(4)),
		}
		if d.Place != "" && strings.ToUpper(d.Place) != d.Place && d.Outlet == "" {
			continue
		}
		if d.Place == "" && strings.ContainsAny(d.Outlet, "0123456789") {
			continue // "(Tue, 16 Aug 2011)" is a date, not an outlet
		}
		if md := sub(2); md != "" {
			d.Month, d.Day = parseMonthDay(md)
		}
		if y := sub(3); y != "" {
			d.Year = atoi(y)
		}
		return d, text[m[1]:], true
	}
	return Dateline{}, text, false
}

var monthNames = map[string]time.Month{
	"jan": time.January, "feb": time.February, "mar": time.March, "apr": time.April,
	"may": time.May, "jun": time.June, "jul": time.July, "aug": time.August,
	"sep": time.September, "sept": time.September, "oct": time.October, "nov": time.November, "dec": time.December,
}

// parseMonthDay reads "December 18" or "Oct. 3"; it returns zeros when the
// month is not an English month name.
func parseMonthDay(s string) (time.Month, int) {
	name, day, _ := strings.Cut(s, " ")
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	m, ok := monthNames[name]
	if !ok && len(name) > 3 {
		if m, ok = monthNames[name[:3]]; ok && !strings.HasPrefix(strings.ToLower(m.String()), name) {
			ok = false
		}
	}
	if !ok {
		return 0, 0
	}
	return m, atoi(strings.TrimSpace(day))
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}
