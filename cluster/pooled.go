package cluster

import (
	"cmp"
	"math"
	"slices"

	"github.com/storyclust/storyclust/vectorize"
)

// Pooled compares groups of outlets (by lean, country…) over many stories:
// which terms one group uses more than the others when they tell the same
// story. Within each story that two or more groups covered, a group's
// counts are set against those of the other groups together by the
// weighted log-odds ratio with the informative Dirichlet prior of
// Distinctive (Monroe, Colaresi and Quinn 2008, "Fightin' Words"); the
// stories' estimates of a term are then pooled by inverse variance, each
// story weighted by the precision of its own estimate, over the stories
// in which the term occurs. Comparing within stories keeps what a group
// covered more often from passing for how it told it: a term of a story
// that only one group covered counts for nothing, and a story that one
// group covered at length weighs no more than its counts allow.
//
// For one group g and term w, in story s: y and n are g's count of w and
// of all terms, y' and n' the other groups', α the prior's pseudo-count of
// w (priorMass times w's share of the collection) and α0 = priorMass;
//
//	δ_s = log((y+α)/(n+α0−y−α)) − log((y'+α)/(n'+α0−y'−α))
//	σ²_s = 1/(y+α) + 1/(y'+α)
//
// and over the stories where y+y' > 0, with weights 1/σ²_s,
//
//	δ = Σ δ_s/σ²_s / Σ 1/σ²_s,  z = δ · √(Σ 1/σ²_s).
type Pooled struct {
	bg     *Background
	groups []pooledGroup
	// sum and own are scratch space by term, zero between stories.
	sum, own []float64
	touched  []int32
	// Stories counts the stories added.
	Stories int
}

// pooledGroup holds one group's sums by term: Σ 1/σ², Σ δ/σ², the
// stories, and the counts of the group and of the others. The arrays are
// dense: AddStory visits every term of every story it compares.
type pooledGroup struct {
	weights, weighted, own, other []float64
	stories                       []int32
}

// PooledTerm is one term of one group in a pooled comparison.
type PooledTerm struct {
	Term int32
	// Z is the pooled z-score, LogOdds the pooled δ (positive: the group
	// uses the term more).
	Z, LogOdds float64
	// Stories counts the stories compared in which the term occurs; Own
	// and Other are its counts in them, in the group's articles and in
	// the other groups'.
	Stories    int
	Own, Other float64
}

// NewPooled starts a comparison of groups groups with b as the prior.
func (b *Background) NewPooled(groups int) *Pooled {
	n := len(b.counts)
	p := &Pooled{bg: b, groups: make([]pooledGroup, groups), sum: make([]float64, n), own: make([]float64, n)}
	for g := range p.groups {
		p.groups[g] = pooledGroup{
			weights: make([]float64, n), weighted: make([]float64, n), own: make([]float64, n), other: make([]float64, n),
			stories: make([]int32, n),
		}
	}
	return p
}

// AddStory adds one story: counts[g] holds the summed term counts of group
// g's articles in the story, empty for a group that did not cover it. A
// story that fewer than two groups covered is left out.
func (p *Pooled) AddStory(counts []vectorize.Vector) {
	totals := make([]float64, len(counts))
	covered := 0
	var all float64
	for g, c := range counts {
		for _, w := range c.Weights {
			totals[g] += float64(w)
		}
		if totals[g] > 0 {
			covered++
		}
		all += totals[g]
	}
	if covered < 2 || p.bg.total == 0 {
		return
	}
	p.Stories++
	for _, c := range counts {
		for k, t := range c.Terms {
			if p.sum[t] == 0 {
				p.touched = append(p.touched, t)
			}
			p.sum[t] += float64(c.Weights[k])
		}
	}
	for g, c := range counts {
		if totals[g] == 0 {
			continue
		}
		for k, t := range c.Terms {
			p.own[t] = float64(c.Weights[k])
		}
		n, nRest := totals[g], all-totals[g]
		pg := &p.groups[g]
		for _, t := range p.touched {
			a := priorMass * p.bg.counts[t] / p.bg.total
			if a == 0 {
				continue
			}
			y := p.own[t]
			yr := p.sum[t] - y
			if n+priorMass-y-a <= 0 || nRest+priorMass-yr-a <= 0 {
				continue
			}
			delta := math.Log((y+a)/(n+priorMass-y-a)) - math.Log((yr+a)/(nRest+priorMass-yr-a))
			w := 1 / (1/(y+a) + 1/(yr+a))
			pg.weights[t] += w
			pg.weighted[t] += w * delta
			pg.stories[t]++
			pg.own[t] += y
			pg.other[t] += yr
		}
		for _, t := range c.Terms {
			p.own[t] = 0
		}
	}
	for _, t := range p.touched {
		p.sum[t] = 0
	}
	p.touched = p.touched[:0]
}

// Terms returns up to n terms of group g with a pooled z of at least minZ,
// highest first (ties by term).
func (p *Pooled) Terms(g, n int, minZ float64) []PooledTerm {
	var out []PooledTerm
	pg := &p.groups[g]
	for t, w := range pg.weights {
		if w == 0 {
			continue
		}
		if z := pg.weighted[t] / math.Sqrt(w); z >= minZ {
			out = append(out, PooledTerm{Term: int32(t), Z: z, LogOdds: pg.weighted[t] / w, Stories: int(pg.stories[t]), Own: pg.own[t], Other: pg.other[t]})
		}
	}
	slices.SortFunc(out, func(a, b PooledTerm) int { return cmp.Or(cmp.Compare(b.Z, a.Z), cmp.Compare(a.Term, b.Term)) })
	return out[:min(n, len(out))]
}
