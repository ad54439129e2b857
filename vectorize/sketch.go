package vectorize

// sketchSize is the number of minimum hashes in a Sketch.
const sketchSize = 32

// shingle is the number of consecutive body words hashed together.
const shingle = 4

// minShingles is the fewest shingles a body needs for a Sketch: shorter
// texts (headlines, one-line excerpts) match too easily by chance.
const minShingles = 20

// Sketch is a MinHash sketch of a document body's word 4-grams (stop words
// removed): the share of equal entries of two sketches estimates the
// Jaccard similarity of their 4-gram sets, the usual test for a republished
// text. The zero Sketch belongs to a body too short to compare.
type Sketch struct {
	Min   [sketchSize]uint64
	Valid bool
}

// Resemblance estimates the Jaccard similarity of the 4-gram sets of two
// bodies; it is 0 when either is too short to compare.
func Resemblance(a, b Sketch) float64 {
	if !a.Valid || !b.Valid {
		return 0
	}
	same := 0
	for k := range a.Min {
		if a.Min[k] == b.Min[k] {
			same++
		}
	}
	return float64(same) / sketchSize
}

// sketch hashes the 4-grams of a body given as term ids into terms.
func sketch(terms []string, body []int32) Sketch {
	var s Sketch
	if len(body)-shingle+1 < minShingles {
		return s
	}
	for k := range s.Min {
		s.Min[k] = ^uint64(0)
	}
	for i := 0; i+shingle <= len(body); i++ {
		// FNV-1a over the words, so that sketches do not depend on the
		// process and can be compared across runs.
		x := uint64(14695981039346656037)
		for _, id := range body[i : i+shingle] {
			for j := 0; j < len(terms[id]); j++ {
				x = (x ^ uint64(terms[id][j])) * 1099511628211
			}
			x = (x ^ 0xff) * 1099511628211
		}
		for k := range s.Min {
			// A cheap family of hash functions: x mixed with k.
			y := (x ^ uint64(k)*0x9E3779B97F4A7C15) * 0xBF58476D1CE4E5B9
			y ^= y >> 31
			if y < s.Min[k] {
				s.Min[k] = y
			}
		}
	}
	s.Valid = true
	return s
}
