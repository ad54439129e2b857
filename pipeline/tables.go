package pipeline

import (
	"cmp"
	"context"
	"hash/maphash"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/storyclust/storyclust/cluster"
	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/data/table"
	"github.com/storyclust/storyclust/vectorize"
	"github.com/storyclust/storyclust/vectorize/parallel"
)

// storyID names a story by its earliest article, so that the id does not
// change when later articles join it.
func storyID(firstArticleID string) string { return "s-" + shortHash(firstArticleID)[:16] }

// storylineID names a storyline by its earliest article, as storyID does.
func storylineID(firstArticleID string) string { return "l-" + shortHash(firstArticleID)[:16] }

// distinctiveTerms is how many terms story_outlets lists per outlet.
const distinctiveTerms = 10

// rowSink receives the rows of a run's tables. article is called on a
// goroutine of its own, beside story and storyOutlet.
type rowSink struct {
	article     func(table.ArticleRow)
	story       func(table.StoryRow)
	storyOutlet func(table.StoryOutletRow)
	storyline   func(table.StorylineRow)
	// outlet, storyGroup and framing receive the rows of the outlets,
	// story_groups and framing tables: the first with an outlets file in a
	// one-off run, the others with --group-by (framing in one-off runs
	// only); nil where the run writes no such table.
	outlet     func(table.OutletRow)
	storyGroup func(table.StoryGroupRow)
	framing    func(table.FramingRow)
}

// tableSink appends rows to the articles, stories, story_outlets and
// storylines tables, and with an outlets file to outlets and, grouped, to
// story_groups and framing.
func tableSink(book *outletBook) (rowSink, []*table.Table) {
	var attrs []string
	if book != nil {
		attrs = book.file.Attributes
	}
	at := table.New("articles", table.ArticlesSchema)
	st := table.New("stories", table.StoriesSchema)
	so := table.New("story_outlets", table.StoryOutletsSchemaWith(attrs))
	sl := table.New("storylines", table.StorylinesSchema)
	sink := rowSink{article: at.AppendArticle, story: st.AppendStory, storyOutlet: so.AppendStoryOutlet, storyline: sl.AppendStoryline}
	tables := []*table.Table{at, st, so, sl}
	if book != nil {
		ot := table.New("outlets", table.OutletsSchemaWith(attrs))
		sink.outlet, tables = ot.AppendOutlet, append(tables, ot)
		if book.group >= 0 {
			sg := table.New("story_groups", table.StoryGroupsSchema)
			fr := table.New("framing", table.FramingSchema)
			sink.storyGroup, sink.framing, tables = sg.AppendStoryGroup, fr.AppendFraming, append(tables, sg, fr)
		}
	}
	return sink, tables
}

// firstArticleIDs names each story by its earliest article.
func firstArticleIDs(ids []string, stories []cluster.Story) []string {
	sids := make([]string, len(stories))
	for s, story := range stories {
		sids[s] = storyID(ids[story.Members[0]])
	}
	return sids
}

// storySummaries is what the tables say of the stories that depends
// neither on their ids nor on their storylines: each article's wire copy
// and same-content original (indexes, -1 for none), and each story's
// outlets (rows without a story id) and dates. It is worked out beside
// the storyline linkage (see process).
type storySummaries struct {
	storyOf        []int
	sim            []float32
	copyOf, sameOf []int
	outlets        []storyOutlets
	background     *cluster.Background // by stem and phrase (see distinctiveName)
}

// summariseStories works out the summaries of r's stories. Stories are
// summarised per outlet on r.workers goroutines that take runs of stories
// in turn (stories differ in cost by their outlets).
func summariseStories(r *processed) *storySummaries {
	articles, vec, stories := r.articles, r.vec, r.stories
	ss := &storySummaries{storyOf: make([]int, len(articles)), sim: make([]float32, len(articles))}
	outletOf := make([]string, len(articles))
	for i, a := range articles {
		outletOf[i] = a.Outlet
	}
	for s, st := range stories {
		for k, i := range st.Members {
			ss.storyOf[i], ss.sim[i] = s, st.Similarity[k]
		}
	}
	workers := max(r.workers, 1)
	ss.copyOf = cluster.WireCopies(r.items, outletOf, vec.Sketches, stories, workers)
	ss.sameOf = sameContent(articles, ss.storyOf)
	// Distinctive terms are counted by stem (see termStems); the context
	// is never cancelled, so neither is the stemming.
	r.stems, _ = newTermStems(context.Background(), vec, workers)
	nStems := len(r.stems.names)
	uses := r.stems.uses
	if r.outlets != nil {
		// With an outlets file, two-word phrases count beside the stems
		// (their ids follow the stems'); they need the texts, which runs
		// without one let go (see processed.vectorize).
		r.phrases, _ = newRunPhrases(context.Background(), r, int32(nStems), r.titleWeight, workers)
		uses = append(slices.Clip(uses), r.phrases.uses...)
	}
	ss.background = cluster.BackgroundOf(uses)
	vocab := len(uses)
	sums := make([][2]*cluster.Accumulator, workers)
	for w := range sums {
		sums[w] = [2]*cluster.Accumulator{cluster.NewAccumulator(vocab), cluster.NewAccumulator(vocab)}
	}
	ss.outlets = make([]storyOutlets, len(stories))
	parallel.Runs(context.Background(), len(stories), workers, summaryRun, func(w, from, to int) {
		for s := from; s < to; s++ {
			ss.outlets[s] = summariseOutlets(r, s, ss.copyOf, ss.background, sums[w][0], sums[w][1])
		}
	})
	return ss
}

// buildTables turns a processed run, with its stories named by sids, into
// rows of the articles, stories and story_outlets tables (each story's row
// before its outlets' rows) and fills the story counts and the top stories
// of m. The articles' rows are emitted on a goroutine of their own, beside
// the stories'.
func buildTables(r *processed, sids []string, m *Manifest, out rowSink) {
	articles, ids, vec, stories, sum := r.articles, r.ids, r.vec, r.stories, r.summaries
	storyOf, copyOf, sameOf := sum.storyOf, sum.copyOf, sum.sameOf
	lids := r.lineIDs
	storylineOf := func(s int) string {
		if r.storylineOf == nil {
			return ""
		}
		return lids[r.storylineOf[s]]
	}

	var articleRows sync.WaitGroup
	wireCopies, contentCopies := 0, 0
	articleRows.Go(func() {
		for i, a := range articles {
			row := table.ArticleRow{
				ArticleID: ids[i], StoryID: sids[storyOf[i]], StorylineID: storylineOf(storyOf[i]), Outlet: a.Outlet, Published: a.Published,
				Title: a.Title, URL: a.URL, Language: reportedLanguage(vec, i), Similarity: sum.sim[i],
				SourceFile: a.SourceFile, SourceLine: a.SourceLine,
			}
			if j := copyOf[i]; j >= 0 {
				row.DuplicateOf, row.WireCopy = ids[j], true
				wireCopies++
			} else if j := sameOf[i]; j >= 0 {
				row.DuplicateOf = ids[j]
				contentCopies++
			}
			out.article(row)
		}
	})

	// The storylines' rows, when the run has storylines and a place for
	// them (the shards of a corpus take theirs from LinkStorylines).
	var lines *storylineSummary
	if r.storylineOf != nil && out.storyline != nil {
		lines = newStorylineSummary(lids)
		for k := range r.parts {
			lines.addPart(r.storylineOf[len(stories)+k], &r.parts[k])
		}
	}
	book := r.outlets
	tally := newOutletTally()
	var top []StorySummary
	for s := range stories {
		story, summary := stories[s], &sum.outlets[s]
		outlets := summary.rows
		names := make([]string, 0, len(outlets))
		independent := 0
		for _, o := range outlets {
			names = append(names, o.Outlet)
			if o.NWireCopies < o.NArticles {
				independent++
			}
		}
		slices.Sort(names)
		terms := make([]string, len(story.TopTerms))
		for k, t := range story.TopTerms {
			terms[k] = vec.Terms[t]
		}
		undated := 0
		for _, i := range story.Members {
			if articles[i].Published.IsZero() {
				undated++
			}
		}
		rep := story.Representative
		row := table.StoryRow{
			StoryID: sids[s], StorylineID: storylineOf(s), Label: articles[rep].Title, TopTerms: terms,
			NArticles: len(story.Members), NOutlets: len(names), Outlets: names,
			First: summary.first, Last: summary.last, RepresentativeArticleID: ids[rep], Cohesion: story.Cohesion,
			NIndependent: independent, NUndated: undated,
		}
		out.story(row)
		if lines != nil {
			lines.add(r.storylineOf[s], &row)
		}
		for k := range outlets {
			o := &outlets[k]
			o.StoryID = sids[s]
			if book != nil {
				o.Attributes = book.attrs[o.Outlet]
				tally.add(o)
			}
			out.storyOutlet(*o)
		}
		if book != nil && book.group >= 0 {
			for _, g := range book.storyGroups(sids[s], outlets) {
				out.storyGroup(g)
			}
		}
		m.Counts.Stories++
		if len(names) > 1 {
			m.Counts.CrossOutletStories++
		}
		if len(story.Members) == 1 {
			m.Counts.Singletons++
		}
		top = append(top, StorySummary{StoryID: sids[s], Label: articles[rep].Title, NArticles: len(story.Members), NOutlets: len(names)})
		*summary = storyOutlets{}
	}
	m.Top = topStories(top)
	if lines != nil {
		lines.emit(r.threads, r.storylineOf, r.termName, out.storyline)
		m.Counts.Storylines = len(lids)
	}
	// The outlets and framing tables describe the run's stories as a
	// whole: scheduled runs, which see a day's stories at a time, write
	// neither (their sink has no place for them).
	if out.outlet != nil {
		tally.emit(book, out.outlet)
	}
	if out.framing != nil {
		m.Outlets.ComparedStories = pooledFraming(r, book, sum.background, out.framing)
	}
	articleRows.Wait()
	m.Counts.WireCopies += wireCopies
	m.Counts.ContentDuplicates += contentCopies
}

// topStories returns the five stories of top that most outlets told,
// then the largest.
func topStories(top []StorySummary) []StorySummary {
	slices.SortStableFunc(top, func(a, b StorySummary) int {
		return cmp.Or(cmp.Compare(b.NOutlets, a.NOutlets), cmp.Compare(b.NArticles, a.NArticles), cmp.Compare(a.StoryID, b.StoryID))
	})
	return top[:min(5, len(top))]
}

// storylineSummary gathers the storylines' rows from the rows of their
// stories, as they are emitted.
type storylineSummary struct {
	rows    []table.StorylineRow
	largest []int // the articles of the story that labels each storyline
	outlets []map[string]bool
}

func newStorylineSummary(lids []string) *storylineSummary {
	ss := &storylineSummary{rows: make([]table.StorylineRow, len(lids)), largest: make([]int, len(lids)), outlets: make([]map[string]bool, len(lids))}
	for l := range lids {
		ss.rows[l].StorylineID = lids[l]
		ss.outlets[l] = map[string]bool{}
	}
	return ss
}

// add counts story st into storyline l; its label is that of the largest
// story, the first of them on a tie.
func (ss *storylineSummary) add(l int, st *table.StoryRow) {
	row := &ss.rows[l]
	if st.NArticles > ss.largest[l] {
		ss.largest[l], row.Label = st.NArticles, st.Label
	}
	row.NStories++
	row.NArticles += st.NArticles
	row.NUndated += st.NUndated
	for _, o := range st.Outlets {
		ss.outlets[l][o] = true
	}
	row.First, row.Last = earliest(row.First, st.First), latest(row.Last, st.Last)
}

// emit emits the rows, in order, with their top terms.
func (ss *storylineSummary) emit(threads []cluster.Thread, labels []int, name func(int32) string, emit func(table.StorylineRow)) {
	terms := cluster.StorylineTerms(threads, labels, distinctiveTerms)
	for l := range ss.rows {
		row := ss.rows[l]
		row.NOutlets = len(ss.outlets[l])
		row.TopTerms = make([]string, len(terms[l]))
		for k, t := range terms[l] {
			row.TopTerms[k] = name(t)
		}
		emit(row)
	}
}

// summaryRun is how many stories a worker summarises at a time.
const summaryRun = 16

// storyOutlets is one story's outlet rows and its first and last dates.
type storyOutlets struct {
	rows        []table.StoryOutletRow
	first, last time.Time
}

// summariseOutlets groups the members of story s by outlet and returns the
// story's outlet rows and dates. story and outlet are the caller's scratch
// space.
func summariseOutlets(r *processed, s int, copyOf []int, bg *cluster.Background, story, outlet *cluster.Accumulator) storyOutlets {
	var res storyOutlets
	byOutlet := map[string][]int{}
	st := r.stories[s]
	for _, i := range st.Members {
		byOutlet[r.articles[i].Outlet] = append(byOutlet[r.articles[i].Outlet], i)
		if t := r.articles[i].Published; !t.IsZero() {
			if res.first.IsZero() || t.Before(res.first) {
				res.first = t
			}
			if t.After(res.last) {
				res.last = t
			}
		}
	}
	delete(byOutlet, "") // articles without an outlet count for no outlet
	res.rows = outletRows(r, byOutlet, res.first, copyOf, bg, story, outlet)
	return res
}

// outletRows summarises how each outlet covered one story: its articles,
// when it first reported and how long after the story's first report, its
// earliest headline, the terms it stressed against the other outlets, and
// its wire copies. Rows come in order of first report (undated last), ties
// by outlet name.
func outletRows(r *processed, byOutlet map[string][]int, first time.Time, copyOf []int, bg *cluster.Background, story, outlet *cluster.Accumulator) []table.StoryOutletRow {
	names := make([]string, 0, len(byOutlet))
	for o := range byOutlet {
		names = append(names, o)
	}
	slices.Sort(names) // sums in a fixed order: the same floats every run
	compare := len(byOutlet) > 1
	if compare {
		for _, o := range names {
			for _, i := range byOutlet[o] {
				r.addTerms(story, i)
			}
		}
		defer story.Reset()
	}
	var rows []table.StoryOutletRow
	for _, o := range names {
		members := byOutlet[o]
		row := table.StoryOutletRow{Outlet: o, NArticles: len(members)}
		earliest := members[0]
		for _, i := range members {
			if t := r.articles[i].Published; !t.IsZero() && (row.First.IsZero() || t.Before(row.First)) {
				row.First, earliest = t, i
			}
			if copyOf[i] >= 0 {
				row.NWireCopies++
			}
		}
		row.Headline = r.articles[earliest].Title
		if !row.First.IsZero() && !first.IsZero() {
			row.LagSeconds, row.HasLag = float64(row.First.Sub(first).Milliseconds())/1000, true
		}
		if compare {
			for _, i := range members {
				r.addTerms(outlet, i)
			}
			for _, ts := range bg.Distinctive(outlet, story, distinctiveTerms, r.minZ) {
				row.DistinctiveTerms = append(row.DistinctiveTerms, r.distinctiveName(ts.Term))
				row.Scores = append(row.Scores, ts.Score)
			}
			outlet.Reset()
		}
		rows = append(rows, row)
	}
	slices.SortFunc(rows, func(a, b table.StoryOutletRow) int {
		if az, bz := a.First.IsZero(), b.First.IsZero(); az != bz {
			if az {
				return 1
			}
			return -1
		}
		return cmp.Or(a.First.Compare(b.First), cmp.Compare(a.Outlet, b.Outlet))
	})
	return rows
}

// reportedLanguage is article i's language as given or detected; empty
// (null in the table) when it is unknown.
func reportedLanguage(vec *vectorize.Result, i int) string {
	if vec.Inferred[i] {
		return ""
	}
	return vec.Languages[i]
}

// sameContent returns, per article, the index of the first article (in
// the canonical order of articles) of its story with the same outlet, title
// and text, white space aside, under another id: the same article read
// twice (from a CSV and as a text file), or -1. Articles are grouped by a
// hash of outlet and title, and compared whole within a group, so that no
// two articles are taken for one by a collision.
func sameContent(articles []data.Article, storyOf []int) []int {
	same := make([]int, len(articles))
	seed := maphash.MakeSeed()
	// The first article of each hash, and the rare others of one hash
	// that differ from it: a slice per hash would be an allocation per
	// article.
	first := make(map[uint64]int32, len(articles))
	others := map[uint64][]int32{}
	var h maphash.Hash
	for i := range articles {
		same[i] = -1
		a := &articles[i]
		h.SetSeed(seed)
		h.WriteString(a.Outlet)
		h.WriteByte(0)
		for w := range strings.FieldsSeq(a.Title) {
			h.WriteString(w)
			h.WriteByte(' ')
		}
		k := h.Sum64()
		j, seen := first[k]
		if !seen {
			first[k] = int32(i)
			continue
		}
		for _, j := range append([]int32{j}, others[k]...) {
			b := &articles[j]
			if storyOf[j] == storyOf[i] && a.Outlet == b.Outlet && sameWords(a.Title, b.Title) && sameWords(a.Text, b.Text) {
				same[i] = int(j)
				break
			}
		}
		if same[i] < 0 {
			others[k] = append(others[k], int32(i))
		}
	}
	return same
}

// sameWords reports whether a and b hold the same words, however spaced.
func sameWords(a, b string) bool {
	next, stop := iter.Pull(strings.FieldsSeq(b))
	defer stop()
	for w := range strings.FieldsSeq(a) {
		v, ok := next()
		if !ok || v != w {
			return false
		}
	}
	_, more := next()
	return !more
}
