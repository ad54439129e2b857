package vectorize

import "math"

// Vector is a sparse vector: term ids in increasing order and their weights.
type Vector struct {
	Terms   []int32
	Weights []float32
}

// Len returns the number of non-zero entries.
func (v Vector) Len() int { return len(v.Terms) }

// Dot returns the dot product of two vectors, by merging their sorted terms.
func Dot(a, b Vector) float64 {
	var s float64
	i, j := 0, 0
	for i < len(a.Terms) && j < len(b.Terms) {
		switch ta, tb := a.Terms[i], b.Terms[j]; {
		case ta == tb:
			s += float64(a.Weights[i]) * float64(b.Weights[j])
			i++
			j++
		case ta < tb:
			i++
		default:
			j++
		}
	}
	return s
}

// Norm returns the Euclidean length of v.
func Norm(v Vector) float64 {
	var s float64
	for _, w := range v.Weights {
		s += float64(w) * float64(w)
	}
	return math.Sqrt(s)
}
