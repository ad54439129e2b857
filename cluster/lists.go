package cluster

import "math/bits"

// firstResolve is resolve for group a's list before any merge, when every
// entry names a live group: it adds up the entries that name one group
// (and adds those that name a to its inner sum), in place, in the order
// resolve does. Candidate pairs come once each; pairs given to AverageLink
// may repeat. pos is scratch space, -1 by item, as it is left.
func (l *linkage) firstResolve(a int32, pos []int32) {
	list := l.adj[a]
	m := 0
	for _, e := range list {
		if e.id == a {
			l.groups[a].inner += float64(e.capped)
			continue
		}
		if p := pos[e.id]; p >= 0 {
			list[p].sum += e.sum
			list[p].capped += e.capped
			continue
		}
		pos[e.id] = int32(m)
		list[m] = e
		m++
	}
	for _, e := range list[:m] {
		pos[e.id] = -1
	}
	l.adj[a] = list[:m]
}

func (l *linkage) find(x int32) int32 {
	for l.nodes[x].parent != x {
		l.nodes[x].parent = l.nodes[l.nodes[x].parent].parent
		x = l.nodes[x].parent
	}
	return x
}

// resolve sets the list of group a to the given lists (a's own first)
// rewritten so that every entry names a live group other than a, once,
// with the sums of the entries it replaces added. The entries of a's own
// list that name a (pairs within the group, after a merge) add their
// capped similarities to a's inner sum, in order. The list is built in
// scratch space, then copied into one of the lists given or a spare one
// (see below).
func (l *linkage) resolve(a int32, lists ...[]neighbour) {
	l.preload(lists)
	merged := l.scratch[:0]
	for n, list := range lists {
		for _, e := range list {
			k := l.find(e.id)
			if k == a {
				if n == 0 {
					l.groups[a].inner += float64(e.capped)
				}
				continue
			}
			if p := l.nodes[k].pos; p >= 0 {
				merged[p].sum += e.sum
				merged[p].capped += e.capped
				continue
			}
			l.nodes[k].pos = int32(len(merged))
			merged = append(merged, e)
			merged[len(merged)-1].id = k
		}
	}
	for _, e := range merged {
		l.nodes[e.id].pos = -1
	}
	l.scratch = merged
	// The merged list goes into the roomiest of the lists given (after a
	// merge, the absorbed group's list is free) or, when none is roomy
	// enough, into one from the lists set free before; the others are set
	// free. Lists made new for each merge would be garbage larger than the
	// lists the linkage starts with; recycled, the linkage allocates little
	// beyond them (BenchmarkAverageLink50k's B/op).
	keep := 0 // the list kept, by index in lists; -1 for a spare
	for n, list := range lists {
		if cap(list) > cap(lists[keep]) {
			keep = n
		}
	}
	dst := lists[keep]
	if cap(dst) < len(merged) {
		dst, keep = l.spare(len(merged)), -1
	}
	for n, list := range lists {
		if n != keep && cap(list) > 0 {
			l.release(list)
		}
	}
	l.adj[a] = append(dst[:0], merged...)
}

// preload reads the node of every entry of the lists, in a loop that does
// nothing else, before resolve reads them again. The entries name groups
// all over the corpus, so these reads go to memory. In resolve's loop,
// where each read is followed by the branches of find and of the folding,
// the reads wait one after another; in a loop of reads alone many are on
// their way at once, and resolve finds them in the cache. The sum of what
// is read is kept only so that the reads are not left out
// (BenchmarkAverageLink50k).
func (l *linkage) preload(lists [][]neighbour) {
	var sum int32
	for _, list := range lists {
		for _, e := range list {
			sum += l.nodes[e.id].parent
		}
	}
	l.preloaded += sum
}

// spare returns an empty list with room for n entries: one set free
// before if there is one in n's class, else a new one. A class holds the
// lists with room for 2^k to 2^(k+1)-1 entries, and a list taken from it
// has room for 2^(k+1)-1 or more.
func (l *linkage) spare(n int) []neighbour {
	k := bits.Len(uint(n)) // 2^k > n: any list of class k has room
	if k < len(l.free) {
		if f := l.free[k]; len(f) > 0 {
			list := f[len(f)-1]
			l.free[k] = f[:len(f)-1]
			return list
		}
	}
	return make([]neighbour, 0, 1<<k)
}

// release sets a list free for spare.
func (l *linkage) release(list []neighbour) {
	k := bits.Len(uint(cap(list))) - 1 // 2^k <= cap
	for len(l.free) <= k {
		l.free = append(l.free, nil)
	}
	l.free[k] = append(l.free[k], list[:0])
}
