package data

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UTC()
	}
	tests := []struct {
		name, in string
		want     time.Time
		note     DateNote
		bad      bool
		order    DateOrder
	}{
		{"rfc3339 offset", "2021-10-18T16:15:00-07:00", utc("2021-10-18T23:15:00Z"), DateAsGiven, false, 0},
		{"rfc3339 fraction", "2014-03-10T16:52:50.698000Z", utc("2014-03-10T16:52:50.698Z"), DateAsGiven, false, 0},
		{"date only", "2010-07-02", utc("2010-07-02T00:00:00Z"), DateAssumedUTC, false, 0},
		{"date and minutes", "2024-01-14 09:10", utc("2024-01-14T09:10:00Z"), DateAssumedUTC, false, 0},
		{"naive seconds", "2024-01-14 09:10:05", utc("2024-01-14T09:10:05Z"), DateAssumedUTC, false, 0},
		{"rss rfc1123z", "Sun, 14 Jan 2024 10:30:00 +0100", utc("2024-01-14T09:30:00Z"), DateAsGiven, false, 0},
		{"rss gmt", "Sun, 14 Jan 2024 10:30:00 GMT", utc("2024-01-14T10:30:00Z"), DateAsGiven, false, 0},
		{"rss one-digit day", "Sun, 7 Jan 2024 10:30:00 +0000", utc("2024-01-07T10:30:00Z"), DateAsGiven, false, 0},
		{"epoch seconds", "1705228200", utc("2024-01-14T10:30:00Z"), DateAsGiven, false, 0},
		{"epoch millis", "1394470370698", utc("2014-03-10T16:52:50.698Z"), DateAsGiven, false, 0},
		{"long month", "January 14, 2024", utc("2024-01-14T00:00:00Z"), DateAssumedUTC, false, 0},
		{"words", "sometime last week", time.Time{}, DateUnparsable, true, 0},
		{"empty", "  ", time.Time{}, DateAsGiven, true, 0},
		{"negative epoch", "-1705228200", time.Time{}, DateUnparsable, true, 0},
		{"epoch with fraction", "1705228200.25", utc("2024-01-14T10:30:00.25Z"), DateAsGiven, false, 0},
		{"epoch micros", "1705228200123456", utc("2024-01-14T10:30:00.123456Z"), DateAsGiven, false, 0},
		{"epoch nanos", "1705228200123456789", utc("2024-01-14T10:30:00.123456Z"), DateAsGiven, false, 0},
		{"nine-digit epoch", "999999999", utc("2001-09-09T01:46:39Z"), DateAsGiven, false, 0},
		{"YYYYMMDD (ABC headlines)", "20030219", utc("2003-02-19T00:00:00Z"), DateAssumedUTC, false, 0},
		{"YYYYMMDDhhmm", "202104221315", utc("2021-04-22T13:15:00Z"), DateAssumedUTC, false, 0},
		{"YYYYMMDDhhmmss (GDELT)", "20210422131500", utc("2021-04-22T13:15:00Z"), DateAssumedUTC, false, 0},
		{"eight digits, no date", "20031340", time.Time{}, DateUnparsable, true, 0},
		{"beyond int64", "99999999999999999999", time.Time{}, DateUnparsable, true, 0},
		{"six digits", "200302", time.Time{}, DateUnparsable, true, 0},
		{"short number", "12345", time.Time{}, DateUnparsable, true, 0},
		{"month name and clock", "Oct 18, 2021 4:15 PM", utc("2021-10-18T16:15:00Z"), DateAssumedUTC, false, 0},
		{"long month and clock", "October 18, 2021 4:15 PM", utc("2021-10-18T16:15:00Z"), DateAssumedUTC, false, 0},
		{"dotted day first", "18.10.2021", utc("2021-10-18T00:00:00Z"), DateAssumedUTC, false, 0},
		{"slash, day over 12", "18/10/2021", utc("2021-10-18T00:00:00Z"), DateAssumedUTC, false, 0},
		{"slash, month first, clock", "10/18/2021 4:15 PM", utc("2021-10-18T16:15:00Z"), DateAssumedUTC, false, 0},
		{"slash, ambiguous", "03/04/2021", time.Time{}, DateAmbiguous, true, 0},
		{"slash, same numbers", "04/04/2021", utc("2021-04-04T00:00:00Z"), DateAssumedUTC, false, 0},
		{"slash, given dmy", "03/04/2021", utc("2021-04-03T00:00:00Z"), DateAssumedUTC, false, DateOrderDMY},
		{"slash, given mdy", "03/04/2021 09:30", utc("2021-03-04T09:30:00Z"), DateAssumedUTC, false, DateOrderMDY},
		{"slash, given mdy, no such month", "18/10/2021", time.Time{}, DateUnparsable, true, DateOrderMDY},
		{"slash, both over 12", "13/14/2021", time.Time{}, DateUnparsable, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, note, err := ParseDate(tt.in, tt.order)
			if (err != nil) != tt.bad {
				t.Fatalf("ParseDate(%q) error = %v, want error %v", tt.in, err, tt.bad)
			}
			if !got.Equal(tt.want) || note != tt.note {
				t.Errorf("ParseDate(%q) = %v, %v; want %v, %v", tt.in, got, note, tt.want, tt.note)
			}
			if !tt.bad && got.Location() != time.UTC {
				t.Errorf("ParseDate(%q) location = %v, want UTC", tt.in, got.Location())
			}
		})
	}
}

func TestSplitDateline(t *testing.T) {
	tests := []struct {
		name, in      string
		place, outlet string
		month         time.Month
		day, year     int
		rest          string
	}{
		{"tass", "MOSCOW, December 18. /TASS/. The US Central Intelligence Agency", "MOSCOW", "TASS", time.December, 18, 0, "The US Central Intelligence Agency"},
		{"reuters plain", "WASHINGTON (Reuters) - The Federal Reserve", "WASHINGTON", "Reuters", 0, 0, 0, "The Federal Reserve"},
		{"reuters dated", "REYKJAVIK, Jan 14 (Reuters) - A volcano", "REYKJAVIK", "Reuters", time.January, 14, 0, "A volcano"},
		{"xinhua", "BEIJING, Oct. 3 (Xinhua) -- China's", "BEIJING", "Xinhua", time.October, 3, 0, "China's"},
		{"ap with country", "GRINDAVIK, Iceland (AP) — A volcano", "GRINDAVIK, Iceland", "AP", 0, 0, 0, "A volcano"},
		{"ap bare", "(AP) — Lawmakers voted", "", "AP", 0, 0, 0, "Lawmakers voted"},
		{"cnn", "(CNN)The storm hit", "", "CNN", 0, 0, 0, "The storm hit"},
		{"nyt dash", "WASHINGTON — Michael Steele, chairman", "WASHINGTON", "", 0, 0, 0, "Michael Steele, chairman"},
		{"dated with year", "NEW YORK, Jan 5, 2020 (AP) — Stocks rose", "NEW YORK", "AP", time.January, 5, 2020, "Stocks rose"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, rest, ok := SplitDateline(tt.in)
			if !ok {
				t.Fatalf("SplitDateline(%q): no dateline found", tt.in)
			}
			if d.Place != tt.place || d.Outlet != tt.outlet || d.Month != tt.month || d.Day != tt.day || d.Year != tt.year || rest != tt.rest {
				t.Errorf("SplitDateline(%q) = %+v, %q", tt.in, d, rest)
			}
		})
	}
	for _, in := range []string{
		"The president said on Monday that",
		"Putin and Trump held two telephone conversations",
		"I — for one — disagree",
		"",
	} {
		if d, _, ok := SplitDateline(in); ok {
			t.Errorf("SplitDateline(%q) found %+v, want none", in, d)
		}
	}
}
