package cluster

import (
	"container/heap"
)

// AverageLink groups n items given the candidate edges: it repeatedly merges
// the two groups with the highest mean cross-pair similarity (absent pairs
// count as zero) while that mean is at least threshold. It returns a group
// label per item; labels are numbered 0, 1, … in order of each group's first
// item.
func AverageLink(n int, edges []Edge, threshold float64) []int {
	parent := make([]int32, n) // union-find over items; each root is a live group
	size := make([]int, n)
	nbr := make([]map[int32]float64, n) // group root -> neighbour root -> sum of similarities
	version := make([]uint32, n)
	for i := range parent {
		parent[i] = int32(i)
		size[i] = 1
	}
	for _, e := range edges {
		for _, p := range [2][2]int32{{e.I, e.J}, {e.J, e.I}} {
			if nbr[p[0]] == nil {
				nbr[p[0]] = map[int32]float64{}
			}
			nbr[p[0]][p[1]] += float64(e.Sim)
		}
	}
	h := &pairHeap{}
	for _, e := range edges {
		if float64(e.Sim) >= threshold {
			heap.Push(h, pair{a: e.I, b: e.J, avg: float64(e.Sim)})
		}
	}
	var find func(int32) int32
	find = func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for h.Len() > 0 {
		p := heap.Pop(h).(pair)
		if parent[p.a] != p.a || parent[p.b] != p.b || version[p.a] != p.va || version[p.b] != p.vb {
			continue // stale: one side has merged since
		}
		// Merge the smaller neighbour map into the larger; the lower index
		// stays root so that labels do not depend on map order.
		keep, gone := p.a, p.b
		if keep > gone {
			keep, gone = gone, keep
		}
		parent[gone] = keep
		size[keep] += size[gone]
		version[keep]++
		a, b := nbr[keep], nbr[gone]
		delete(a, gone)
		delete(b, keep)
		if len(a) < len(b) {
			a, b = b, a
		}
		for k, s := range b {
			a[k] += s
		}
		nbr[keep], nbr[gone] = a, nil
		for k, s := range a {
			m := nbr[k]
			m[keep] = s
			delete(m, gone)
			avg := s / float64(size[keep]*size[k])
			if avg >= threshold {
				x, y := keep, k
				if x > y {
					x, y = y, x
				}
				heap.Push(h, pair{a: x, b: y, avg: avg, va: version[x], vb: version[y]})
			}
		}
	}
	labels := make([]int, n)
	next := 0
	byRoot := map[int32]int{}
	for i := range labels {
		r := find(int32(i))
		l, ok := byRoot[r]
		if !ok {
			l = next
			byRoot[r] = l
			next++
		}
		labels[i] = l
	}
	return labels
}

type pair struct {
	a, b   int32 // group roots, a < b
	avg    float64
	va, vb uint32 // versions of a and b when pushed
}

// pairHeap pops the highest mean first; ties go to the lowest (a, b), so the
// merge order is fully determined by the input.
type pairHeap []pair

func (h pairHeap) Len() int { return len(h) }
func (h pairHeap) Less(i, j int) bool {
	if h[i].avg != h[j].avg {
		return h[i].avg > h[j].avg
	}
	if h[i].a != h[j].a {
		return h[i].a < h[j].a
	}
	return h[i].b < h[j].b
}
func (h pairHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *pairHeap) Push(x any)   { *h = append(*h, x.(pair)) }
func (h *pairHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
