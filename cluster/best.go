package cluster

import "slices"

// keepBest appends to dst the k best of xs, where worse(a, b) says that a
// ranks below b, in no particular order: O(n log k). It keeps the best so
// far in a heap whose root is the worst of them.
func keepBest[T any](dst, xs []T, k int, worse func(a, b T) bool) []T {
	base := len(dst)
	dst = append(dst, xs[:min(k, len(xs))]...)
	h := dst[base:]
	down := func(i int) {
		for {
			c := 2*i + 1
			if c >= len(h) {
				return
			}
			if c+1 < len(h) && worse(h[c+1], h[c]) {
				c++
			}
			if !worse(h[c], h[i]) {
				return
			}
			h[i], h[c] = h[c], h[i]
			i = c
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	for _, x := range xs[len(h):] {
		if worse(h[0], x) {
			h[0] = x
			down(0)
		}
	}
	return dst
}

// bestFirst is keepBest with the k best sorted, best first.
func bestFirst[T any](dst, xs []T, k int, worse func(a, b T) bool) []T {
	best := keepBest(dst, xs, k, worse)
	slices.SortFunc(best[len(dst):], func(a, b T) int {
		if worse(a, b) {
			return 1
		}
		return -1
	})
	return best
}
