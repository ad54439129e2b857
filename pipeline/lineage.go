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
	groups := make([][]int, len(stories))
	for s := range stories {
		groups[s] = stories[s].Members
	}
	return naming{previous: previous, key: func(i int) string { return priorKey(ids[i], previous[i]) }, id: storyID}.name(run, groups)
}

// priorKey is the name of a story or storyline that inherits no id, after
// its earliest article and the story or storyline that article was in.
func priorKey(articleID, previous string) string {
	if previous == "" {
		return articleID
	}
	return articleID + "@" + previous
}

// naming names the groups of a scheduled run (stories, or storylines) by
// the rules of nameStories. The units grouped are articles, or anything
// that stands for articles of one previous group (the closed part of a
// storyline).
type naming struct {
	previous []string            // per unit: its group before the run, or ""
	weight   []int               // per unit: how many articles it stands for; nil: one each
	key      func(u int) string  // what a group without an heir is named after, given its first unit
	id       func(string) string // the id of that name
}

func (nm naming) articles(u int) int {
	if nm.weight == nil {
		return 1
	}
	return nm.weight[u]
}

// name names groups (each a list of units, the earliest first) and
// returns the lineage rows of run.
func (nm naming) name(run string, groups [][]int) ([]string, []lineageRow) {
	shares := make([][]storyShare, len(groups))
	size := map[string]int{}
	for u, p := range nm.previous {
		if p != "" {
			size[p] += nm.articles(u)
		}
	}
	// successor: previous group -> the group that took most of its articles
	successor := map[string]struct{ group, n int }{}
	for g, units := range groups {
		counts := map[string]int{}
		for _, u := range units {
			if p := nm.previous[u]; p != "" {
				counts[p] += nm.articles(u)
			}
		}
		for p, n := range counts {
			shares[g] = append(shares[g], storyShare{p, n})
		}
		slices.SortFunc(shares[g], func(a, b storyShare) int { return strings.Compare(a.prev, b.prev) })
		for _, sh := range shares[g] {
			if best, ok := successor[sh.prev]; !ok || sh.n > best.n {
				successor[sh.prev] = struct{ group, n int }{g, sh.n}
			}
		}
	}

	used := map[string]bool{}
	for p := range size {
		used[p] = true
	}
	names := make([]string, len(groups))
	var lineage []lineageRow
	for g, units := range groups {
		heir, heirN := "", 0
		for _, sh := range shares[g] {
			if successor[sh.prev].group != g {
				continue
			}
			if heir == "" || sh.n > heirN || sh.n == heirN && size[sh.prev] > size[heir] {
				heir, heirN = sh.prev, sh.n
			}
		}
		if heir != "" {
			names[g] = heir
		} else {
			key := nm.key(units[0])
			names[g] = nm.id(key)
			for k := 2; used[names[g]]; k++ { // the same article split from the same story twice
				names[g] = nm.id(key + "#" + strconv.Itoa(k))
			}
		}
		used[names[g]] = true
		n := 0
		for _, u := range units {
			n += nm.articles(u)
		}
		if len(shares[g]) == 1 && shares[g][0].prev == heir && shares[g][0].n == n && size[heir] == n {
			continue // unchanged
		}
		if len(shares[g]) == 0 {
			lineage = append(lineage, lineageRow{RunID: run, ID: names[g], Relation: relNew, NArticles: n})
			continue
		}
		for _, sh := range shares[g] {
			rel := relSplit
			switch {
			case sh.prev == heir:
				rel = relContinue
			case successor[sh.prev].group == g:
				rel = relMerge
			}
			lineage = append(lineage, lineageRow{
				RunID: run, ID: names[g], PreviousID: sh.prev, Relation: rel,
				Overlap: float32(sh.n) / float32(size[sh.prev]), SharedArticles: sh.n, NArticles: n,
			})
		}
	}
	return names, lineage
}

// storyShare is how many of a story's articles were in the previous story prev.
type storyShare struct {
	prev string
	n    int
}
