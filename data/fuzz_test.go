package data

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// checkReader reads r to the end and checks what every reader promises: it
// ends, each article has a title or text in valid UTF-8 and a line, each
// reject names its file and keeps at most MaxRaw bytes.
func checkReader(t *testing.T, r Reader, file string, maxRows int) {
	t.Helper()
	for n := 0; ; n++ {
		if n > maxRows {
			t.Fatalf("more than %d rows from a small input: the reader does not advance", maxRows)
		}
		a, err := r.Read()
		if err == io.EOF {
			return
		}
		var pe *ParseError
		if errors.As(err, &pe) {
			if pe.File != file || len(pe.Raw) > MaxRaw || pe.Err == nil {
				t.Fatalf("bad ParseError %#v", pe)
			}
			continue
		}
		if err != nil {
			var re *ReadError
			if !errors.As(err, &re) {
				t.Fatalf("error is neither ParseError nor ReadError: %v", err)
			}
			return
		}
		if a.Title == "" && a.Text == "" {
			t.Fatalf("article without title or text: %+v", a)
		}
		for _, s := range []string{a.Title, a.Text, a.Outlet, a.URL, a.ID, a.Language} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in %+v", a)
			}
		}
		if a.SourceLine < 1 || a.SourceFile != file {
			t.Fatalf("article without position: %+v", a)
		}
		if !a.Published.IsZero() && a.Published.Location() != time.UTC {
			t.Fatalf("published not in UTC: %v", a.Published)
		}
	}
}

func FuzzJSONL(f *testing.F) {
	for _, s := range []string{
		`{"id":"1","title":"A","text":"b","date":"2024-01-01"}`,
		"{\"title\":\"A\"}\r\n\r\n{\"title\": broken\n",
		`[{"title":"A"},{"title":"B"}]`,
		`{"title":{"x":1},"text":["a","b"],"published":1705228200}`,
		"{\"title\":\"\xff\xfe\"}\n",
		`{"maintext":"WASHINGTON (Reuters) - text","source_domain":"reuters.com"}`,
		"{\n  \"title\": \"A\",\n  \"source\": {\"name\": \"BBC\"}\n}\n{\"title\": \"B\"}",
		`{"status":"ok","articles":[{"title":"A","source":{"id":null,"name":"BBC"}},{"title":"B"}]}`,
		"[\n{\"title\":\"A\"},\n7,\n{\"_id\":{\"$oid\":\"x\"},\"text\":\"b\"}]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkReader(t, NewJSONLReader(bytes.NewReader(b), "f.jsonl", Options{MaxArticleBytes: 4096}), "f.jsonl", len(b)+2)
	})
}

func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		",date,title,article,publication\n1,2024-01-14,\"A, b\",\"x\n\ny\",AP\n",
		"title,text\nA\n\"bad \"quote\",x\n",
		"title\tbody\nA\tb\n",
		"a,b\n1,2\n",
		"id;title;text\n1;\"Stray;body\n2;Second;x\n",
		"",
	} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, b []byte, tab bool) {
		comma := ','
		if tab {
			comma = '\t'
		}
		checkReader(t, NewCSVReader(bytes.NewReader(b), "f.csv", comma, Options{MaxArticleBytes: 4096}), "f.csv", len(b)+2)
	})
}

func FuzzText(f *testing.F) {
	tass, _ := os.ReadFile("sample/tass-2017-12-18.txt")
	for _, s := range [][]byte{tass, []byte("x"), []byte("Home | World | News\n\nTitle\n\n(AP) — body"), []byte("\n\n\n")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkReader(t, NewTextReader(bytes.NewReader(b), "f.txt", "folder", time.Time{}, Options{MaxArticleBytes: 8192}), "f.txt", 2)
	})
}

// FuzzParquet feeds the Parquet reader mutations of a small file. The seeds
// hold no DELTA_BINARY_PACKED pages: from such a seed the fuzzer found,
// within minutes, a page whose counts made Arrow v15's delta decoder ask
// for 3.4 TB. That allocation now meets a bound (boundedAllocator), but the
// delta decoders also size slices with make from counts in the page, and an
// allocation larger than memory ends the process beyond recover.
func FuzzParquet(f *testing.F) {
	dir := f.TempDir()
	path := filepath.Join(dir, "seed.parquet")
	d := time.Date(2024, 1, 14, 9, 10, 0, 0, time.UTC)
	writeHFParquet(&testing.T{}, path, [][3]string{{"Volcano", "Lava.", "bbc.co.uk"}, {"", "", "x"}}, []time.Time{d, d})
	seed, err := os.ReadFile(path)
	if err == nil {
		f.Add(seed)
	}
	f.Add([]byte("PAR1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := NewParquetReader(bytes.NewReader(b), "f.parquet", Options{})
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("open error is not a ParseError: %v", err)
			}
			return
		}
		defer r.Close()
		checkReader(t, r, "f.parquet", 1<<20)
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2021-10-18T16:15:00-07:00", "2010-07-02", "Sun, 14 Jan 2024 10:30:00 +0100", "1394470370698", "1705228200", "January 14, 2024", "x", "99999999999999999999", "20030219", "20210422131500", "03/04/2021 4:15 PM", "1705228200.25"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, note, err := ParseDate(s, DateOrderAuto)
		if err != nil {
			if !tm.IsZero() {
				t.Fatalf("ParseDate(%q) failed but returned %v", s, tm)
			}
			return
		}
		if tm.Location() != time.UTC || note == DateUnparsable || note == DateAmbiguous {
			t.Fatalf("ParseDate(%q) = %v, %v", s, tm, note)
		}
	})
}

func FuzzSplitDateline(f *testing.F) {
	for _, s := range []string{"MOSCOW, December 18. /TASS/. The US", "WASHINGTON (Reuters) - The", "(CNN)The", "BEIJING, Oct. 3 (Xinhua) -- China", "WASHINGTON — Michael", "plain text"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, rest, ok := SplitDateline(s)
		if !ok {
			if rest != s {
				t.Fatalf("no dateline but text changed: %q -> %q", s, rest)
			}
			return
		}
		if !strings.HasSuffix(s, rest) || len(rest) >= len(s) {
			t.Fatalf("SplitDateline(%q) rest %q is not a proper suffix", s, rest)
		}
		if d.Day < 0 || d.Day > 99 || d.Month < 0 || d.Month > 12 {
			t.Fatalf("SplitDateline(%q) = %+v", s, d)
		}
	})
}

func FuzzOutletFromHost(f *testing.F) {
	for _, s := range []string{"www.nytimes.com", "https://thecaucus.blogs.nytimes.com/2012/x", "The New York Times", "x.blogspot.com", "192.168.0.1", "Boing.Boing", "http://", "a..b.com", "münchen.de"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := OutletFromHost(s)
		if !ok {
			if got != s {
				t.Fatalf("OutletFromHost(%q) = %q, false: a name must be left as it is", s, got)
			}
			return
		}
		if got == "" || got != strings.ToLower(got) || strings.ContainsAny(got, " /:") || !strings.Contains(got, ".") {
			t.Fatalf("OutletFromHost(%q) = %q: not a registered domain", s, got)
		}
	})
}
