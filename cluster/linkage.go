package cluster

import (
	"context"
	"math"
	"slices"
	"sync"

	"github.com/storyclust/storyclust/vectorize/parallel"
)

// AverageLink groups items, given their languages and the candidate edges:
// it repeatedly merges the two groups with the highest mean cross-pair
// similarity (absent pairs count as zero) while that mean is at least
// threshold, and while two groups of one language are not far tighter
// within than between (see separated). It returns a group label per item;
// labels are numbered 0, 1, … in order of each group's first item.
//
// Each group keeps a list of (neighbour, summed similarity) entries. The
// lists of a group's neighbours are not rewritten when it merges: their
// entries may name a group that has since merged into another, and are
// resolved (through union-find, adding up entries that now name the same
// group) when the list is next used. A merge costs the length of the two
// merging lists. Merged lists go into the lists they replace or into lists
// freed before (see spare), so that the linkage allocates little beyond
// the lists it starts with.
//
// Reading a group's list for its best neighbour (a look) pushes the best
// pair into a heap and holds back the next few (see look). Groups change
// only by merging, and a merged group is looked at. So of any two groups,
// the one looked at last ranked their pair, and neither has changed since:
// the pair ranks at most as high as that group's entry in the heap, or is
// one of its held pairs, which go into the heap in turn as its entries
// turn out stale, or is one of the rest, and the group is looked at again
// when it has no entry left in the heap (unless none of the rest could
// reach the threshold). The heap's top, when both its groups are unchanged
// since it was pushed, is therefore the best pair, and a merge need look
// at the merged group only. An entry pushed before its owner was last
// looked at is dropped; one whose other group has changed puts its owner's
// next held pair into the heap, or, when there is none, has the owner
// looked at again. Holding pairs back saves looks at groups and pushes of
// a merged group's pairs for its neighbours (BenchmarkAverageLink50k); the
// labels are those of the plain algorithm (TestAverageLinkMatchesReference).
func AverageLink(langs []string, edges []Edge, threshold float64) []int {
	labels, _ := averageLink(context.Background(), linkItems{langs: langs}, [][]Edge{edges}, threshold, 1)
	return labels
}

// linkItems are what the linkage knows of the items besides their edges:
// their languages and, when times is not nil, their times (Unix seconds,
// noDate for an undated item) with the window beyond which two groups'
// dated items keep them apart (see apart).
type linkItems struct {
	langs  []string
	times  []int64
	window int64
}

// averageLink is AverageLink with the edges in blocks; it lets each block
// go (sets it to nil) once its edges are in the neighbour lists. Up to
// workers goroutines make the lists and take the first look at each item
// (see lookAll); the merges, one at a time, are on one. The labels do not
// depend on workers.
// It stops with ctx's error once ctx is done.
func averageLink(ctx context.Context, items linkItems, edges [][]Edge, threshold float64, workers int) ([]int, error) {
	langs, times := items.langs, items.times
	n := len(langs)
	l := newLinkage(langs, edges, threshold, workers)
	l.window = items.window
	// Only undated items can join groups apart in time: without both
	// dated and undated items there is nothing to check (the two cases of
	// BenchmarkAverageLink50k).
	if dated := n - count(times, noDate); times != nil && dated > 0 && dated < n {
		l.spans = make([]span, n)
		for i, t := range times {
			l.spans[i] = span{t, t}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l.lookAll(workers)
	for pops := 0; l.heap.len() > 0; pops++ {
		if pops%cancelCheck == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		p := l.heap.pop()
		if l.nodes[p.owner].parent != p.owner {
			continue // the owner has merged into another group
		}
		if l.groups[p.owner].looked != p.looked {
			// The owner has been looked at since (and has merged, if it
			// has): what the heap holds for it from then on bounds its
			// best neighbour.
			continue
		}
		if l.nodes[p.other].parent != p.other || l.nodes[p.other].version != p.otherVersion {
			// Stale: the owner's next held pair whose neighbour has not
			// changed since goes into the heap; when there is none, the
			// owner's list is read again for its best, unless no pair of
			// it left out of the heap could reach the threshold.
			if l.pushHeld(p.owner) {
				continue
			}
			lk := &l.looks[p.owner]
			if lk.rest >= l.threshold {
				l.pushBest(p.owner)
			}
			continue
		}
		a, b := min(p.owner, p.other), max(p.owner, p.other)
		l.merge(a, b)
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
	return labels, nil
}

// cancelCheck is how many pairs the linkage takes from its heap between
// looks at its context: little enough work that a stop is answered at
// once (TestAverageLinkCanceled).
const cancelCheck = 1 << 14

type neighbour struct {
	id     int32   // a group root when written; may have merged since
	capped float32 // the sum with each pair's similarity capped (see separated)
	sum    float32
}

type linkage struct {
	nodes     []node  // by item; a group is known by its lowest item
	groups    []group // by item, beside nodes
	adj       [][]neighbour
	scratch   []neighbour
	free      [][][]neighbour // lists set free, by class (see spare)
	looks     []look          // by group
	threshold float64
	heap      pairHeap
	preloaded int32  // see preload
	spans     []span // by group: the times of its dated items; nil when no item is dated
	window    int64
}

// span is the earliest and latest time (Unix seconds) of a group's dated
// items; both are noDate when none is dated.
type span struct{ first, last int64 }

// noDate marks an undated item's time.
const noDate = math.MinInt64

// apart reports whether groups a and b both hold dated items and the
// nearest of them lie more than the window apart. Two such groups share no
// pair of dated items (those are never compared), so only undated items
// could join them: one undated article of a past year would otherwise
// bring a story of that year into one of today's.
func (l *linkage) apart(a, b int32) bool {
	if l.spans == nil {
		return false
	}
	x, y := l.spans[a], l.spans[b]
	if x.first == noDate || y.first == noDate {
		return false
	}
	return y.first-x.last > l.window || x.first-y.last > l.window
}

// node is what the linkage reads of a group for each entry of a list it
// resolves or ranks (union-find, the place in the list being built, the
// size), and the version that tells a heap entry stale, in 16 bytes; group
// is the rest. A neighbour's fields read together are in one block, one
// cache miss rather than one per field, and the block is small because the
// lists' entries name groups all over the corpus: the smaller it is, the
// more of them the cache holds (BenchmarkAverageLink50k).
type node struct {
	parent  int32  // union-find; a root is a live group
	size    int32  // the number of its items
	pos     int32  // scratch: index of the group in the list being merged, or -1
	version uint32 // counts the merges into the group
}

type group struct {
	lang   int32   // the language of all its items, or mixed
	looked uint32  // counts the times its best neighbour was looked for
	inner  float64 // the capped sum over its pairs (see separated)
}

// look is what the last look at a group's list found beyond its best pair,
// which went into the heap: the next heldPairs best, best first, held back
// until the entry in the heap before them (which ranks above them) turns
// out stale, and the highest mean of the rest, which tells whether the
// group need be looked at again once it has no entry left in the heap.
// Neighbours kept apart are not among the rest: they stay apart until one
// of the two groups changes.
type look struct {
	held [heldPairs]held
	next int32 // the index in held of the next pair to push
	rest float64
}

// heldPairs is how many pairs a look holds back: a few save looks at
// groups and list entries resolved; more cost memory for every article
// and save no time (BenchmarkAverageLink50k).
const heldPairs = 3

// rank is a group's pair with neighbour id at mean avg; id is -1 for none.
type rank struct {
	avg float64
	id  int32
}

// below reports whether r ranks below the pair with neighbour id at mean
// avg: a lower mean, or the same mean and a higher id (the heap's order
// for the pairs of one group).
func (r rank) below(avg float64, id int32) bool {
	return r.id < 0 || avg > r.avg || avg == r.avg && id < r.id
}

// held is a pair held back from the heap, with the version its neighbour
// had then; id is -1 for none.
type held struct {
	rank
	version uint32
}

// mixed is the language of a group whose items are not all of one.
const mixed = -1

func newLinkage(langs []string, edges [][]Edge, threshold float64, workers int) *linkage {
	n := len(langs)
	l := &linkage{
		nodes: make([]node, n), groups: make([]group, n), adj: make([][]neighbour, n), looks: make([]look, n),
		threshold: threshold,
	}
	ids := map[string]int32{}
	for i, lang := range langs {
		id, ok := ids[lang]
		if !ok {
			id = int32(len(ids))
			ids[lang] = id
		}
		l.groups[i].lang = id
	}
	// The blocks are cut into up to workers runs of about as many edges,
	// one to a worker. Each worker counts the entries its run gives each
	// item; an item's list, made as long as all its entries, takes those of
	// run w after those of the runs before it, so that every list holds its
	// entries in the order of the edges, whatever the number of workers.
	// Each block goes once its worker has listed it.
	runs := edgeRuns(edges, workers)
	at := make([][]int32, len(runs)-1) // by run, then item: where its next entry goes
	var wg sync.WaitGroup
	for w := range at {
		wg.Go(func() {
			at[w] = make([]int32, n)
			for _, block := range edges[runs[w]:runs[w+1]] {
				for _, e := range block {
					at[w][e.I]++
					at[w][e.J]++
				}
			}
		})
	}
	wg.Wait()
	parallel.Runs(context.Background(), n, workers, lookRun, func(_, from, to int) {
		for i := from; i < to; i++ {
			deg := int32(0)
			for w := range at {
				deg, at[w][i] = deg+at[w][i], deg
			}
			l.nodes[i] = node{parent: int32(i), size: 1, pos: -1}
			l.adj[i] = make([]neighbour, deg)
		}
	})
	limit := float32(cohesionCap * threshold)
	for w := range at {
		wg.Go(func() {
			at := at[w]
			for k := runs[w]; k < runs[w+1]; k++ {
				for _, e := range edges[k] {
					capped := min(e.Sim, limit)
					l.adj[e.I][at[e.I]] = neighbour{e.J, capped, e.Sim}
					l.adj[e.J][at[e.J]] = neighbour{e.I, capped, e.Sim}
					at[e.I]++
					at[e.J]++
				}
				edges[k] = nil
			}
		})
	}
	wg.Wait()
	return l
}

// edgeRuns cuts blocks into up to workers runs of about as many edges:
// run w is blocks[runs[w]:runs[w+1]].
func edgeRuns(blocks [][]Edge, workers int) []int {
	total := 0
	for _, b := range blocks {
		total += len(b)
	}
	runs := []int{0}
	sum := 0
	for k, b := range blocks {
		sum += len(b)
		if len(runs) < workers && sum*workers >= total*len(runs) && k+1 < len(blocks) {
			runs = append(runs, k+1)
		}
	}
	return append(runs, len(blocks))
}

// lookAll takes the first look at every item, as pushBest would one item
// after another. No two groups have merged yet: a look reads the other
// items' sizes and versions, which do not change, and writes only its own
// item's list, counts and held pairs. So up to workers goroutines take the
// items in runs, and the heap is made at once from the pairs they found.
// A list is resolved as resolve would (see firstResolve) with scratch
// space of the worker's own. This is the part of the linkage that runs on
// every core; the merges after it run on one (the cluster stage of make
// bench).
func (l *linkage) lookAll(workers int) {
	n := len(l.nodes)
	found := make([][]pair, max(workers, 1))
	pos := make([][]int32, len(found))
	parallel.Runs(context.Background(), n, workers, lookRun, func(w, from, to int) {
		if pos[w] == nil {
			pos[w] = make([]int32, n)
			for i := range pos[w] {
				pos[w][i] = -1
			}
		}
		for a := int32(from); a < int32(to); a++ {
			l.firstResolve(a, pos[w])
			if p, ok := l.lookAt(a); ok {
				found[w] = append(found[w], p)
			}
		}
	})
	l.heap.s = slices.Concat(found...)
	l.heap.init()
}

// lookRun is how many items a worker takes at a time as the lists are
// made and first looked at.
const lookRun = 1024

func (l *linkage) mean(a int32, e neighbour) float64 {
	return float64(e.sum) / (float64(l.nodes[a].size) * float64(l.nodes[e.id].size))
}

// pushBest pushes group a's best neighbour, if its mean reaches the
// threshold. Ties go to the lower id.
func (l *linkage) pushBest(a int32) {
	l.resolve(a, l.adj[a])
	l.pushResolved(a)
}

// pushResolved is pushBest for a group whose list is resolved.
func (l *linkage) pushResolved(a int32) {
	if p, ok := l.lookAt(a); ok {
		l.heap.push(p)
	}
}

// lookAt reads group a's resolved list. Of the neighbours that are not kept
// apart (see separated), it returns the best pair, to be pushed, and holds
// back the next heldPairs, those that reach the threshold (see look); ok
// is false when no pair reaches it.
func (l *linkage) lookAt(a int32) (p pair, ok bool) {
	var top [heldPairs + 1]rank // the best, best first
	for k := range top {
		top[k].id = -1
	}
	last := len(top) - 1
	rest := 0.0
	for _, e := range l.adj[a] {
		// Only a neighbour that would be one of the best is checked for
		// separation, the dearer test.
		avg := l.mean(a, e)
		if !top[last].below(avg, e.id) {
			rest = max(rest, avg)
			continue
		}
		if l.separated(a, e) || l.apart(a, e.id) {
			continue
		}
		if top[last].id >= 0 {
			rest = max(rest, top[last].avg)
		}
		k := last
		for k > 0 && top[k-1].below(avg, e.id) {
			top[k] = top[k-1]
			k--
		}
		top[k] = rank{avg, e.id}
	}
	l.groups[a].looked++
	lk := &l.looks[a]
	lk.next = 0
	lk.rest = rest
	for k := range lk.held {
		lk.held[k].id = -1
	}
	for k, t := range top {
		switch {
		case t.id < 0:
		case t.avg < l.threshold:
			lk.rest = max(lk.rest, t.avg)
		case k == 0:
			p, ok = l.newPair(a, t.id, t.avg), true
		default:
			lk.held[k-1] = held{t, l.nodes[t.id].version}
		}
	}
	return p, ok
}

// pushHeld pushes the next pair that group o holds back whose neighbour
// has not changed since, and reports whether there was one.
func (l *linkage) pushHeld(o int32) bool {
	lk := &l.looks[o]
	for lk.next < heldPairs {
		h := lk.held[lk.next]
		lk.next++
		if h.id < 0 {
			break
		}
		if l.nodes[h.id].parent == h.id && l.nodes[h.id].version == h.version {
			l.heap.push(l.newPair(o, h.id, h.avg))
			return true
		}
	}
	lk.next = heldPairs
	return false
}

// pair is the heap entry for owner's pair with other at mean avg.
func (l *linkage) newPair(owner, other int32, avg float64) pair {
	return pair{owner: owner, other: other, avg: avg, looked: l.groups[owner].looked, otherVersion: l.nodes[other].version}
}

// merge joins groups a and b (roots, a < b) into a: the lower index stays
// root so that labels do not depend on merge order.
func (l *linkage) merge(a, b int32) {
	l.groups[a].inner += l.groups[b].inner
	if l.groups[a].lang != l.groups[b].lang {
		l.groups[a].lang = mixed
	}
	if l.spans != nil {
		x, y := &l.spans[a], l.spans[b]
		switch {
		case x.first == noDate:
			*x = y
		case y.first != noDate:
			x.first, x.last = min(x.first, y.first), max(x.last, y.last)
		}
	}
	l.nodes[b].parent = a
	l.nodes[a].size += l.nodes[b].size
	l.nodes[a].version++
	// The entries of a's list that name a now are the pairs between a and
	// b: resolve adds them to the new group's inner sum.
	l.resolve(a, l.adj[a], l.adj[b])
	l.adj[b] = nil
	l.pushResolved(a)
}

// separated reports whether group a and its neighbour e, both of one
// language, are much tighter within than between, and so stay apart:
// whether the mean capped similarity between them is below minSeparation
// times the cohesion of the looser of the two. A group's cohesion is the
// mean capped similarity of its pairs (absent pairs count as zero, as in
// the means); a single item has none, and is never kept apart by it.
//
// Average linkage alone lets a tight group join a looser one as long as
// the mean between them reaches the threshold. In a busy window that is how
// two events of one kind reported at the same hours become one story: each
// is a tight group of articles, and the pairs between them are similar
// enough on average. Comparing the two groups with themselves keeps them
// apart. Similarities are capped at cohesionCap times the threshold for
// this, so that a pair of near-identical articles published together does
// not make the cohesion of its group unreachable. Groups of different
// languages are not compared so: articles in one language share its common
// words, and across languages little but names, so a group of German
// reports would always look far tighter than its tie to the English ones
// on the same event.
//
// make bench (the synthetic corpora's density) and make eval (events of
// one kind in the dev sets) measure it; docs/QUALITY.md.
func (l *linkage) separated(a int32, e neighbour) bool {
	b := e.id
	if l.nodes[a].size < 2 || l.nodes[b].size < 2 || l.groups[a].lang != l.groups[b].lang || l.groups[a].lang == mixed {
		return false
	}
	loose := min(l.cohesion(a), l.cohesion(b))
	return float64(e.capped) < minSeparation*loose*float64(l.nodes[a].size)*float64(l.nodes[b].size)
}

func (l *linkage) cohesion(a int32) float64 {
	n := float64(l.nodes[a].size)
	return l.groups[a].inner / (n * (n - 1) / 2)
}

const (
	minSeparation = 0.35
	cohesionCap   = 10
)

// count returns how many elements of s are v.
func count(s []int64, v int64) int {
	n := 0
	for _, x := range s {
		if x == v {
			n++
		}
	}
	return n
}
