package vectorize

import "slices"

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
// replaces the sketchSize hash functions per 4-gram of classic MinHash,
// which took a quarter of the vectorising time.
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

// sketch hashes the 4-grams of a body given as term ids into terms. hashes
// caches each term's hash by id (grown as needed, 0 for not yet hashed),
// so that a word is hashed once per chunk of documents, not once for each
// of the four shingles it is in.
func sketch(terms *termList, body []int32, hashes *[]uint64) Sketch {
	var s Sketch
	if len(body)-shingle+1 < minShingles {
		return s
	}
	if n := terms.len(); len(*hashes) < n {
		*hashes = append(*hashes, make([]uint64, n-len(*hashes))...)
	}
	h := *hashes
	word := func(id int32) uint64 {
		if h[id] == 0 {
			// FNV-1a over the word's bytes, so that sketches do not depend
			// on the process.
			x := uint64(14695981039346656037)
			for _, c := range terms.term(id) {
				x = (x ^ uint64(c)) * 1099511628211
			}
			h[id] = x | 1 // never 0, the mark of a word not yet hashed
		}
		return h[id]
	}
	n := 0
	for i := 0; i+shingle <= len(body); i++ {
		x := uint64(14695981039346656037)
		for _, id := range body[i : i+shingle] {
			x = (x ^ word(id)) * 1099511628211
			x ^= x >> 29
		}
		x *= 0xBF58476D1CE4E5B9
		x ^= x >> 31
		v := uint32(x >> 32)
		if n == sketchSize && v >= s.Min[n-1] {
			continue // the common case once the sketch is full
		}
		// Insert v in order, once.
		k, found := slices.BinarySearch(s.Min[:n], v)
		if found {
			continue
		}
		if n < sketchSize {
			n++
		}
		copy(s.Min[k+1:n], s.Min[k:n-1])
		s.Min[k] = v
	}
	s.N, s.Valid = uint8(n), true
	return s
}
