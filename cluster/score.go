package cluster

// Scores compares a predicted grouping with a gold one.
type Scores struct {
	BCubedPrecision float64 `json:"b_cubed_precision"`
	BCubedRecall    float64 `json:"b_cubed_recall"`
	BCubedF1        float64 `json:"b_cubed_f1"`
	PairPrecision   float64 `json:"pair_precision"`
	PairRecall      float64 `json:"pair_recall"`
	PairF1          float64 `json:"pair_f1"`
	Items           int     `json:"items"`
	GoldGroups      int     `json:"gold_groups"`
	PredGroups      int     `json:"pred_groups"`
}

// Score compares pred with gold, two labellings of the same items (any
// comparable labels). B-cubed averages, over items, the share of an item's
// predicted group that shares its gold group (precision) and the share of
// its gold group found in its predicted group (recall). Pairwise counts the
// item pairs placed together.
func Score[L comparable](gold, pred []L) Scores {
	if len(gold) != len(pred) {
		panic("cluster: Score: gold and pred differ in length")
	}
	type cell struct{ g, p L }
	both := map[cell]int{}
	gsize := map[L]int{}
	psize := map[L]int{}
	for i := range gold {
		both[cell{gold[i], pred[i]}]++
		gsize[gold[i]]++
		psize[pred[i]]++
	}
	s := Scores{Items: len(gold), GoldGroups: len(gsize), PredGroups: len(psize)}
	if len(gold) == 0 {
		return s
	}
	var p, r float64
	var pairsBoth, pairsPred, pairsGold float64
	for c, n := range both {
		nf := float64(n)
		p += nf * nf / float64(psize[c.p])
		r += nf * nf / float64(gsize[c.g])
		pairsBoth += nf * (nf - 1) / 2
	}
	for _, n := range psize {
		pairsPred += float64(n) * float64(n-1) / 2
	}
	for _, n := range gsize {
		pairsGold += float64(n) * float64(n-1) / 2
	}
	n := float64(len(gold))
	s.BCubedPrecision, s.BCubedRecall = p/n, r/n
	s.BCubedF1 = f1(s.BCubedPrecision, s.BCubedRecall)
	s.PairPrecision, s.PairRecall = ratio(pairsBoth, pairsPred), ratio(pairsBoth, pairsGold)
	s.PairF1 = f1(s.PairPrecision, s.PairRecall)
	return s
}

// ratio is a/b, or 1 when there is nothing to count (no pairs predicted
// means no false pair either).
func ratio(a, b float64) float64 {
	if b == 0 {
		return 1
	}
	return a / b
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}
