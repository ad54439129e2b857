package report

import (
	"regexp"
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
		return regexp.MustCompile(`(?s)<section class="story" id="` + id + `">.*?</p>`).FindString(page)
	}
	if s := section("s-first"); !strings.Contains(s, `part of the storyline <a href="#l-one">Dam bursts</a>`) {
		t.Errorf("s-first does not link to its storyline: %s", s)
	}
	if s := section("s-alone"); s == "" || strings.Contains(s, "part of the storyline") {
		t.Errorf("s-alone: %q; want its section, without a storyline link", s)
	}
}
