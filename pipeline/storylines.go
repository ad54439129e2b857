package pipeline

import (
	"cmp"
	"slices"
	"time"

	"github.com/storyclust/storyclust/cluster"
	"github.com/storyclust/storyclust/data/table"
	"github.com/storyclust/storyclust/vectorize"
)

// Storylines in scheduled runs. A run links its stories (those of the new
// articles and of the state's live ones) together with the closed parts of
// the state's open storylines, each one thread of the linkage (see
// lineRow). A closed story never changes storyline; a live story may, as
// it may change story. Storylines are named as stories are (see naming):
// an open storyline's id passes to the storyline that took most of its
// articles, closed and live.

// lineTerms is how many of its heaviest terms the centroid of an open
// storyline's closed part keeps in the state.
const lineTerms = 4 * storylineTerms

// partThreads returns the closed parts of the open storylines lines as
// threads of the storyline linkage, with the lines they stand for, and
// the run's terms followed by those of the parts that the run's articles
// do not use (numbered after them). A part's centroid is kept without idf
// (see nextLines) and weighed here by the run's, as the stories' are: the
// runs before knew fewer documents.
func partThreads(lines []lineRow, terms []string, df *vectorize.DocFreq) ([]lineRow, []cluster.Thread, []string) {
	want := map[string]int32{}
	for _, l := range lines {
		for _, t := range l.Terms {
			want[t] = -1
		}
	}
	for id, t := range terms {
		if _, ok := want[t]; ok {
			want[t] = int32(id)
		}
	}
	all := slices.Clip(terms) // appended to, never written into
	var parts []lineRow
	var threads []cluster.Thread
	for _, l := range lines {
		if l.Articles == 0 || len(l.Terms) == 0 {
			continue // all its stories are live
		}
		v := vectorize.Vector{Terms: make([]int32, len(l.Terms)), Weights: make([]float32, len(l.Terms))}
		for k, t := range l.Terms {
			v.Weights[k] = float32(float64(l.Weights[k]) * df.IDF(t))
			if want[t] < 0 {
				want[t] = int32(len(all))
				all = append(all, t)
			}
			v.Terms[k] = want[t]
		}
		vectorize.SortByTerm(v)
		if norm := vectorize.Norm(v); norm > 0 {
			for k := range v.Weights {
				v.Weights[k] = float32(float64(v.Weights[k]) / norm)
			}
		}
		parts = append(parts, l)
		threads = append(threads, cluster.Thread{Centroid: v, Articles: l.Articles, First: l.First, Last: l.Last, Lang: l.Lang, Closed: true})
	}
	return parts, threads, all
}

// nameStorylines names the storylines of a scheduled run by the rules of
// nameStories: the units are the articles, each with the storyline its
// story was in, and the closed parts of the open storylines, each standing
// for its articles. A storyline without an heir is named after its
// earliest story's earliest article (and that article's storyline before),
// or, when all it holds are closed parts, after the first of them.
func nameStorylines(r *processed, run string) ([]string, []lineageRow) {
	n := len(r.articles)
	previous := slices.Clone(r.carried.previousLine)
	weight := make([]int, n, n+len(r.parts))
	for i := range weight {
		weight[i] = 1
	}
	for _, p := range r.parts {
		previous = append(previous, p.StorylineID)
		weight = append(weight, p.Articles)
	}
	groups := make([][]int, cluster.LabelCount(r.storylineOf))
	for s, l := range r.storylineOf {
		if s < len(r.stories) {
			groups[l] = append(groups[l], r.stories[s].Members...)
		} else {
			groups[l] = append(groups[l], n+s-len(r.stories))
		}
	}
	key := func(u int) string {
		if u >= n {
			return "@" + previous[u]
		}
		return priorKey(r.ids[u], previous[u])
	}
	return naming{previous: previous, weight: weight, key: key, id: storylineID}.name(run, groups)
}

// earliest returns the earlier of two times, zero meaning none.
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}

// latest returns the later of two times.
func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// addPart counts the closed part of an open storyline into storyline l.
func (ss *storylineSummary) addPart(l int, p *lineRow) {
	row := &ss.rows[l]
	if p.LabelArticles > ss.largest[l] {
		ss.largest[l], row.Label = p.LabelArticles, p.Label
	}
	row.NStories += p.Stories
	row.NArticles += p.Articles
	row.NUndated += p.Undated
	for _, o := range p.Outlets {
		ss.outlets[l][o] = true
	}
	row.First, row.Last = earliest(row.First, p.First), latest(row.Last, p.Last)
}

// partRow is the row of a storyline that merged into another in this run:
// its closed stories keep its id, and its row sums them up alone.
func partRow(p lineRow) table.StorylineRow {
	order := make([]int, len(p.Terms))
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(p.Weights[b], p.Weights[a]) })
	terms := make([]string, 0, distinctiveTerms)
	for _, k := range order[:min(len(order), distinctiveTerms)] {
		terms = append(terms, p.Terms[k])
	}
	return table.StorylineRow{
		StorylineID: p.StorylineID, Label: p.Label, TopTerms: terms, NStories: p.Stories, NArticles: p.Articles,
		NOutlets: len(p.Outlets), First: p.First, Last: p.Last, NUndated: p.Undated,
	}
}

// nextLines returns the open storylines after a scheduled run, named lids:
// those with a story that stays live (live[s]), and those whose latest
// dated article is within window before horizon. Each keeps its closed
// part: the state's closed parts in it and its stories that close now.
// at is where each storyline's row is in the output.
func nextLines(r *processed, lids []string, live []bool, horizon time.Time, window time.Duration, at map[string]lineRowAt) []lineRow {
	nl := len(lids)
	closed := make([]int, len(r.threads)) // label of each closed thread, or -1
	hasLive := make([]bool, nl)
	lines := make([]lineRow, nl)
	outlets := make([]map[string]bool, nl)
	for l := range lines {
		lines[l].StorylineID, lines[l].Row = lids[l], at[lids[l]]
		outlets[l] = map[string]bool{}
	}
	for s, l := range r.storylineOf {
		closed[s] = l
		if s < len(r.stories) && live[s] {
			closed[s], hasLive[l] = -1, true
			continue
		}
		t := &r.threads[s]
		line := &lines[l]
		if line.Lang == "" {
			line.Lang = t.Lang
		}
		line.First, line.Last = earliest(line.First, t.First), latest(line.Last, t.Last)
		if s >= len(r.stories) {
			p := &r.parts[s-len(r.stories)]
			line.Stories += p.Stories
			line.Articles += p.Articles
			line.Undated += p.Undated
			if p.LabelArticles > line.LabelArticles {
				line.Label, line.LabelArticles = p.Label, p.LabelArticles
			}
			for _, o := range p.Outlets {
				outlets[l][o] = true
			}
			continue
		}
		st := &r.stories[s]
		line.Stories++
		line.Articles += len(st.Members)
		if len(st.Members) > line.LabelArticles {
			line.Label, line.LabelArticles = r.articles[st.Representative].Title, len(st.Members)
		}
		for _, i := range st.Members {
			a := &r.articles[i]
			if a.Published.IsZero() {
				line.Undated++
			}
			if a.Outlet != "" {
				outlets[l][a.Outlet] = true
			}
		}
	}
	centroids := cluster.StorylineCentroids(r.threads, closed, lineTerms)
	cutoff := horizon.Add(-window)
	var open []lineRow
	for l := range lines {
		line := &lines[l]
		if !hasLive[l] && (line.Last.IsZero() || line.Last.Before(cutoff)) {
			continue
		}
		if l < len(centroids) {
			// Without idf: each weight over the idf of its term, which the
			// next run weighs again by its own (see partThreads).
			c := centroids[l]
			for k, t := range c.Terms {
				term := r.termName(t)
				if idf := r.vec.DocFreq.IDF(term); idf > 0 {
					line.Terms, line.Weights = append(line.Terms, term), append(line.Weights, float32(float64(c.Weights[k])/idf))
				}
			}
		}
		for o := range outlets[l] {
			line.Outlets = append(line.Outlets, o)
		}
		slices.Sort(line.Outlets)
		open = append(open, *line)
	}
	return open
}
