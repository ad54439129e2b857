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
	Min   [sketchSize]uint32 // the high 32 bits of each minimum: a false match is a 1-in-4-billion chance
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

// sketch hashes the 4-grams of a body given as term ids into terms. hashes
// caches each term's hash by id (grown as needed, 0 for not yet hashed),
// so that a word is hashed once per chunk of documents, not once for each
// of the four shingles it is in.
func sketch(terms []string, body []int32, hashes *[]uint64) Sketch {
	var s Sketch
	if len(body)-shingle+1 < minShingles {
		return s
	}
	var mins [sketchSize]uint64
	for k := range mins {
		mins[k] = ^uint64(0)
	}
	if n := len(terms); len(*hashes) < n {
		*hashes = append(*hashes, make([]uint64, n-len(*hashes))...)
	}
	h := *hashes
	word := func(id int32) uint64 {
		if h[id] == 0 {
			// FNV-1a over the word's bytes, so that sketches do not depend
			// on the process.
			x := uint64(14695981039346656037)
			for j := 0; j < len(terms[id]); j++ {
				x = (x ^ uint64(terms[id][j])) * 1099511628211
			}
			h[id] = x | 1 // never 0, the mark of a word not yet hashed
		}
		return h[id]
	}
	for i := 0; i+shingle <= len(body); i++ {
		x := uint64(14695981039346656037)
		for _, id := range body[i : i+shingle] {
			x = (x ^ word(id)) * 1099511628211
			x ^= x >> 29
		}
		for k := range mins {
			// A cheap family of hash functions: x mixed with k.
			y := (x ^ uint64(k)*0x9E3779B97F4A7C15) * 0xBF58476D1CE4E5B9
			y ^= y >> 31
			if y < mins[k] {
				mins[k] = y
			}
		}
	}
	for k, m := range mins {
		s.Min[k] = uint32(m >> 32)
	}
	s.Valid = true
	return s
}
