package cluster

// pair is a heap entry: owner's best neighbour other, with their mean.
type pair struct {
	owner, other int32
	avg          float64
	looked       uint32 // how many times the owner had been looked at when pushed
	otherVersion uint32 // the version of other when pushed
}

// before orders the heap: highest mean first; ties go to the lowest
// (pair of ids, owner), so the merge order is fully determined by the input.
func (p pair) before(q pair) bool {
	if p.avg != q.avg {
		return p.avg > q.avg
	}
	pa, qa := min(p.owner, p.other), min(q.owner, q.other)
	if pa != qa {
		return pa < qa
	}
	pb, qb := max(p.owner, p.other), max(q.owner, q.other)
	if pb != qb {
		return pb < qb
	}
	return p.owner < q.owner
}

// pairHeap is a binary heap of pairs, typed to avoid boxing each push. A
// pair moves into the hole that sifting leaves rather than being swapped
// at every level, and a node has two children (BenchmarkPairHeap).
type pairHeap struct{ s []pair }

func (h *pairHeap) len() int { return len(h.s) }

func (h *pairHeap) push(p pair) {
	h.s = append(h.s, p)
	i := len(h.s) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !p.before(h.s[parent]) {
			break
		}
		h.s[i] = h.s[parent]
		i = parent
	}
	h.s[i] = p
}

func (h *pairHeap) pop() pair {
	top := h.s[0]
	last := len(h.s) - 1
	p := h.s[last]
	h.s = h.s[:last]
	if last > 0 {
		h.down(0, p)
	}
	return top
}

// init orders h.s as a heap.
func (h *pairHeap) init() {
	for i := len(h.s)/2 - 1; i >= 0; i-- {
		h.down(i, h.s[i])
	}
}

// down puts p at index i, or below it where it belongs.
func (h *pairHeap) down(i int, p pair) {
	for {
		m := 2*i + 1
		if m >= len(h.s) {
			break
		}
		if r := m + 1; r < len(h.s) && h.s[r].before(h.s[m]) {
			m = r
		}
		if !h.s[m].before(p) {
			break
		}
		h.s[i] = h.s[m]
		i = m
	}
	h.s[i] = p
}
