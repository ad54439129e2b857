package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storyclust/storyclust/data/table"
)

// TestResearcherShapes runs the job over a folder of files in the shapes
// researchers hold — news-please's folder of pretty-printed objects, a
// NewsAPI response, ABC's Million Headlines CSV with YYYYMMDD dates, a
// semicolon-separated Windows-1252 export with day-first dates, a GDELT-like
// TSV with YYYYMMDDhhmmss dates and URLs for outlets, and wire text files
// named by date — and checks the values that reach the articles table.
func TestResearcherShapes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("news-please/2021/05/18/www.example-news.com/3f2a.json", `{
    "authors": ["Jane Doe"],
    "date_publish": "2021-05-18 09:30:00",
    "language": "en",
    "maintext": "The harbour budget passed after a long debate.",
    "source_domain": "www.example-news.com",
    "title": "Harbour budget passes",
    "url": "https://www.example-news.com/harbour"
}
`)
	write("newsapi/top-headlines.json", `{"status": "ok", "totalResults": 1,
  "articles": [
    {"source": {"id": null, "name": "BBC News"}, "author": "BBC", "title": "Floods close roads in the north",
     "description": "Rivers rose.", "url": "https://www.bbc.co.uk/news/1", "publishedAt": "2024-01-14T09:10:00Z", "content": "Rivers rose overnight and closed roads."}
  ]}`)
	write("abcnews-date-text.csv", "publish_date,headline_text\n20030219,aba decides against community broadcasting licence\n")
	write("excel-export.csv", "Headline;Body;Pub_Date;Source\nCafé owners protest;Prices rose by 5 € in the old town.;18.10.2021;Le Monde\n")
	write("gdelt.tsv", "DATEADDED\ttitle\tSOURCEURL\n20210422131500\tSummit on climate opens\thttps://mobile.reuters.com/world/summit\n")
	write("wires/Harbour Gazette/2021-05-18-harbour-budget.txt", "Harbour budget passes\n\n(Tue, 18 May 2021) The council passed the harbour budget.\n")
	cp := []byte("Headline;Body;Pub_Date;Source\nCaf\xe9 owners protest;Prices rose by 5 \x80 in the old town.;18.10.2021;Le Monde\n")
	if err := os.WriteFile(filepath.Join(dir, "excel-export.csv"), cp, 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	m, err := Run(context.Background(), Config{Inputs: []string{dir}, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if c := m.Counts; c.Read != 6 || c.Rejected != 0 || c.Clustered != 6 {
		t.Fatalf("counts %+v, rejects %v", c, m.FirstRejects)
	}
	o, err := table.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]table.ArticleRow{}
	for _, a := range o.Articles {
		got[a.Title] = a
	}
	day := func(y int, mo time.Month, d, h, mi int) time.Time { return time.Date(y, mo, d, h, mi, 0, 0, time.UTC) }
	for _, w := range []struct {
		title, outlet string
		published     time.Time
		file          string
		line          int
	}{
		{"Harbour budget passes", "example-news.com", day(2021, 5, 18, 9, 30), "3f2a.json", 1},
		{"Floods close roads in the north", "BBC News", day(2024, 1, 14, 9, 10), "top-headlines.json", 3},
		{"aba decides against community broadcasting licence", "", day(2003, 2, 19, 0, 0), "abcnews-date-text.csv", 2},
		{"Café owners protest", "Le Monde", day(2021, 10, 18, 0, 0), "excel-export.csv", 2},
		{"Summit on climate opens", "reuters.com", time.Date(2021, 4, 22, 13, 15, 0, 0, time.UTC), "gdelt.tsv", 2},
	} {
		a, ok := got[w.title]
		if !ok {
			t.Errorf("%q missing from the articles table (%d rows)", w.title, len(o.Articles))
			continue
		}
		if a.Outlet != w.outlet || !a.Published.Equal(w.published) || filepath.Base(a.SourceFile) != w.file || a.SourceLine != w.line {
			t.Errorf("%q: outlet %q, published %v, from %s:%d; want %q, %v, %s:%d", w.title, a.Outlet, a.Published, a.SourceFile, a.SourceLine, w.outlet, w.published, w.file, w.line)
		}
	}
	// The text file: the outlet is its folder, the date its name's (the
	// parenthesised date is not a dateline).
	var txt *table.ArticleRow
	for i := range o.Articles {
		if strings.HasSuffix(o.Articles[i].SourceFile, ".txt") {
			txt = &o.Articles[i]
		}
	}
	if txt == nil || txt.Outlet != "Harbour Gazette" || !txt.Published.Equal(day(2021, 5, 18, 0, 0)) {
		t.Errorf("text file row: %+v", txt)
	}
	if m.Counts.DatesFromFileName != 1 || m.Counts.OutletsFromURL != 1 {
		t.Errorf("dates from file names %d, outlets from URLs %d; want 1 and 1", m.Counts.DatesFromFileName, m.Counts.OutletsFromURL)
	}
}
