package cluster

import "math"

// Cosine similarity means different things for different texts: two
// headlines about one event share a word or two (cosine 0.1–0.3), two full
// articles about different events of the same kind share much of their
// vocabulary (0.2–0.4). And two articles published within hours of each
// other that share rare words are far more likely to report one event than
// two undated ones. calibrate puts pairs on one scale, so that a single
// threshold serves headlines, excerpts and full text, with or without dates:
//
//	calibrated = cosine / (lengthFactor(shorter) × dateFactor)
//
// lengthFactor(n) = (ln(1+n) / ln(1+refTerms))^lengthExponent for the number
// of distinct terms n of the shorter article (at least minTerms, so that a
// one-word title does not make every shared word decisive), at most 1;
// dateFactor is
// datedFactor when both articles have a date (they are then within the
// window), 1 otherwise.
const (
	refTerms       = 100
	minTerms       = 4
	lengthExponent = 1.5
	datedFactor    = 0.5
)

var logRef = math.Log(1 + refTerms)

func calibrate(cos float64, a, b *Item) float64 {
	n := max(min(a.Vec.Len(), b.Vec.Len()), minTerms)
	f := math.Pow(min(math.Log(1+float64(n))/logRef, 1), lengthExponent)
	if !a.Time.IsZero() && !b.Time.IsZero() {
		f *= datedFactor
	}
	if f == 0 {
		return 0
	}
	return cos / f
}
