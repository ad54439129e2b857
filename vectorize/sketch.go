package vectorize

import (
	"math"
	"slices"
)

// sketchSize is the number of smallest hashes a Sketch keeps.
const sketchSize = 32

// shingle is the number of consecutive body words hashed together.
const shingle = 4

// minShingles is the fewest shingles a body needs for a Sketch: shorter
// texts (headlines, one-line excerpts) match too easily by chance.
const minShingles = 20

// Sketch is a bottom-k MinHash sketch of a document body's word 4-grams
// (stop words removed): the sketchSize smallest distinct hashes of its
// 4-grams under one hash function. Two sketches estimate the Jaccard
// similarity of their 4-gram sets, the usual test for a republished text
// (see Resemblance). The zero Sketch belongs to a body too short to compare.
//
// One hash per 4-gram, most of them rejected with a single comparison,
// replaces the sketchSize hash functions per 4-gram of classic MinHash
// (BenchmarkSketch).
type Sketch struct {
	Min   [sketchSize]uint32 // ascending; the high 32 bits of each hash
	N     uint8              // entries of Min in use: fewer when the body has fewer distinct 4-grams
	Valid bool
}

// Resemblance estimates the Jaccard similarity of the 4-gram sets of two
// bodies; it is 0 when either is too short to compare. It takes the
// sketchSize smallest hashes of the two sketches together, which are those
// of the union of the two sets, and counts the share of them found in both.
func Resemblance(a, b Sketch) float64 {
	if !a.Valid || !b.Valid {
		return 0
	}
	x, y := a.Min[:a.N], b.Min[:b.N]
	union, both := 0, 0
	for union < sketchSize && (len(x) > 0 || len(y) > 0) {
		switch {
		case len(y) == 0 || len(x) > 0 && x[0] < y[0]:
			x = x[1:]
		case len(x) == 0 || y[0] < x[0]:
			y = y[1:]
		default:
			both++
			x, y = x[1:], y[1:]
		}
		union++
	}
	return float64(both) / float64(union)
}

// sketchScratch is one chunk's scratch space for sketch.
type sketchScratch struct {
	hashes []uint64 // by chunk term id: the word's hash, 0 for not yet hashed
	words  []uint64 // the body's words' hashes, in order
	grams  []uint32 // the body's 4-grams' hashes, in order
	low    []uint32 // those below the cut (see smallest)
}

// reset readies sc for a new chunk.
func (sc *sketchScratch) reset() { clear(sc.hashes) }

// sketch hashes the 4-grams of a body given as term ids into terms, and
// keeps the sketchSize smallest distinct hashes. Each word is hashed once
// per chunk of documents (the hashes are cached by term id) and read from
// that cache once per occurrence, not once per 4-gram it is in, and the
// smallest are picked by a cut (see smallest) rather than kept in order as
// they come, which takes a binary search that mispredicts (BenchmarkSketch).
func sketch(terms *termList, body []int32, sc *sketchScratch) Sketch {
	var s Sketch
	if len(body)-shingle+1 < minShingles {
		return s
	}
	if n := terms.len(); len(sc.hashes) < n {
		sc.hashes = append(sc.hashes, make([]uint64, n-len(sc.hashes))...)
	}
	h := sc.hashes
	words := slices.Grow(sc.words[:0], len(body))[:len(body)]
	for i, id := range body {
		if h[id] == 0 {
			// FNV-1a over the word's bytes, so that sketches do not depend
			// on the process.
			x := uint64(14695981039346656037)
			for _, c := range terms.term(id) {
				x = (x ^ uint64(c)) * 1099511628211
			}
			h[id] = x | 1 // never 0, the mark of a word not yet hashed
		}
		words[i] = h[id]
	}
	grams := slices.Grow(sc.grams[:0], len(words))[:len(words)-shingle+1]
	for i := range grams {
		x := uint64(14695981039346656037)
		for _, w := range words[i : i+shingle] {
			x = (x ^ w) * 1099511628211
			x ^= x >> 29
		}
		x *= 0xBF58476D1CE4E5B9
		x ^= x >> 31
		grams[i] = uint32(x >> 32)
	}
	sc.words, sc.grams = words, grams
	n := copy(s.Min[:], sc.smallest(grams))
	s.N, s.Valid = uint8(n), true
	return s
}

// smallest returns the sketchSize smallest distinct values of grams (or all
// of them, if fewer), ascending, in sc.low. The hashes are uniform, so about
// twice sketchSize of them lie below a cut at twice sketchSize in
// len(grams) of their range: those are taken in one pass without a branch,
// then sorted and made distinct. Should fewer than sketchSize distinct
// values lie below the cut, it is raised and they are taken again.
func (sc *sketchScratch) smallest(grams []uint32) []uint32 {
	low := slices.Grow(sc.low[:0], len(grams))[:len(grams)]
	sc.low = low
	cut := uint64(2*sketchSize) << 32 / uint64(len(grams))
	for {
		m := 0
		for _, v := range grams {
			low[m] = v
			m += int((uint64(v) - cut) >> 63) // 1 when v < cut
		}
		kept := low[:m]
		slices.Sort(kept)
		kept = slices.Compact(kept)
		if len(kept) >= sketchSize || cut > math.MaxUint32 {
			return kept[:min(len(kept), sketchSize)]
		}
		cut *= 4
	}
}
