package report

import (
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
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
	// MaxStorylines bounds how many storylines of more than one story the
	// report shows, those with the most stories first; zero means 50.
	MaxStorylines int
	// GroupBy is the outlet attribute whose groups (the run's --group-by)
	// the report shows side by side; empty shows outlets without groups.
	GroupBy string
	// PageOutlets is how many outlets a story shows before a button shows
	// the rest; zero means 24.
	PageOutlets int
}

type reportPage struct {
	Title                         string
	NStories, NArticles, NOutlets int
	Truncated                     bool
	Stories                       []reportStory
	NStorylines                   int
	LinesTruncated                bool
	Storylines                    []reportStoryline
	GroupBy                       string
	AllOutlets                    []string // for the outlet filter, by name
	Framing                       []reportFraming
}

// reportFraming is one group's terms in the framing table.
type reportFraming struct {
	Group string
	Terms []reportTerm
}

// reportGroup is one group's outlets in a story.
type reportGroup struct {
	Name    string
	Outlets []reportOutlet
}

type reportStory struct {
	ID, Label, First, Last, Span      string
	FirstUnix                         int64
	NArticles, NOutlets, NIndependent int
	Outlets                           []reportOutlet
	Groups                            []reportGroup // with Options.GroupBy, every group in order, empty or not
	Marks                             []reportMark
	Storyline                         *reportStoryline // when the report shows it
	Search                            string           // label, headlines and outlets, lower case
	OutletList                        string           // "|outlet|outlet|", for the outlet filter
	Hidden                            int              // outlets past the first page
}

// reportStoryline is a storyline of several stories, with a mark per story
// on its timeline.
type reportStoryline struct {
	ID, Label, First, Last, Span  string
	NStories, NArticles, NOutlets int
	Stories                       []reportStoryMark
}

type reportStoryMark struct {
	X, R      string
	ID, Label string
	When      string
	NArticles int
	Shown     bool // the story has its section in the report
}

type reportOutlet struct {
	Outlet, Headline, When, Lag string
	N, Copies                   int
	Terms                       []reportTerm
	Articles                    []reportArticle
	More                        bool // past the story's first page of outlets
}

// reportArticle is one article of an outlet in a story, with its link and
// its similarity to the story's other articles.
type reportArticle struct {
	Title, URL, When, Similarity string
	Low                          bool // far below the story's typical similarity
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
// copies — with a timeline of when each outlet published. Storylines of
// more than one story come first, each with its stories on one timeline,
// linked to their sections.
func Write(w io.Writer, out *table.Output, opts Options) error {
	if opts.MaxStories <= 0 {
		opts.MaxStories = 200
	}
	if opts.Title == "" {
		opts.Title = "Stories across outlets"
	}
	if opts.PageOutlets <= 0 {
		opts.PageOutlets = 24
	}
	byStory := map[string][]table.StoryOutletRow{}
	covered := map[string]int{} // stories per outlet
	for _, r := range out.StoryOutlets {
		byStory[r.StoryID] = append(byStory[r.StoryID], r)
		covered[r.Outlet]++
	}
	// Outlets keep one place in every story: those that covered the most
	// stories first, then by name.
	rank := func(a, b string) int { return cmp.Or(cmp.Compare(covered[b], covered[a]), strings.Compare(a, b)) }
	type key struct{ story, outlet string }
	articles := map[key][]table.ArticleRow{}
	outlets := map[string]bool{}
	for _, a := range out.Articles {
		outlets[a.Outlet] = true
		articles[key{a.StoryID, a.Outlet}] = append(articles[key{a.StoryID, a.Outlet}], a)
	}
	page := reportPage{Title: opts.Title, NArticles: len(out.Articles), NOutlets: len(outlets)}
	groupOf, groups := outletGroups(out, opts.GroupBy)
	if groups != nil {
		page.GroupBy = opts.GroupBy
	}
	for _, g := range groups {
		var terms []reportTerm
		for _, f := range out.Framing {
			if f.Group == g && len(terms) < 15 {
				terms = append(terms, reportTerm{Term: f.Term, Score: fmt.Sprintf("%.1f", f.Z)})
			}
		}
		if g != "" {
			page.Framing = append(page.Framing, reportFraming{Group: g, Terms: terms})
		}
	}
	var stories []table.StoryRow
	for _, s := range out.Stories {
		if s.NOutlets > 1 {
			stories = append(stories, s)
		}
	}
	page.NStories = len(stories)
	slices.SortStableFunc(stories, func(a, b table.StoryRow) int {
		return cmp.Or(cmp.Compare(b.NOutlets, a.NOutlets), cmp.Compare(b.NArticles, a.NArticles), strings.Compare(a.StoryID, b.StoryID))
	})
	if len(stories) > opts.MaxStories {
		stories, page.Truncated = stories[:opts.MaxStories], true
	}
	lines := storylines(out, opts.MaxStorylines, &page)
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
		rows := byStory[s.StoryID]
		search := []string{s.Label}
		var names []string
		for _, o := range rows {
			search = append(search, o.Outlet, o.Headline)
			names = append(names, o.Outlet)
			if !o.First.IsZero() && !s.First.IsZero() {
				x := 20.0
				if span := s.Last.Sub(s.First); span > 0 {
					x += 680 * float64(o.First.Sub(s.First)) / float64(span)
				}
				rs.Marks = append(rs.Marks, reportMark{X: fmt.Sprintf("%.1f", x), Outlet: o.Outlet, When: stamp(o.First), Copy: o.NWireCopies == o.NArticles})
			}
		}
		rs.Search = strings.ToLower(strings.Join(search, " "))
		rs.OutletList = "|" + strings.Join(names, "|") + "|"
		ordered := slices.Clone(rows)
		slices.SortStableFunc(ordered, func(a, b table.StoryOutletRow) int { return rank(a.Outlet, b.Outlet) })
		for k, o := range ordered {
			ro := storyOutlet(o, articles[key{s.StoryID, o.Outlet}])
			ro.More = k >= opts.PageOutlets
			if ro.More {
				rs.Hidden++
			}
			rs.Outlets = append(rs.Outlets, ro)
		}
		if groups != nil {
			rs.Groups = make([]reportGroup, len(groups))
			for g, name := range groups {
				rs.Groups[g].Name = name
			}
			for _, o := range rs.Outlets {
				g := slices.Index(groups, groupOf[o.Outlet])
				rs.Groups[g].Outlets = append(rs.Groups[g].Outlets, o)
			}
		}
		rs.Storyline = lines[s.StorylineID]
		page.Stories = append(page.Stories, rs)
	}
	shown := map[string]bool{}
	filter := map[string]bool{}
	for _, s := range page.Stories {
		shown[s.ID] = true
		for _, o := range s.Outlets {
			filter[o.Outlet] = true
		}
	}
	for o := range filter {
		page.AllOutlets = append(page.AllOutlets, o)
	}
	slices.Sort(page.AllOutlets)
	for l := range page.Storylines {
		for k := range page.Storylines[l].Stories {
			m := &page.Storylines[l].Stories[k]
			m.Shown = shown[m.ID]
		}
	}
	return reportTemplate.Execute(w, page)
}

// storyOutlet is one outlet's card in a story: its row of story_outlets
// and its articles, earliest first.
func storyOutlet(o table.StoryOutletRow, articles []table.ArticleRow) reportOutlet {
	ro := reportOutlet{Outlet: o.Outlet, Headline: o.Headline, When: stamp(o.First), N: o.NArticles, Copies: o.NWireCopies}
	if o.HasLag {
		ro.Lag = "first"
		if o.LagSeconds > 0 {
			ro.Lag = "+" + duration(time.Duration(o.LagSeconds*1000)*time.Millisecond)
		}
	}
	for k, t := range o.DistinctiveTerms {
		ro.Terms = append(ro.Terms, reportTerm{Term: t, Score: fmt.Sprintf("%.1f", o.Scores[k])})
	}
	slices.SortStableFunc(articles, func(a, b table.ArticleRow) int {
		return cmp.Or(a.Published.Compare(b.Published), strings.Compare(a.ArticleID, b.ArticleID))
	})
	for _, a := range articles {
		ro.Articles = append(ro.Articles, reportArticle{
			Title: a.Title, URL: safeURL(a.URL), When: stamp(a.Published),
			Similarity: fmt.Sprintf("%.2f", a.Similarity), Low: a.Similarity < lowSimilarity,
		})
	}
	return ro
}

// lowSimilarity marks an article whose similarity to the rest of its story
// is low enough to check by eye: it may not belong.
const lowSimilarity = 0.1

// safeURL keeps http and https links only.
func safeURL(u string) string {
	if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		return u
	}
	return ""
}

// outletGroups returns each outlet's value of the attribute attr (from the
// outlets table) and the values in order, the outlets without one ("")
// last; nil when the output has no such attribute.
func outletGroups(out *table.Output, attr string) (map[string]string, []string) {
	k := slices.Index(out.OutletAttributes, attr)
	if attr == "" || k < 0 {
		return nil, nil
	}
	of := map[string]string{}
	var groups []string
	none := false
	for _, o := range out.Outlets {
		v := o.Attributes[k]
		of[o.Outlet] = v
		if v == "" {
			none = true
		} else if !slices.Contains(groups, v) {
			groups = append(groups, v)
		}
	}
	slices.Sort(groups)
	if none {
		groups = append(groups, "")
	}
	return of, groups
}

// storylines fills page's storylines of more than one story, those with
// the most stories first (at most max, zero meaning 50), each with its
// stories on a timeline, and returns them by id.
func storylines(out *table.Output, max int, page *reportPage) map[string]*reportStoryline {
	if max <= 0 {
		max = 50
	}
	var rows []table.StorylineRow
	for _, l := range out.Storylines {
		if l.NStories > 1 {
			rows = append(rows, l)
		}
	}
	page.NStorylines = len(rows)
	slices.SortStableFunc(rows, func(a, b table.StorylineRow) int {
		return cmp.Or(cmp.Compare(b.NStories, a.NStories), cmp.Compare(b.NArticles, a.NArticles), strings.Compare(a.StorylineID, b.StorylineID))
	})
	if len(rows) > max {
		rows, page.LinesTruncated = rows[:max], true
	}
	byID := map[string]int{}
	page.Storylines = make([]reportStoryline, len(rows))
	for k, l := range rows {
		byID[l.StorylineID] = k
		rl := reportStoryline{ID: l.StorylineID, Label: l.Label, NStories: l.NStories, NArticles: l.NArticles, NOutlets: l.NOutlets,
			First: stamp(l.First), Last: stamp(l.Last)}
		if d := l.Last.Sub(l.First); !l.First.IsZero() && d > 0 {
			rl.Span = duration(d)
		}
		page.Storylines[k] = rl
	}
	var members []table.StoryRow
	for _, s := range out.Stories {
		if _, ok := byID[s.StorylineID]; ok {
			members = append(members, s)
		}
	}
	slices.SortStableFunc(members, func(a, b table.StoryRow) int {
		return cmp.Or(a.First.Compare(b.First), strings.Compare(a.StoryID, b.StoryID))
	})
	for _, s := range members {
		row, rl := rows[byID[s.StorylineID]], &page.Storylines[byID[s.StorylineID]]
		x := 20.0
		if span := row.Last.Sub(row.First); span > 0 && !s.First.IsZero() {
			x += 680 * float64(s.First.Sub(row.First)) / float64(span)
		}
		rl.Stories = append(rl.Stories, reportStoryMark{
			X: fmt.Sprintf("%.1f", x), R: fmt.Sprintf("%.1f", min(4+2*math.Sqrt(float64(s.NArticles)), 14)),
			ID: s.StoryID, Label: s.Label, When: stamp(s.First), NArticles: s.NArticles,
		})
	}
	byLine := make(map[string]*reportStoryline, len(rows))
	for id, k := range byID {
		byLine[id] = &page.Storylines[k]
	}
	return byLine
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
