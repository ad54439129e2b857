package pipeline

import (
	"slices"
	"strconv"
	"strings"

	"github.com/storyclust/storyclust/cluster"
)

// Relations of a story to a story of the run before, in story_lineage.
const (
	relContinue = "continue" // the story kept its id and gained or lost articles
	relMerge    = "merge"    // the previous story's articles went mostly into this story, which has another id
	relSplit    = "split"    // some of the previous story's articles left it for this story
	relNew      = "new"      // no article of this story was in a story before
)

// nameStories names the stories of a scheduled run, given each article's
// story before the run (previous[i], "" for articles new to this run).
//
// Each previous story's id passes to the story that took most of its
// articles (ties to the earlier story), and when several previous stories
// went mostly into one story, it keeps the id of the one it shares most
// articles with (ties to the larger, then the smaller id). A story that
// inherits no id is named after its earliest article and, when that
// article was in a story before, that story (with a counter in the rare
// case that the name is taken): no two live stories share an id, and the
// names do not depend on how the runs were numbered, so a run killed after
// its commit and run again names stories alike.
//
// The lineage has a row per pair of story and previous story that share
// articles, and a "new" row per story without previous articles; a story
// whose articles are exactly those of one previous story has no rows.
func nameStories(run string, ids []string, stories []cluster.Story, previous []string) ([]string, []lineageRow) {
	shares := make([][]storyShare, len(stories))
	size := map[string]int{}
	for _, p := range previous {
		if p != "" {
			size[p]++
		}
	}
	// successor: previous story -> the story that took most of its articles
	successor := map[string]struct{ story, n int }{}
	for s, story := range stories {
		counts := map[string]int{}
		for _, i := range story.Members {
			if p := previous[i]; p != "" {
				counts[p]++
			}
		}
		for p, n := range counts {
			shares[s] = append(shares[s], storyShare{p, n})
		}
		slices.SortFunc(shares[s], func(a, b storyShare) int { return strings.Compare(a.prev, b.prev) })
		for _, sh := range shares[s] {
			if best, ok := successor[sh.prev]; !ok || sh.n > best.n {
				successor[sh.prev] = struct{ story, n int }{s, sh.n}
			}
		}
	}

	used := map[string]bool{}
	for p := range size {
		used[p] = true
	}
	sids := make([]string, len(stories))
	var lineage []lineageRow
	for s, story := range stories {
		heir, heirN := "", 0
		for _, sh := range shares[s] {
			if successor[sh.prev].story != s {
				continue
			}
			if heir == "" || sh.n > heirN || sh.n == heirN && size[sh.prev] > size[heir] {
				heir, heirN = sh.prev, sh.n
			}
		}
		first := story.Members[0]
		if heir != "" {
			sids[s] = heir
		} else {
			name := ids[first]
			if previous[first] != "" {
				name += "@" + previous[first]
			}
			sids[s] = storyID(name)
			for k := 2; used[sids[s]]; k++ { // the same article split from the same story twice
				sids[s] = storyID(name + "#" + strconv.Itoa(k))
			}
		}
		used[sids[s]] = true
		n := len(story.Members)
		if len(shares[s]) == 1 && shares[s][0].prev == heir && shares[s][0].n == n && size[heir] == n {
			continue // unchanged
		}
		if len(shares[s]) == 0 {
			lineage = append(lineage, lineageRow{RunID: run, StoryID: sids[s], Relation: relNew, NArticles: n})
			continue
		}
		for _, sh := range shares[s] {
			rel := relSplit
			switch {
			case sh.prev == heir:
				rel = relContinue
			case successor[sh.prev].story == s:
				rel = relMerge
			}
			lineage = append(lineage, lineageRow{
				RunID: run, StoryID: sids[s], PreviousStoryID: sh.prev, Relation: rel,
				Overlap: float32(sh.n) / float32(size[sh.prev]), SharedArticles: sh.n, NArticles: n,
			})
		}
	}
	return sids, lineage
}

// storyShare is how many of a story's articles were in the previous story prev.
type storyShare struct {
	prev string
	n    int
}
