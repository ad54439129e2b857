package cluster

import (
	"math"
	"slices"

	"github.com/storyclust/storyclust/vectorize"
)

// copyMinResemblance is the estimated Jaccard similarity of two bodies'
// word 4-grams above which the later is a copy of the earlier.
const copyMinResemblance = 0.6

// WireCopies returns, per item, the index of the article it republishes, or
// -1: within a story, an article whose body nearly repeats (by MinHash
// resemblance of word 4-grams, see vectorize.Sketch) that of an earlier
// article from another outlet. Dated articles come first, by time; undated
// ones after, in item order. A copy of a copy points to the original.
// outlets and sketches are per item.
func WireCopies(items []Item, outlets []string, sketches []vectorize.Sketch, stories []Story) []int {
	copyOf := make([]int, len(items))
	for i := range copyOf {
		copyOf[i] = -1
	}
	var order []int
	for _, st := range stories {
		order = append(order[:0], st.Members...)
		slices.SortStableFunc(order, func(a, b int) int {
			az, bz := items[a].Time.IsZero(), items[b].Time.IsZero()
			switch {
			case az == bz:
				return 0 // members are in canonical order already
			case az:
				return 1
			default:
				return -1
			}
		})
		for x, i := range order {
			if !sketches[i].Valid {
				continue
			}
			for _, j := range order[:x] {
				if outlets[j] == outlets[i] || vectorize.Resemblance(sketches[i], sketches[j]) < copyMinResemblance {
					continue
				}
				copyOf[i] = j
				if copyOf[j] >= 0 {
					copyOf[i] = copyOf[j]
				}
				break
			}
		}
	}
	return copyOf
}

// Fightin' Words: priorMass is the total pseudo-count of the informative
// Dirichlet prior, spread over terms in proportion to their frequency in
// the whole collection.
const priorMass = 1000

// minScore is the smallest z-score listed: below it an outlet used the term
// about as much as the others (z ≥ 1.96 is the usual mark of a clear
// difference, which a story of a few articles seldom reaches).
const minScore = 0.5

// TermScore is a term with its z-score.
type TermScore struct {
	Term  int32
	Score float32
}

// Background is the collection's term counts, the prior of the log-odds.
type Background struct {
	counts map[int32]float64
	total  float64
}

// NewBackground sums the term counts of every document.
func NewBackground(counts []vectorize.Vector) *Background {
	b := &Background{counts: map[int32]float64{}}
	for _, v := range counts {
		for k, t := range v.Terms {
			b.counts[t] += float64(v.Weights[k])
			b.total += float64(v.Weights[k])
		}
	}
	return b
}

// Distinctive returns up to n terms that one outlet used more than the
// others in the same story, by the weighted log-odds ratio with an
// informative Dirichlet prior (Monroe, Colaresi and Quinn 2008, "Fightin'
// Words"), as z-scores, highest first; only terms the outlet used, with a
// score of at least minScore. own and rest are term counts summed over the outlet's
// articles and over the other outlets' articles in the story.
func (b *Background) Distinctive(own, rest map[int32]float64, n int) []TermScore {
	if b.total == 0 || len(rest) == 0 {
		return nil
	}
	var nOwn, nRest float64
	for _, c := range own {
		nOwn += c
	}
	for _, c := range rest {
		nRest += c
	}
	var out []TermScore
	for t, y := range own {
		a := priorMass * b.counts[t] / b.total
		if a == 0 {
			continue
		}
		yr := rest[t]
		if nOwn+priorMass-y-a <= 0 || nRest+priorMass-yr-a <= 0 {
			continue // a collection of one term: nothing to compare
		}
		delta := math.Log((y+a)/(nOwn+priorMass-y-a)) - math.Log((yr+a)/(nRest+priorMass-yr-a))
		z := delta / math.Sqrt(1/(y+a)+1/(yr+a))
		if z >= minScore {
			out = append(out, TermScore{Term: t, Score: float32(z)})
		}
	}
	slices.SortFunc(out, func(x, y TermScore) int {
		if x.Score != y.Score {
			if x.Score > y.Score {
				return -1
			}
			return 1
		}
		return int(x.Term - y.Term)
	})
	return out[:min(n, len(out))]
}
