package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/storyclust/storyclust/data/table"
)

//go:embed report.html
var reportHTML string

var reportTemplate = template.Must(template.New("report").Parse(reportHTML))

// Options shapes the HTML report.
type Options struct {
	Title string
	// MaxStories bounds how many stories the report shows, those with the
	// most outlets first; zero means 200.
	MaxStories int
}

type reportPage struct {
	Title                         string
	NStories, NArticles, NOutlets int
	Truncated                     bool
	Stories                       []reportStory
}

type reportStory struct {
	ID, Label, First, Last, Span      string
	FirstUnix                         int64
	NArticles, NOutlets, NIndependent int
	Outlets                           []reportOutlet
	Marks                             []reportMark
}

type reportOutlet struct {
	Outlet, Headline, When, Lag string
	N, Copies                   int
	Terms                       []reportTerm
}

type reportTerm struct {
	Term  string
	Score string
}

type reportMark struct {
	X            string
	Outlet, When string
	Copy         bool
}

// Write writes a self-contained HTML page (inline style and script, no
// external assets) that lists the stories covered by more than one outlet,
// sortable by outlets, articles and time, and shows for each story its
// outlets side by side — headline, time and lag, distinctive terms, wire
// copies — with a timeline of when each outlet published.
func Write(w io.Writer, out *table.Output, opts Options) error {
	if opts.MaxStories <= 0 {
		opts.MaxStories = 200
	}
	if opts.Title == "" {
		opts.Title = "Stories across outlets"
	}
	byStory := map[string][]table.StoryOutletRow{}
	for _, r := range out.StoryOutlets {
		byStory[r.StoryID] = append(byStory[r.StoryID], r)
	}
	outlets := map[string]bool{}
	for _, a := range out.Articles {
		outlets[a.Outlet] = true
	}
	page := reportPage{Title: opts.Title, NArticles: len(out.Articles), NOutlets: len(outlets)}
	var stories []table.StoryRow
	for _, s := range out.Stories {
		if s.NOutlets > 1 {
			stories = append(stories, s)
		}
	}
	page.NStories = len(stories)
	slices.SortStableFunc(stories, func(a, b table.StoryRow) int {
		if a.NOutlets != b.NOutlets {
			return b.NOutlets - a.NOutlets
		}
		if a.NArticles != b.NArticles {
			return b.NArticles - a.NArticles
		}
		return strings.Compare(a.StoryID, b.StoryID)
	})
	if len(stories) > opts.MaxStories {
		stories, page.Truncated = stories[:opts.MaxStories], true
	}
	for _, s := range stories {
		rs := reportStory{
			ID: s.StoryID, Label: s.Label, NArticles: s.NArticles, NOutlets: s.NOutlets, NIndependent: s.NIndependent,
			First: stamp(s.First), Last: stamp(s.Last),
		}
		if !s.First.IsZero() {
			rs.FirstUnix = s.First.Unix()
			if d := s.Last.Sub(s.First); d > 0 {
				rs.Span = duration(d)
			}
		}
		for _, o := range byStory[s.StoryID] {
			ro := reportOutlet{Outlet: o.Outlet, Headline: o.Headline, When: stamp(o.First), N: o.NArticles, Copies: o.NWireCopies}
			if o.HasLag {
				ro.Lag = "first"
				if o.LagSeconds > 0 {
					ro.Lag = "+" + duration(time.Duration(o.LagSeconds*1000)*time.Millisecond)
				}
			}
			for k, t := range o.DistinctiveTerms {
				ro.Terms = append(ro.Terms, reportTerm{Term: t, Score: fmt.Sprintf("%.2f", o.Scores[k])})
			}
			rs.Outlets = append(rs.Outlets, ro)
			if !o.First.IsZero() && !s.First.IsZero() {
				x := 20.0
				if span := s.Last.Sub(s.First); span > 0 {
					x += 680 * float64(o.First.Sub(s.First)) / float64(span)
				}
				rs.Marks = append(rs.Marks, reportMark{X: fmt.Sprintf("%.1f", x), Outlet: o.Outlet, When: stamp(o.First), Copy: o.NWireCopies == o.NArticles})
			}
		}
		page.Stories = append(page.Stories, rs)
	}
	return reportTemplate.Execute(w, page)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "undated"
	}
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04 UTC")
}

// duration renders d as days, hours and minutes ("2d 4h", "6h 12m", "45m").
func duration(d time.Duration) string {
	days, hours, mins := int(d.Hours())/24, int(d.Hours())%24, int(d.Minutes())%60
	switch {
	case days > 0 && hours > 0:
		return fmt.Sprintf("%dd %dh", days, hours)
	case days > 0:
		return fmt.Sprintf("%dd", days)
	case hours > 0 && mins > 0:
		return fmt.Sprintf("%dh %dm", hours, mins)
	case hours > 0:
		return fmt.Sprintf("%dh", hours)
	case mins > 0:
		return fmt.Sprintf("%dm", mins)
	}
	return fmt.Sprintf("%ds", int(d.Seconds()))
}
