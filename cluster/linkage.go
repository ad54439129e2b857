package cluster

// AverageLink groups n items given the candidate edges: it repeatedly merges
// the two groups with the highest mean cross-pair similarity (absent pairs
// count as zero) while that mean is at least threshold. It returns a group
// label per item; labels are numbered 0, 1, … in order of each group's first
// item.
//
// Each group keeps a list of (neighbour, summed similarity) entries. The
// lists of a group's neighbours are not rewritten when it merges: their
// entries may name a group that has since merged into another, and are
// resolved (through union-find, adding up entries that now name the same
// group) when the list is next used. A merge then costs the length of the
// two merging lists plus a heap push per neighbour.
func AverageLink(n int, edges []Edge, threshold float64) []int {
	l := newLinkage(n, edges)
	for _, e := range edges {
		if float64(e.Sim) >= threshold {
			l.h.push(pair{a: e.I, b: e.J, avg: float64(e.Sim)})
		}
	}
	for l.h.len() > 0 {
		p := l.h.pop()
		if l.parent[p.a] != p.a || l.parent[p.b] != p.b || l.version[p.a] != p.va || l.version[p.b] != p.vb {
			continue // stale: one side has merged since
		}
		l.merge(p.a, p.b, threshold)
	}
	labels := make([]int, n)
	byRoot := make([]int32, n)
	for i := range byRoot {
		byRoot[i] = -1
	}
	next := int32(0)
	for i := range labels {
		r := l.find(int32(i))
		if byRoot[r] < 0 {
			byRoot[r] = next
			next++
		}
		labels[i] = int(byRoot[r])
	}
	return labels
}

type neighbour struct {
	id  int32 // a group root when written; may have merged since
	sum float64
}

type linkage struct {
	parent  []int32 // union-find; a root is a live group
	size    []int32
	version []uint32
	adj     [][]neighbour
	pos     []int32 // scratch: index of a group in the list being merged, or -1
	h       pairHeap
}

func newLinkage(n int, edges []Edge) *linkage {
	l := &linkage{
		parent: make([]int32, n), size: make([]int32, n), version: make([]uint32, n),
		adj: make([][]neighbour, n), pos: make([]int32, n),
	}
	deg := make([]int32, n)
	for _, e := range edges {
		deg[e.I]++
		deg[e.J]++
	}
	for i := range l.parent {
		l.parent[i] = int32(i)
		l.size[i] = 1
		l.pos[i] = -1
		l.adj[i] = make([]neighbour, 0, deg[i])
	}
	for _, e := range edges {
		l.adj[e.I] = append(l.adj[e.I], neighbour{e.J, float64(e.Sim)})
		l.adj[e.J] = append(l.adj[e.J], neighbour{e.I, float64(e.Sim)})
	}
	return l
}

func (l *linkage) find(x int32) int32 {
	for l.parent[x] != x {
		l.parent[x] = l.parent[l.parent[x]]
		x = l.parent[x]
	}
	return x
}

// merge joins groups a and b (roots, a < b) into a: the lower index stays
// root so that labels do not depend on merge order. It pushes the new mean
// to every neighbour that reaches threshold.
func (l *linkage) merge(a, b int32, threshold float64) {
	l.parent[b] = a
	l.size[a] += l.size[b]
	l.version[a]++
	merged := make([]neighbour, 0, len(l.adj[a])+len(l.adj[b]))
	for _, list := range [2][]neighbour{l.adj[a], l.adj[b]} {
		for _, e := range list {
			k := l.find(e.id)
			if k == a {
				continue
			}
			if p := l.pos[k]; p >= 0 {
				merged[p].sum += e.sum
				continue
			}
			l.pos[k] = int32(len(merged))
			merged = append(merged, neighbour{k, e.sum})
		}
	}
	l.adj[a], l.adj[b] = merged, nil
	for _, e := range merged {
		l.pos[e.id] = -1
		if avg := e.sum / (float64(l.size[a]) * float64(l.size[e.id])); avg >= threshold {
			x, y := a, e.id
			if x > y {
				x, y = y, x
			}
			l.h.push(pair{a: x, b: y, avg: avg, va: l.version[x], vb: l.version[y]})
		}
	}
}

type pair struct {
	a, b   int32 // group roots, a < b
	avg    float64
	va, vb uint32 // versions of a and b when pushed
}

// before orders the heap: highest mean first; ties go to the lowest (a, b),
// so the merge order is fully determined by the input.
func (p pair) before(q pair) bool {
	if p.avg != q.avg {
		return p.avg > q.avg
	}
	if p.a != q.a {
		return p.a < q.a
	}
	return p.b < q.b
}

// pairHeap is a binary heap of pairs, typed to avoid boxing each push.
type pairHeap struct{ s []pair }

func (h *pairHeap) len() int { return len(h.s) }

func (h *pairHeap) push(p pair) {
	h.s = append(h.s, p)
	for i := len(h.s) - 1; i > 0; {
		parent := (i - 1) / 2
		if !h.s[i].before(h.s[parent]) {
			break
		}
		h.s[i], h.s[parent] = h.s[parent], h.s[i]
		i = parent
	}
}

func (h *pairHeap) pop() pair {
	top := h.s[0]
	last := len(h.s) - 1
	h.s[0] = h.s[last]
	h.s = h.s[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < last && h.s[l].before(h.s[m]) {
			m = l
		}
		if r < last && h.s[r].before(h.s[m]) {
			m = r
		}
		if m == i {
			break
		}
		h.s[i], h.s[m] = h.s[m], h.s[i]
		i = m
	}
	return top
}
