package data

import (
	"bytes"
	"compress/gzip"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/valyala/fastjson"
	"golang.org/x/text/encoding/charmap"
)

// result is what reading a whole input gave: articles and rejects in order.
type result struct {
	articles []Article
	rejects  []*ParseError
	err      error // an error that ended the file, if any
}

func readAllFrom(r Reader) result {
	var res result
	for {
		a, err := r.Read()
		if err == io.EOF {
			return res
		}
		var pe *ParseError
		if errors.As(err, &pe) {
			res.rejects = append(res.rejects, pe)
			continue
		}
		if err != nil {
			res.err = err
			return res
		}
		res.articles = append(res.articles, a)
	}
}

func writeFile(t *testing.T, dir, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// openPath opens one file the way the job does.
func openPath(t *testing.T, path string, opts Options) (result, error) {
	t.Helper()
	srcs, _, err := Sources([]string{path})
	if err != nil {
		t.Fatal(err)
	}
	f, err := Open(srcs[0], opts)
	if err != nil {
		return result{}, err
	}
	defer f.Close()
	return readAllFrom(f), nil
}

func TestJSONLReader(t *testing.T) {
	tests := []struct {
		name        string
		in          string
		titles      []string
		rejectLines []int
		reasons     []string
	}{
		{
			name:   "news-please fields",
			in:     `{"title":"A","maintext":"body","source_domain":"bbc.co.uk","date_publish":"2024-01-14 09:10:00"}` + "\n",
			titles: []string{"A"},
		},
		{
			name:        "bad JSON keeps going",
			in:          "{\"title\":\"A\"}\n{\"title\": broken\n{\"title\":\"C\"}\n",
			titles:      []string{"A", "C"},
			rejectLines: []int{2},
			reasons:     []string{"bad JSON"},
		},
		{
			name:        "no title or text",
			in:          "{\"title\":\"\",\"text\":\"  \",\"id\":\"x\"}\n{\"title\":\"B\"}",
			titles:      []string{"B"},
			rejectLines: []int{1},
			reasons:     []string{"no title or text"},
		},
		{
			name:   "CRLF and blank lines",
			in:     "{\"title\":\"A\"}\r\n\r\n{\"title\":\"B\"}\r\n",
			titles: []string{"A", "B"},
		},
		{
			name:        "object where a string belongs",
			in:          "{\"title\":{\"main\":\"A\"}}\n{\"title\":\"B\",\"authors\":[\"x\",\"y\"]}\n",
			titles:      []string{"B"},
			rejectLines: []int{1},
			reasons:     []string{`no title or text: no key maps to them among title.main; name one with --field text=KEY`},
		},
		{
			name:        "not an object",
			in:          "{\"title\":\"B\"}\n[1,2]\n\"text\"\n",
			titles:      []string{"B"},
			rejectLines: []int{2, 3},
			reasons:     []string{"bad JSON: want an object", "bad JSON: want an object"},
		},
		{
			name:   "JSON array instead of JSONL",
			in:     "[{\"title\":\"A\"},\n {\"title\":\"B\"}]",
			titles: []string{"A", "B"},
		},
		{
			name:        "invalid UTF-8 beyond repair",
			in:          "{\"title\":\"\xff\xfe\xfd\xfc\"}\n{\"title\":\"caf\xe9 au lait and a long enough title to repair\"}\n",
			titles:      []string{"caf\uFFFD au lait and a long enough title to repair"},
			rejectLines: []int{1},
			reasons:     []string{"invalid UTF-8"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := readAllFrom(NewJSONLReader(strings.NewReader(tt.in), "in.jsonl", Options{}))
			if res.err != nil {
				t.Fatalf("read: %v", res.err)
			}
			var titles []string
			for _, a := range res.articles {
				titles = append(titles, a.Title)
			}
			if !equal(titles, tt.titles) {
				t.Errorf("titles = %q, want %q", titles, tt.titles)
			}
			if len(res.rejects) != len(tt.rejectLines) {
				t.Fatalf("rejects = %v, want lines %v", res.rejects, tt.rejectLines)
			}
			for i, pe := range res.rejects {
				if pe.Line != tt.rejectLines[i] || !strings.HasPrefix(pe.Err.Error(), tt.reasons[i]) || pe.File != "in.jsonl" {
					t.Errorf("reject %d = %v, want in.jsonl:%d: %s…", i, pe, tt.rejectLines[i], tt.reasons[i])
				}
				if len(pe.Raw) == 0 {
					t.Errorf("reject %d has no raw row", i)
				}
			}
		})
	}
}

// TestJSONShapes reads the layouts JSON news comes in besides one object
// per line, checking each row's values and the line it starts on.
func TestJSONShapes(t *testing.T) {
	newsPlease := `{
    "authors": ["Jane Doe"],
    "date_publish": "2021-05-18 09:30:00",
    "language": "en",
    "maintext": "The harbour budget passed.",
    "source_domain": "www.example-news.com",
    "title": "Harbour budget passes",
    "url": "https://www.example-news.com/harbour"
}
`
	newsAPI := `{"status": "ok", "totalResults": 2,
  "articles": [
    {"source": {"id": null, "name": "BBC News"}, "author": "BBC", "title": "Floods close roads",
     "description": "Rivers rose.", "url": "https://bbc.co.uk/1", "publishedAt": "2024-01-14T09:10:00Z", "content": "Rivers rose overnight."},
    {"source": {"id": "reuters", "name": "Reuters"}, "title": "Bank holds rates", "description": null,
     "url": "https://reuters.com/2", "publishedAt": "2024-01-14T10:00:00Z", "content": "The bank held rates."}
  ]}`
	type row struct {
		title, text, outlet string
		line                int
	}
	for _, tc := range []struct {
		name    string
		in      string
		rows    []row
		rejects []int // lines
		err     string
	}{
		{"news-please, one pretty-printed object", newsPlease,
			[]row{{"Harbour budget passes", "The harbour budget passed.", "example-news.com", 1}}, nil, ""},
		{"objects one after the other", newsPlease + newsPlease + `{"title": "Third", "text": "x"}{"title": "Fourth"}`,
			[]row{{"Harbour budget passes", "The harbour budget passed.", "example-news.com", 1}, {"Harbour budget passes", "The harbour budget passed.", "example-news.com", 10}, {"Third", "x", "", 19}, {"Fourth", "", "", 19}}, nil, ""},
		{"NewsAPI response", newsAPI,
			[]row{{"Floods close roads", "Rivers rose overnight.", "BBC News", 3}, {"Bank holds rates", "The bank held rates.", "Reuters", 5}}, nil, ""},
		{"NewsAPI responses, one per line", strings.ReplaceAll(newsAPI, "\n", " ") + "\n" + strings.ReplaceAll(newsAPI, "\n", " ") + "\n",
			[]row{{"Floods close roads", "Rivers rose overnight.", "BBC News", 1}, {"Bank holds rates", "The bank held rates.", "Reuters", 1}, {"Floods close roads", "Rivers rose overnight.", "BBC News", 2}, {"Bank holds rates", "The bank held rates.", "Reuters", 2}}, nil, ""},
		{"array with a bad element", "[\n {\"title\": \"A\"},\n 7,\n {\"title\": \"B\"}\n]\n",
			[]row{{"A", "", "", 2}, {"B", "", "", 4}}, []int{3}, ""},
		{"MongoDB export", `{"_id": {"$oid": "5f1"}, "title": "T", "date": {"$date": "2024-01-14T09:10:00Z"}, "publisher": {"name": "AP"}}` + "\n",
			[]row{{"T", "", "AP", 1}}, nil, ""},
		{"JSONL whose first line is broken", "{\"title\": broken\n{\"title\": \"B\"}\n",
			[]row{{"B", "", "", 2}}, []int{1}, ""},
		{"pretty-printed, cut short", newsPlease + "{\n  \"title\": \"cut",
			[]row{{"Harbour budget passes", "The harbour budget passed.", "example-news.com", 1}}, nil, "in.json:10: read: bad JSON: the file ends inside a value"},
		{"pretty-printed, bad JSON", newsPlease + "{\n  \"title\": nope\n}\n" + newsPlease,
			[]row{{"Harbour budget passes", "The harbour budget passed.", "example-news.com", 1}}, nil, "in.json:11: read: bad JSON; the rest of the file is not read: invalid character 'o'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, workers := range []int{0, 3} {
				res := readAllFrom(NewJSONLReader(strings.NewReader(tc.in), "in.json", Options{Workers: workers}))
				var got []row
				for _, a := range res.articles {
					got = append(got, row{a.Title, a.Text, a.Outlet, a.SourceLine})
				}
				if !slices.Equal(got, tc.rows) {
					t.Errorf("workers %d: rows\n%v\nwant\n%v", workers, got, tc.rows)
				}
				var lines []int
				for _, pe := range res.rejects {
					lines = append(lines, pe.Line)
				}
				if !slices.Equal(lines, tc.rejects) {
					t.Errorf("workers %d: rejects %v, want at lines %v", workers, res.rejects, tc.rejects)
				}
				if (res.err == nil) != (tc.err == "") || res.err != nil && !strings.HasPrefix(res.err.Error(), tc.err) {
					t.Errorf("workers %d: error %v, want %q", workers, res.err, tc.err)
				}
			}
		})
	}
}

// TestJSONDeepNesting: a row nested far deeper than any article is
// rejected at once, and the next row is read.
func TestJSONDeepNesting(t *testing.T) {
	for _, depth := range []int{20_000, 100_000} {
		deep := `{"title":"deep","x":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + "}\n"
		res := readAllFrom(NewJSONLReader(strings.NewReader(deep+`{"title":"next"}`+"\n"), "in.jsonl", Options{}))
		if len(res.articles) != 1 || res.articles[0].Title != "next" || len(res.rejects) != 1 || !strings.Contains(res.rejects[0].Error(), "in.jsonl:1: bad JSON: invalid character '[' exceeded max depth") {
			t.Errorf("depth %d: articles %v, rejects %v", depth, res.articles, res.rejects)
		}
	}
}

func TestJSONLReaderLongLine(t *testing.T) {
	long := `{"title":"big","text":"` + strings.Repeat("word ", 100_000) + `"}`
	in := long + "\n" + `{"title":"small"}` + "\n"
	res := readAllFrom(NewJSONLReader(strings.NewReader(in), "in.jsonl", Options{MaxArticleBytes: 64 << 10}))
	if len(res.articles) != 1 || res.articles[0].Title != "small" {
		t.Fatalf("articles = %+v, want only the small one", res.articles)
	}
	if len(res.rejects) != 1 || res.rejects[0].Line != 1 || !strings.Contains(res.rejects[0].Err.Error(), "exceeds 65536 bytes") {
		t.Fatalf("rejects = %v, want line 1 too long", res.rejects)
	}
	if len(res.rejects[0].Raw) > MaxRaw {
		t.Errorf("raw kept %d bytes, want at most %d", len(res.rejects[0].Raw), MaxRaw)
	}
	// Without the limit the same line is read whole.
	res = readAllFrom(NewJSONLReader(strings.NewReader(in), "in.jsonl", Options{}))
	if len(res.articles) != 2 || len(res.articles[0].Text) < 400_000 {
		t.Fatalf("got %d articles, want 2 with the long text whole", len(res.articles))
	}
}

func TestCSVReader(t *testing.T) {
	in := `,date,year,month,day,author,title,article,url,section,publication
1,2024-01-14,2024,1,14,Staff,"Volcano erupts, lava flows","GRINDAVIK, Iceland (AP) — A volcano erupted.

Residents left.",https://apnews.com/v,World,Associated Press
2,2024-01-12,2024,1,12,Staff,Ragged row,only three
3,2024-01-11,2024,1,11,Staff,Bank holds rates,"The bank held rates.",https://apnews.com/b,Business,Associated Press
`
	res := readAllFrom(NewCSVReader(strings.NewReader(in), "atn.csv", ',', Options{}))
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.articles) != 2 {
		t.Fatalf("got %d articles, want 2", len(res.articles))
	}
	a := res.articles[0]
	if a.Title != "Volcano erupts, lava flows" || a.Outlet != "Associated Press" || a.URL != "https://apnews.com/v" ||
		a.Text != "A volcano erupted.\n\nResidents left." || a.Dateline != "GRINDAVIK, Iceland (AP) —" || a.SourceLine != 2 {
		t.Errorf("first article = %+v", a)
	}
	if want := time.Date(2024, 1, 14, 0, 0, 0, 0, time.UTC); !a.Published.Equal(want) || a.DateNote != DateAssumedUTC {
		t.Errorf("published = %v (%v), want %v assumed UTC", a.Published, a.DateNote, want)
	}
	if res.articles[1].SourceLine != 6 {
		t.Errorf("third record line = %d, want 6", res.articles[1].SourceLine)
	}
	if len(res.rejects) != 1 || res.rejects[0].Line != 5 || !strings.Contains(res.rejects[0].Error(), "atn.csv:5: wrong number of fields: 8, header has 11") {
		t.Fatalf("rejects = %v", res.rejects)
	}
	if got := string(res.rejects[0].Raw); !strings.HasPrefix(got, "2,2024-01-12") {
		t.Errorf("raw = %q, want the ragged row", got)
	}
}

// TestCSVStrayQuote reads files in which a quote opens a field that never
// closes: the line it starts on is rejected, saying which lines it took,
// and every later row is read (with its own line number), also a proper
// quoted field that spans lines.
func TestCSVStrayQuote(t *testing.T) {
	for _, tc := range []struct {
		name, in   string
		ids        []string
		lines      []int
		rejectLine int
		reason     string
	}{
		{
			name:       "open to the end",
			in:         "id,title,text\n1,\"Stray,body\n2,Second title,second body\n3,Third title,third body\n",
			ids:        []string{"2", "3"},
			lines:      []int{3, 4},
			rejectLine: 2,
			reason:     "x.csv:2: bad CSV: unterminated quoted field (lines 2-4 read as one field); line 2 rejected, reading on from line 3",
		},
		{
			name:       "closed by a later quote",
			in:         "id,title,text\n1,\"Stray,body\n2,Second,\"multi\nline body\"\n3,Third title,third body\n",
			ids:        []string{"2", "3"},
			lines:      []int{3, 5},
			rejectLine: 2,
			reason:     "line 2 rejected, reading on from line 3",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := readAllFrom(NewCSVReader(strings.NewReader(tc.in), "x.csv", 0, Options{}))
			if res.err != nil {
				t.Fatal(res.err)
			}
			var ids []string
			var lines []int
			for _, a := range res.articles {
				ids, lines = append(ids, a.ID), append(lines, a.SourceLine)
			}
			if !slices.Equal(ids, tc.ids) || !slices.Equal(lines, tc.lines) {
				t.Errorf("articles %v at lines %v, want %v at %v", ids, lines, tc.ids, tc.lines)
			}
			if len(res.rejects) != 1 || res.rejects[0].Line != tc.rejectLine || !strings.Contains(res.rejects[0].Error(), tc.reason) {
				t.Fatalf("rejects = %v, want one at line %d: %s", res.rejects, tc.rejectLine, tc.reason)
			}
			if raw := string(res.rejects[0].Raw); raw != "1,\"Stray,body" {
				t.Errorf("raw = %q, want the line rejected", raw)
			}
		})
	}
}

// TestCSVDialects reads files separated by semicolons, pipes and commas
// (sniffed from the header, quotes respected) or by --delimiter.
func TestCSVDialects(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    string
		delim rune
	}{
		{"semicolon", "id;title;text\n1;\"Floods; roads shut\";Rivers rose, then fell.\n", 0},
		{"pipe", "id|title|text\n1|\"Floods; roads shut\"|Rivers rose, then fell.\n", 0},
		{"comma with semicolons quoted", "id,\"title;x;y\",text\n1,\"Floods; roads shut\",\"Rivers rose, then fell.\"\n", 0},
		{"given", "id;title;text\n1;\"Floods; roads shut\";Rivers rose, then fell.\n", ';'},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fm, _ := ParseFieldMap(nil)
			if strings.Contains(tc.in, "title;x;y") {
				fm, _ = ParseFieldMap([]string{"title=title;x;y"})
			}
			res := readAllFrom(NewCSVReader(strings.NewReader(tc.in), "x.csv", 0, Options{Delimiter: tc.delim, Fields: fm}))
			if res.err != nil || len(res.rejects) != 0 || len(res.articles) != 1 {
				t.Fatalf("articles %v, rejects %v, err %v", res.articles, res.rejects, res.err)
			}
			if a := res.articles[0]; a.ID != "1" || a.Title != "Floods; roads shut" || a.Text != "Rivers rose, then fell." {
				t.Errorf("article = %q, %q, %q", a.ID, a.Title, a.Text)
			}
		})
	}
}

// TestCSVHeaderMessages: a file that cannot be read says which columns it
// has and which --field would map them.
func TestCSVHeaderMessages(t *testing.T) {
	res := readAllFrom(NewCSVReader(strings.NewReader("when,words\n20030219,aba decides\n"), "x.csv", 0, Options{}))
	if len(res.rejects) != 1 || !strings.Contains(res.rejects[0].Error(), `x.csv:1: header has no title or text column; the columns are when, words (separated by ','); name them with --field title=COLUMN`) {
		t.Errorf("rejects = %v", res.rejects)
	}
	fm, _ := ParseFieldMap([]string{"outlet=paper"})
	res = readAllFrom(NewCSVReader(strings.NewReader("title,text\nA,b\n"), "x.csv", 0, Options{Fields: fm}))
	if len(res.rejects) != 1 || !strings.Contains(res.rejects[0].Error(), "no column for --field outlet=paper; the columns are title, text") {
		t.Errorf("rejects = %v", res.rejects)
	}
}

func TestCSVReaderHeaderWithoutText(t *testing.T) {
	res := readAllFrom(NewCSVReader(strings.NewReader("a,b,c\n1,2,3\n"), "x.csv", ',', Options{}))
	if len(res.rejects) != 1 || !strings.Contains(res.rejects[0].Error(), "no title or text column") {
		t.Fatalf("rejects = %v, want a header error", res.rejects)
	}
}

func TestFieldOverride(t *testing.T) {
	fm, err := ParseFieldMap([]string{"text=body2", "outlet=paper"})
	if err != nil {
		t.Fatal(err)
	}
	in := `{"title":"T","text":"ignored","body2":"used","paper":"The Paper","source":"not this"}`
	res := readAllFrom(NewJSONLReader(strings.NewReader(in), "x.jsonl", Options{Fields: fm}))
	if len(res.articles) != 1 || res.articles[0].Text != "used" || res.articles[0].Outlet != "The Paper" {
		t.Fatalf("articles = %+v", res.articles)
	}
	if _, err := ParseFieldMap([]string{"colour=x"}); err == nil {
		t.Error("unknown field accepted")
	}
	if _, err := ParseFieldMap([]string{"text"}); err == nil {
		t.Error("mapping without = accepted")
	}
}

func TestStrictDates(t *testing.T) {
	in := `{"title":"A","date":"last week"}` + "\n"
	res := readAllFrom(NewJSONLReader(strings.NewReader(in), "x.jsonl", Options{}))
	if len(res.articles) != 1 || !res.articles[0].Published.IsZero() || res.articles[0].DateNote != DateUnparsable {
		t.Fatalf("lenient: %+v", res.articles)
	}
	res = readAllFrom(NewJSONLReader(strings.NewReader(in), "x.jsonl", Options{Strict: true}))
	if len(res.articles) != 0 || len(res.rejects) != 1 || !strings.Contains(res.rejects[0].Error(), `unparsable date "last week"`) {
		t.Fatalf("strict: %+v %v", res.articles, res.rejects)
	}
}

// TestDatesInRows: digit dates are read by their shape, dates outside a
// plausible range and ambiguous slash dates leave the article undated with
// a note saying why (rejected under Strict), and --date-order decides.
func TestDatesInRows(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	in := "publish_date,headline_text\n" +
		"20030219,aba decides against community broadcasting licence\n" +
		"18991231,before 1900\n" +
		"20261208,two days after the run\n" +
		"03/04/2021,ambiguous\n" +
		"20261207,within a day of the run\n"
	type row struct {
		title string
		date  time.Time
		note  DateNote
	}
	want := []row{
		{"aba decides against community broadcasting licence", time.Date(2003, 2, 19, 0, 0, 0, 0, time.UTC), DateAssumedUTC},
		{"before 1900", time.Time{}, DateImplausible},
		{"two days after the run", time.Time{}, DateImplausible},
		{"ambiguous", time.Time{}, DateAmbiguous},
		{"within a day of the run", time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC), DateAssumedUTC},
	}
	res := readAllFrom(NewCSVReader(strings.NewReader(in), "abc.csv", 0, Options{Now: now}))
	var got []row
	for _, a := range res.articles {
		got = append(got, row{a.Title, a.Published, a.DateNote})
	}
	if len(res.rejects) != 0 || !slices.Equal(got, want) {
		t.Errorf("rows %v, rejects %v; want %v", got, res.rejects, want)
	}

	res = readAllFrom(NewCSVReader(strings.NewReader(in), "abc.csv", 0, Options{Now: now, DateOrder: DateOrderDMY}))
	if len(res.articles) != 5 || !res.articles[3].Published.Equal(time.Date(2021, 4, 3, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("dmy: %v", res.articles)
	}

	res = readAllFrom(NewCSVReader(strings.NewReader(in), "abc.csv", 0, Options{Now: now, Strict: true}))
	var reasons []string
	for _, pe := range res.rejects {
		reasons = append(reasons, pe.Error())
	}
	wantReasons := []string{
		`abc.csv:3: implausible date "18991231": before 1900 or after the run`,
		`abc.csv:4: implausible date "20261208": before 1900 or after the run`,
		`abc.csv:5: ambiguous date "03/04/2021": give --date-order dmy or mdy`,
	}
	if len(res.articles) != 2 || !slices.Equal(reasons, wantReasons) {
		t.Errorf("strict: %d articles, rejects %q; want 2 and %q", len(res.articles), reasons, wantReasons)
	}
}

// TestOutletDomains: outlets given as host names or URLs are their
// registered domains, names are left as they are, and a row without an
// outlet takes its URL's domain, marked as such.
func TestOutletDomains(t *testing.T) {
	in := `{"title":"a","source_domain":"www.nytimes.com"}
{"title":"b","source_domain":"mobile.nytimes.com"}
{"title":"c","source_domain":"thecaucus.blogs.nytimes.com"}
{"title":"d","outlet":"https://www.bbc.co.uk/news"}
{"title":"e","outlet":"The New York Times"}
{"title":"f","outlet":"CNN (Opinion)"}
{"title":"g","url":"https://m.theguardian.com/world/2021/x"}
{"title":"h","outlet":"someone.blogspot.com"}
{"title":"i","outlet":"Boing.Boing"}
`
	want := []struct {
		outlet  string
		fromURL bool
	}{{"nytimes.com", false}, {"nytimes.com", false}, {"nytimes.com", false}, {"bbc.co.uk", false}, {"The New York Times", false},
		{"CNN (Opinion)", false}, {"theguardian.com", true}, {"someone.blogspot.com", false}, {"Boing.Boing", false}}
	res := readAllFrom(NewJSONLReader(strings.NewReader(in), "x.jsonl", Options{}))
	if len(res.articles) != len(want) {
		t.Fatalf("articles %v, rejects %v", res.articles, res.rejects)
	}
	for i, a := range res.articles {
		if a.Outlet != want[i].outlet || a.OutletFromURL != want[i].fromURL {
			t.Errorf("%s: outlet %q (from URL %v), want %q (%v)", a.Title, a.Outlet, a.OutletFromURL, want[i].outlet, want[i].fromURL)
		}
	}
}

func TestTextReaderTASS(t *testing.T) {
	f, err := os.Open("sample/tass-2017-12-18.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res := readAllFrom(NewTextReader(f, "samples/tass-2017-12-18.txt", "samples", time.Time{}, Options{}))
	if len(res.articles) != 1 {
		t.Fatalf("got %d articles, rejects %v", len(res.articles), res.rejects)
	}
	a := res.articles[0]
	if a.Title != "Kremlin points to CIA terror plot tipoff as shining example of cooperation" {
		t.Errorf("title = %q", a.Title)
	}
	if a.Outlet != "TASS" || a.Dateline != "MOSCOW, December 18. /TASS/." {
		t.Errorf("outlet = %q, dateline = %q", a.Outlet, a.Dateline)
	}
	if want := time.Date(2017, 12, 18, 0, 0, 0, 0, time.UTC); !a.Published.Equal(want) || a.DateNote != DateYearInferred {
		t.Errorf("published = %v (%v), want %v with the year inferred", a.Published, a.DateNote, want)
	}
	if strings.Contains(a.Text, "/TASS/") || strings.Contains(a.Text, "All news") || !strings.Contains(a.Text, "The US Central Intelligence Agency") {
		t.Errorf("text keeps the dateline or chrome, or lost the lead: %.200q", a.Text)
	}
	if a.SourceLine != 3 {
		t.Errorf("title line = %d, want 3", a.SourceLine)
	}
}

// TestTextReaderDates: a file name's date dates an article without a
// dated dateline, and a parenthesised date opening the text is not taken
// for a dateline naming an outlet.
func TestTextReaderDates(t *testing.T) {
	body := "Harbour budget passes\n\n(Tue, 18 May 2021) The council passed the harbour budget.\n"
	res := readAllFrom(NewTextReader(strings.NewReader(body), "news/2021-05-18-harbour-budget.txt", "Harbour Gazette", time.Time{}, Options{}))
	if len(res.articles) != 1 {
		t.Fatalf("articles %v, rejects %v", res.articles, res.rejects)
	}
	a := res.articles[0]
	if a.Outlet != "Harbour Gazette" || a.Dateline != "" || !strings.HasPrefix(a.Text, "(Tue, 18 May 2021) The council") {
		t.Errorf("outlet %q, dateline %q, text %q: the date was taken for a dateline", a.Outlet, a.Dateline, a.Text)
	}
	if want := time.Date(2021, 5, 18, 0, 0, 0, 0, time.UTC); !a.Published.Equal(want) || a.DateNote != DateFromFileName {
		t.Errorf("published %v (%v), want %v from the file name", a.Published, a.DateNote, want)
	}
}

func TestTextReaderYearAndFolderOutlet(t *testing.T) {
	body := "Bank holds rates\n\nLONDON, Jan 11 - The bank held rates.\n"
	mod := time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name, file string
		year       int
		wantYear   int
	}{
		{"from flag", "bank.txt", 2024, 2024},
		{"from mtime", "bank.txt", 0, 2023},
		{"from file name over flag", "2022-01-11-bank.txt", 2024, 2022},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := readAllFrom(NewTextReader(strings.NewReader(body), tt.file, "Wire Desk", mod, Options{Year: tt.year}))
			a := res.articles[0]
			if a.Outlet != "Wire Desk" {
				t.Errorf("outlet = %q, want the folder name", a.Outlet)
			}
			// "LONDON, Jan 11 -" has no outlet, so it is not a wire dateline;
			// the date is the file name's, or stays unknown.
			want, note := time.Time{}, DateAsGiven
			if strings.HasPrefix(tt.file, "2022-01-11") {
				want, note = time.Date(2022, 1, 11, 0, 0, 0, 0, time.UTC), DateFromFileName
			}
			if !a.Published.Equal(want) || a.DateNote != note {
				t.Errorf("published = %v (%v), want %v (%v)", a.Published, a.DateNote, want, note)
			}
		})
	}
	body = "Bank holds rates\n\nLONDON, Jan 11 (Reuters) - The bank held rates.\n"
	for _, tt := range tests {
		res := readAllFrom(NewTextReader(strings.NewReader(body), tt.file, "Wire Desk", mod, Options{Year: tt.year}))
		a := res.articles[0]
		if a.Outlet != "Reuters" || a.Published.Year() != tt.wantYear || a.Published.Month() != time.January || a.Published.Day() != 11 {
			t.Errorf("%s: outlet %q, published %v, want Reuters on %d-01-11", tt.name, a.Outlet, a.Published, tt.wantYear)
		}
	}
}

// TestSingleByteEncodings reads CSV files written in Windows-1252 (as
// Excel on Windows saves them) right, detected or named, and leaves a UTF-8
// file with one stray byte UTF-8, repaired.
func TestSingleByteEncodings(t *testing.T) {
	dir := t.TempDir()
	utf8Text := "title,text\nCafé owners protest,\"Prices rose 5 € and the naïve plan failed — «again».\"\nZürich votes,Voters said no to the tram line through the old town.\n"
	cp1252, err := charmap.Windows1252.NewEncoder().String(utf8Text)
	if err != nil {
		t.Fatal(err)
	}
	latin9, err := charmap.ISO8859_15.NewEncoder().String(strings.ReplaceAll(utf8Text, "—", "-"))
	if err != nil {
		t.Fatal(err)
	}
	stray := strings.Replace(utf8Text, "Voters", "Vot\xe9rs", 1)
	for _, tc := range []struct {
		name, content, encoding string
		wantEncoding            string
		titles, texts           []string
	}{
		{"cp1252.csv", cp1252, "", "windows-1252 (detected)",
			[]string{"Café owners protest", "Zürich votes"}, []string{"Prices rose 5 € and the naïve plan failed — «again».", "Voters said no to the tram line through the old town."}},
		{"latin9.csv", latin9, "iso-8859-15", "iso-8859-15 (given)",
			[]string{"Café owners protest", "Zürich votes"}, []string{"Prices rose 5 € and the naïve plan failed - «again».", "Voters said no to the tram line through the old town."}},
		{"stray.csv", stray, "", "utf-8",
			[]string{"Café owners protest", "Zürich votes"}, []string{"Prices rose 5 € and the naïve plan failed — «again».", "Vot\uFFFDrs said no to the tram line through the old town."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, dir, tc.name, []byte(tc.content))
			srcs, _, err := Sources([]string{path})
			if err != nil {
				t.Fatal(err)
			}
			f, err := Open(srcs[0], Options{Encoding: tc.encoding})
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			res := readAllFrom(f)
			var titles, texts []string
			for _, a := range res.articles {
				titles, texts = append(titles, a.Title), append(texts, a.Text)
			}
			if !slices.Equal(titles, tc.titles) || !slices.Equal(texts, tc.texts) || len(res.rejects) > 0 {
				t.Errorf("titles %q, texts %q, rejects %v", titles, texts, res.rejects)
			}
			if f.Encoding() != tc.wantEncoding {
				t.Errorf("encoding %q, want %q", f.Encoding(), tc.wantEncoding)
			}
		})
	}
	if err := CheckEncoding("klingon"); err == nil {
		t.Error("an unknown encoding was accepted")
	}
}

func TestOpenEncodings(t *testing.T) {
	dir := t.TempDir()
	line := `{"title":"Über café","text":"body"}` + "\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(line + line))
	zw.Close()
	u16 := []byte{0xFF, 0xFE}
	for _, r := range utf16.Encode([]rune(line)) {
		u16 = append(u16, byte(r), byte(r>>8))
	}
	tests := []struct {
		name    string
		content []byte
		want    int
	}{
		{"plain.jsonl", []byte(line), 1},
		{"bom.jsonl", append([]byte{0xEF, 0xBB, 0xBF}, line...), 1},
		{"utf16.jsonl", u16, 1},
		{"zipped.jsonl.gz", gz.Bytes(), 2},
		{"noext", []byte(line), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := openPath(t, writeFile(t, dir, tt.name, tt.content), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.err != nil || len(res.rejects) > 0 || len(res.articles) != tt.want {
				t.Fatalf("got %d articles, rejects %v, err %v", len(res.articles), res.rejects, res.err)
			}
			if res.articles[0].Title != "Über café" {
				t.Errorf("title = %q", res.articles[0].Title)
			}
		})
	}
}

func TestOpenBadFiles(t *testing.T) {
	dir := t.TempDir()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	for i := range 20000 {
		fmt.Fprintf(zw, "{\"title\":\"row %d of a file cut short\"}\n", i*7919%100003)
	}
	zw.Close()
	truncated := gz.Bytes()[:gz.Len()/2]

	if _, err := openPath(t, writeFile(t, dir, "empty.jsonl", nil), Options{}); err == nil || !strings.Contains(err.Error(), "empty file") {
		t.Errorf("empty file: err = %v", err)
	}
	res, err := openPath(t, writeFile(t, dir, "cut.jsonl.gz", truncated), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var re *ReadError
	if !errors.As(res.err, &re) || !errors.Is(res.err, io.ErrUnexpectedEOF) || len(res.articles) == 0 {
		t.Errorf("truncated gzip: %d articles, err %v; want some articles then an unexpected EOF", len(res.articles), res.err)
	}
	if _, err := openPath(t, writeFile(t, dir, "notgz.jsonl.gz", []byte("plain")), Options{}); err == nil || !strings.Contains(err.Error(), "bad gzip") {
		t.Errorf("not gzip: err = %v", err)
	}
	if _, err := openPath(t, writeFile(t, dir, "junk.parquet", []byte("PAR1 not really")), Options{}); err == nil || !strings.Contains(err.Error(), "bad Parquet") {
		t.Errorf("bad parquet: err = %v", err)
	}
}

func TestSources(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "b/2.jsonl", []byte("{}"))
	writeFile(t, dir, "a/1.csv.gz", []byte("x"))
	writeFile(t, dir, "a/notes.md", []byte("x"))
	writeFile(t, dir, ".hidden/3.jsonl", []byte("{}"))
	srcs, skipped, err := Sources([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range srcs {
		rel, _ := filepath.Rel(dir, s.Name)
		names = append(names, rel+":"+string(s.Format))
	}
	if want := []string{"a/1.csv.gz:csv", "b/2.jsonl:jsonl"}; !equal(names, want) {
		t.Errorf("sources = %v, want %v", names, want)
	}
	if len(skipped) != 1 || filepath.Base(skipped[0]) != "notes.md" {
		t.Errorf("skipped = %v", skipped)
	}
	if srcs[0].Outlet != "a" || !srcs[0].Gzip {
		t.Errorf("source = %+v, want outlet a, gzip", srcs[0])
	}
	_, _, err = Sources([]string{filepath.Join(dir, "missing.jsonl")})
	if !errors.Is(err, ErrInput) {
		t.Errorf("missing path: err = %v, want ErrInput", err)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestProgressCountsBytesAsRead(t *testing.T) {
	// Enough rows that the file is read in several buffers, beyond the
	// first MiB that the JSON reader looks at to tell the file's shape.
	var b strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&b, `{"id": "a%d", "title": "Headline %d", "text": "Some text of the article, long enough to fill a line."}`+"\n", i, i)
	}
	path := writeFile(t, t.TempDir(), "big.jsonl", []byte(b.String()))
	srcs, _, err := Sources([]string{path})
	if err != nil {
		t.Fatal(err)
	}
	var progress atomic.Int64
	f, err := Open(srcs[0], Options{Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Read(); err != nil {
		t.Fatal(err)
	}
	if got := progress.Load(); got <= 0 || got >= int64(b.Len()) {
		t.Errorf("after the first row: progress %d, want between 0 and %d", got, b.Len())
	}
	for {
		if _, err := f.Read(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if _, n := f.Digest(); progress.Load() != n || n != int64(b.Len()) {
		t.Errorf("at the end: progress %d, bytes %d, want both %d", progress.Load(), n, b.Len())
	}
}

func TestJSONLParallelReadsAsSequential(t *testing.T) {
	// Rows of every kind, over several parse batches: good ones, bad JSON,
	// invalid UTF-8, blank lines, CRLF and rows over the size limit.
	var b bytes.Buffer
	for i := range 3 * batchRows {
		switch i % 7 {
		case 1:
			b.WriteString("{not json\n")
		case 2:
			fmt.Fprintf(&b, "{\"id\": \"x%d\", \"title\": \"bad \xff\xfe bytes\"}\n", i)
		case 3:
			b.WriteString("\n")
		case 4:
			fmt.Fprintf(&b, "{\"id\": \"c%d\", \"title\": \"CRLF row %d\"}\r\n", i, i)
		case 5:
			fmt.Fprintf(&b, "{\"id\": \"l%d\", \"text\": %q}\n", i, strings.Repeat("long ", 300))
		default:
			fmt.Fprintf(&b, "{\"id\": \"a%d\", \"title\": \"Row %d\", \"published\": \"2024-01-02\"}\n", i, i)
		}
	}
	dir := t.TempDir()
	plain := writeFile(t, dir, "rows.jsonl", b.Bytes())
	// A gzip stream cut short ends the file with a read error mid-way.
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(b.Bytes())
	zw.Close()
	cut := writeFile(t, dir, "cut.jsonl.gz", z.Bytes()[:z.Len()/2])

	for _, path := range []string{plain, cut} {
		opts := Options{MaxArticleBytes: 1000}
		want, err := openPath(t, path, opts)
		if err != nil {
			t.Fatal(err)
		}
		opts.Workers = 3
		got, err := openPath(t, path, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(want.articles) == 0 || len(want.rejects) == 0 {
			t.Fatalf("%s: %d articles, %d rejects: the test needs both", path, len(want.articles), len(want.rejects))
		}
		if !slices.EqualFunc(got.articles, want.articles, func(a, b Article) bool { return a.ID == b.ID && a.SourceLine == b.SourceLine && a.Title == b.Title }) {
			t.Errorf("%s: parallel read gave %d articles, sequential %d, or in another order", path, len(got.articles), len(want.articles))
		}
		if !slices.EqualFunc(got.rejects, want.rejects, func(a, b *ParseError) bool { return a.Error() == b.Error() }) {
			t.Errorf("%s: parallel read gave %d rejects, sequential %d, or others", path, len(got.rejects), len(want.rejects))
		}
		if (path == cut) != (want.err != nil) || fmt.Sprint(got.err) != fmt.Sprint(want.err) {
			t.Errorf("%s: parallel read ended with %v, sequential with %v", path, got.err, want.err)
		}
	}
}

func TestJSONLParallelCloseEarly(t *testing.T) {
	var b bytes.Buffer
	for i := range 20 * batchRows {
		fmt.Fprintf(&b, "{\"id\": \"a%d\", \"title\": \"Row %d\"}\n", i, i)
	}
	path := writeFile(t, t.TempDir(), "rows.jsonl", b.Bytes())
	srcs, _, err := Sources([]string{path})
	if err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	f, err := Open(srcs[0], Options{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		if _, err := f.Read(); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	// The reader's goroutines end once it is closed.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Close, %d before Open", n, before)
	}
}

// jsonScalar, and fieldText on fastjson's value, give a string field's text
// as encoding/json decodes it, unpaired surrogates included.
func TestJSONScalarStrings(t *testing.T) {
	var p fastjson.Parser
	for _, raw := range []string{
		`"plain text"`, `""`, `"Grindavík, 18 December"`, `"東京 — 2024"`, `"emoji 🎉 here"`,
		`"a \"quoted\" word"`, `"back\\slash"`, `"line\nbreak"`, `"tab\there"`, `"\u00e9t\u00e9"`,
		`"\ud83c\udf89"`, `"slash \/ escaped"`, `"lone \ud800 high"`, `"\ud800\u0041"`, `"\udc00 low first"`,
		`"not \\ud800 an escape"`, `"\u0000"`, `"end \ud83c"`,
	} {
		var want string
		if err := stdjson.Unmarshal([]byte(raw), &want); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		got, err := jsonScalar([]byte(raw))
		if err != nil || got != want {
			t.Errorf("jsonScalar(%s) = %q, %v; want %q", raw, got, err, want)
		}
		v, err := p.Parse(`{"v":` + raw + `}`)
		if err != nil {
			t.Fatalf("fastjson: %s: %v", raw, err)
		}
		got, _, err = fieldText(v.Get("v"), nil)
		if err != nil || got != want {
			t.Errorf("fieldText(%s) = %q, %v; want %q", raw, got, err, want)
		}
	}
}

// The fastjson decoding of a row gives what the decoding through a map of
// raw values gives, for repeated keys, spellings of one column, aliases,
// lists, numbers, bad values and empty objects, with the keys' resolution
// reused between rows and readers with other field maps, and not.
func TestJSONLFastMatchesMap(t *testing.T) {
	rows := []string{
		`{}`,
		`{"title":"a","title":"b","text":"body"}`,
		`{"Title":"A","title":"b","text":"body"}`,
		`{"title":"b","Title":"A","text":"body"}`,
		`{"headline":"h","title":"t","body":"x","text":"y"}`,
		`{"headline":"h","title":"t","body":"x","text":"y"}`,
		`{"title":"t","authors":["a","b"],"text":["one","two"],"id":12345678901234567890}`,
		`{"title":"t","text":"x","published":null,"id":true}`,
		`{"title":{"nested":1},"text":"x"}`,
		`{"source":{"id":null,"name":"BBC News"},"title":"t","text":"x"}`,
		`{"source":{"id":"bbc"},"title":{"main":"m","sub":{"deep":{"deeper":{"deepest":"d"}}}},"_id":{"$oid":"5f1"}}`,
		`{"source":{"id":"bbc"},"title":{"main":"m"},"_id":{"$oid":"5f1"},"date":{"$date":"2024-03-01T10:00:00Z"},"text":"x"}`,
		`{"title":"t","text":[1,2]}`,
		`{"title":"t \u00e9 \ud800","text":"line\nnext","date":"2024-03-01T10:00:00Z","source":"Wire"}`,
		`{"title":"t","text":"x","date":"2024-03-01T10:00:00Z","source":"Wire"}`,
		`{ "title" : "spaced" , "text":"x" }`,
		`{}`,
	}
	var pinned FieldMap
	if err := pinned.Set("title", "headline"); err != nil {
		t.Fatal(err)
	}
	readers := []*JSONLReader{
		NewJSONLReader(strings.NewReader(""), "rows.jsonl", Options{}),
		NewJSONLReader(strings.NewReader(""), "pinned.jsonl", Options{Fields: pinned}),
	}
	rp := new(rowParser)
	for pass := range 2 {
		for n, row := range rows {
			for _, r := range readers {
				fast, ok, ferr := r.articleFast(rp, []byte(row), n+1)
				if !ok {
					t.Fatalf("fastjson refused %s", row)
				}
				var obj map[string]stdjson.RawMessage
				if err := stdjson.Unmarshal([]byte(row), &obj); err != nil {
					t.Fatal(err)
				}
				var keys []string
				var vals []stdjson.RawMessage
				if err := flattenRaw(obj, "", 0, &keys, &vals); err != nil {
					t.Fatal(err)
				}
				slow, serr := r.article(keys, vals, []byte(row), n+1)
				if fmt.Sprint(ferr) != fmt.Sprint(serr) || fast != slow {
					t.Errorf("pass %d, %s, %s:\nfast %+v, %v\nmap  %+v, %v", pass, r.File, row, fast, ferr, slow, serr)
				}
			}
		}
	}
}
