package report

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storyclust/storyclust/data/table"
)

// A storyline of two stories a month apart: the first is covered by two
// outlets and has a section of its own, the second by one outlet and has
// none. The storyline is shown with both on its timeline, at its two
// ends; only the first is a link, and its section links back. A storyline
// of one story is not shown.
func TestStorylineView(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2024, 1, d, 12, 0, 0, 0, time.UTC) }
	out := &table.Output{
		Stories: []table.StoryRow{
			{StoryID: "s-first", StorylineID: "l-one", Label: "Dam bursts", NArticles: 4, NOutlets: 2, First: day(1), Last: day(2)},
			{StoryID: "s-later", StorylineID: "l-one", Label: "Inquiry into the dam opens", NArticles: 1, NOutlets: 1, First: day(31), Last: day(31)},
			{StoryID: "s-alone", StorylineID: "l-two", Label: "Election called", NArticles: 2, NOutlets: 2, First: day(5), Last: day(5)},
		},
		StoryOutlets: []table.StoryOutletRow{
			{StoryID: "s-first", Outlet: "A", NArticles: 2, First: day(1)},
			{StoryID: "s-first", Outlet: "B", NArticles: 2, First: day(2)},
			{StoryID: "s-alone", Outlet: "A", NArticles: 1, First: day(5)},
			{StoryID: "s-alone", Outlet: "C", NArticles: 1, First: day(5)},
		},
		Storylines: []table.StorylineRow{
			{StorylineID: "l-one", Label: "Dam bursts", NStories: 2, NArticles: 5, NOutlets: 2, First: day(1), Last: day(31)},
			{StorylineID: "l-two", Label: "Election called", NStories: 1, NArticles: 2, NOutlets: 2, First: day(5), Last: day(5)},
		},
	}
	var b strings.Builder
	if err := Write(&b, out, Options{}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	lines := regexp.MustCompile(`(?s)<section class="storyline" id="([^"]+)"[^>]*>(.*?)</section>`).FindAllStringSubmatch(page, -1)
	if len(lines) != 1 || lines[0][1] != "l-one" {
		t.Fatalf("storylines shown: %d, want only l-one (the other has one story)", len(lines))
	}
	marks := regexp.MustCompile(`(<a href="#([^"]+)">)?<circle class="story" cx="([0-9.]+)"`).FindAllStringSubmatch(lines[0][2], -1)
	if len(marks) != 2 {
		t.Fatalf("%d stories on the timeline, want 2", len(marks))
	}
	// The timeline runs from x = 20 (the storyline's first day) to 700
	// (its last).
	if marks[0][2] != "s-first" || marks[0][3] != "20.0" {
		t.Errorf("first mark: link %q at x %s, want a link to s-first at 20.0", marks[0][2], marks[0][3])
	}
	if marks[1][1] != "" || marks[1][3] != "700.0" {
		t.Errorf("second mark: link %q at x %s, want no link (the story has no section) at 700.0", marks[1][1], marks[1][3])
	}
	if !strings.Contains(page, "2 stories · 5 articles · 2 outlets") {
		t.Error("the storyline's counts are not shown")
	}
	section := func(id string) string {
		return regexp.MustCompile(`(?s)<section class="story" id="` + id + `"[^>]*>.*?</p>`).FindString(page)
	}
	if s := section("s-first"); !strings.Contains(s, `part of the storyline <a href="#l-one">Dam bursts</a>`) {
		t.Errorf("s-first does not link to its storyline: %s", s)
	}
	if s := section("s-alone"); s == "" || strings.Contains(s, "part of the storyline") {
		t.Errorf("s-alone: %q; want its section, without a storyline link", s)
	}
}

// A story told by 30 outlets in two groups: outlets keep one order in
// every story (the most stories first, then by name), the groups stand
// side by side in order of value with the outlets without one last, past
// the first page of outlets the cards are marked to hide behind a button,
// and chips carry their z.
func TestOutletOrderGroupsAndPages(t *testing.T) {
	day := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	out := &table.Output{
		Stories: []table.StoryRow{
			{StoryID: "s-big", Label: "Big story", NArticles: 30, NOutlets: 30, First: day, Last: day.Add(time.Hour)},
			{StoryID: "s-small", Label: "Small story", NArticles: 3, NOutlets: 3, First: day, Last: day},
		},
		OutletAttributes: []string{"lean"},
	}
	for k := range 30 {
		name := fmt.Sprintf("Outlet %02d", k)
		lean := []string{"right", "left", ""}[k%3]
		out.Outlets = append(out.Outlets, table.OutletRow{Outlet: name, Listed: true, Attributes: []string{lean}})
		out.StoryOutlets = append(out.StoryOutlets, table.StoryOutletRow{StoryID: "s-big", Outlet: name, NArticles: 1, First: day})
		out.Articles = append(out.Articles, table.ArticleRow{ArticleID: fmt.Sprint("a", k), StoryID: "s-big", Outlet: name, Title: "T" + name, URL: "https://example.org/" + fmt.Sprint(k), Similarity: 0.5, Published: day})
	}
	// Outlets 29, 28 and 27 also told the small story, so they come first.
	for _, k := range []int{27, 28, 29} {
		name := fmt.Sprintf("Outlet %02d", k)
		out.StoryOutlets = append(out.StoryOutlets, table.StoryOutletRow{StoryID: "s-small", Outlet: name, NArticles: 1, First: day,
			DistinctiveTerms: []string{"dam"}, Scores: []float32{2.345}})
		out.Articles = append(out.Articles, table.ArticleRow{ArticleID: fmt.Sprint("b", k), StoryID: "s-small", Outlet: name, Title: "javascript", URL: "javascript:alert(1)", Similarity: 0.05, Published: day})
	}
	var b strings.Builder
	if err := Write(&b, out, Options{GroupBy: "lean"}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	big := regexp.MustCompile(`(?s)<section class="story" id="s-big".*?</section>`).FindString(page)
	groups := regexp.MustCompile(`data-group="([^"]*)"`).FindAllStringSubmatch(big, -1)
	if len(groups) != 3 || groups[0][1] != "left" || groups[1][1] != "right" || groups[2][1] != "" {
		t.Fatalf("groups %v, want left, right, then none", groups)
	}
	cards := regexp.MustCompile(`<div class="outlet( more)?" data-outlet="([^"]+)"`).FindAllStringSubmatch(big, -1)
	if len(cards) != 30 {
		t.Fatalf("%d cards, want 30", len(cards))
	}
	// Page order: 27, 28, 29 (two stories each), then 00, 01, … by name;
	// the first 24 of that order are shown, the last 6 (outlets 21–26)
	// are marked.
	var more []string
	for _, c := range cards {
		if c[1] != "" {
			more = append(more, c[2])
		}
	}
	slices.Sort(more)
	if want := []string{"Outlet 21", "Outlet 22", "Outlet 23", "Outlet 24", "Outlet 25", "Outlet 26"}; !slices.Equal(more, want) {
		t.Errorf("hidden past the first page: %v, want %v", more, want)
	}
	if !strings.Contains(big, "show 6 more outlets") {
		t.Error("no button for the hidden outlets")
	}
	// Within the left group, by that order: 28 (two stories), then 01, 04…
	left := regexp.MustCompile(`(?s)data-group="left">.*?</div>\n</div>`).FindString(big)
	if i, j := strings.Index(left, `"Outlet 28"`), strings.Index(left, `"Outlet 01"`); i < 0 || j < 0 || i > j {
		t.Errorf("left group order: 28 at %d, 01 at %d", i, j)
	}
	small := regexp.MustCompile(`(?s)<section class="story" id="s-small".*?</section>`).FindString(page)
	if !strings.Contains(small, `dam<b>2.3</b>`) {
		t.Error("a chip does not carry its z")
	}
	if strings.Contains(page, "javascript:alert") || !strings.Contains(page, `class="sim low"`) {
		t.Error("an unsafe link is kept, or a low similarity is not marked")
	}
	if !strings.Contains(big, `<a href="https://example.org/3">TOutlet 03</a>`) {
		t.Error("articles are not linked")
	}
}
