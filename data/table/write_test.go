package table

import (
	"fmt"
	"testing"
	"time"
)

// TestRowGroupsRoundTrip writes a table in several row groups, each with its
// own outlet dictionary, and reads it back.
func TestRowGroupsRoundTrip(t *testing.T) {
	defer func(n int) { rowGroupRows = n }(rowGroupRows)
	rowGroupRows = 100
	dir := t.TempDir()
	at := New("articles", ArticlesSchema)
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 250 {
		at.AppendArticle(ArticleRow{
			ArticleID: fmt.Sprint("a", i), StoryID: fmt.Sprint("s", i/10), Outlet: fmt.Sprint("outlet", i%7+i/100*10),
			Published: day.Add(time.Duration(i) * time.Minute), Title: "t", Language: "en", WireCopy: i%5 == 0,
		})
	}
	st := New("stories", StoriesSchema)
	so := New("story_outlets", StoryOutletsSchema)
	for _, tb := range []*Table{at, st, so} {
		staged, err := tb.Stage(dir, Parquet, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := staged.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	out, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Articles) != 250 {
		t.Fatalf("read %d articles, want 250", len(out.Articles))
	}
	for i, a := range out.Articles {
		if a.ArticleID != fmt.Sprint("a", i) || a.Outlet != fmt.Sprint("outlet", i%7+i/100*10) || a.WireCopy != (i%5 == 0) ||
			!a.Published.Equal(day.Add(time.Duration(i)*time.Minute)) {
			t.Fatalf("row %d = %+v", i, a)
		}
	}
}
