package cluster

import (
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
	groups []map[int32]*pooledTerm
	// Stories counts the stories added.
	Stories int
}

type pooledTerm struct {
	weights, weighted float64 // Σ 1/σ², Σ δ/σ²
	stories           int
	own, other        float64
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
	p := &Pooled{bg: b, groups: make([]map[int32]*pooledTerm, groups)}
	for g := range p.groups {
		p.groups[g] = map[int32]*pooledTerm{}
	}
	return p
}

// AddStory adds one story: counts[g] holds the summed term counts of group
// g's articles in the story, sorted by term, empty for a group that did
// not cover it. A story that fewer than two groups covered is left out.
func (p *Pooled) AddStory(counts []vectorize.Vector) {
	var totals []float64
	covered := 0
	sum := map[int32]float64{}
	for _, c := range counts {
		var n float64
		for k, t := range c.Terms {
			n += float64(c.Weights[k])
			sum[t] += float64(c.Weights[k])
		}
		totals = append(totals, n)
		if n > 0 {
			covered++
		}
	}
	if covered < 2 || p.bg.total == 0 {
		return
	}
	p.Stories++
	var all float64
	for _, n := range totals {
		all += n
	}
	own := map[int32]float64{}
	for g, c := range counts {
		if totals[g] == 0 {
			continue
		}
		clear(own)
		for k, t := range c.Terms {
			own[t] = float64(c.Weights[k])
		}
		n, nRest := totals[g], all-totals[g]
		for t, s := range sum {
			a := priorMass * p.bg.counts[t] / p.bg.total
			if a == 0 {
				continue
			}
			y := own[t]
			yr := s - y
			if n+priorMass-y-a <= 0 || nRest+priorMass-yr-a <= 0 {
				continue
			}
			delta := math.Log((y+a)/(n+priorMass-y-a)) - math.Log((yr+a)/(nRest+priorMass-yr-a))
			w := 1 / (1/(y+a) + 1/(yr+a))
			pt := p.groups[g][t]
			if pt == nil {
				pt = &pooledTerm{}
				p.groups[g][t] = pt
			}
			pt.weights += w
			pt.weighted += w * delta
			pt.stories++
			pt.own += y
			pt.other += yr
		}
	}
}

// Terms returns up to n terms of group g with a pooled z of at least minZ,
// highest first (ties by term).
func (p *Pooled) Terms(g, n int, minZ float64) []PooledTerm {
	var out []PooledTerm
	for t, pt := range p.groups[g] {
		z := pt.weighted / math.Sqrt(pt.weights)
		if z >= minZ {
			out = append(out, PooledTerm{Term: t, Z: z, LogOdds: pt.weighted / pt.weights, Stories: pt.stories, Own: pt.own, Other: pt.other})
		}
	}
	slices.SortFunc(out, func(a, b PooledTerm) int {
		if a.Z != b.Z {
			if a.Z > b.Z {
				return -1
			}
			return 1
		}
		return int(a.Term - b.Term)
	})
	return out[:min(n, len(out))]
}
