package cluster

import (
	"math"
	"time"
)

// Cosine similarity means different things for different texts: two
// headlines about one event share a word or two, a low cosine, while two
// full articles about different events of the same kind share much of
// their vocabulary, a higher one (docs/QUALITY.md). And two articles
// published minutes apart that share rare words are far more likely to report one event than two published days
// apart, or two undated ones. calibrate puts pairs on one scale, so that a
// single threshold serves headlines, excerpts and full text, with or without
// dates:
//
//	calibrated = cosine / (lengthFactor(shorter) × timeFactor(Δt))
//
// lengthFactor(n) = (ln(1+n) / ln(1+refTerms))^lengthExponent for the number
// of distinct terms n of the shorter article (at least minTerms, so that a
// one-word title does not make every shared word decisive), at most 1.
//
// timeFactor(Δt) = sameTimeFactor + (1 − sameTimeFactor) × (Δt/window)^timeExponent
// when both articles are dated (they are then at most window apart), and 1
// when either is not: it is sameTimeFactor for articles published together
// and rises steeply, to about 0.5 an hour apart, 0.7 at six hours and 1 at
// the window's edge.
const (
	refTerms       = 100
	minTerms       = 4
	lengthExponent = 1.5
	sameTimeFactor = 0.2
	timeExponent   = 0.2
)

var logRef = math.Log(1 + refTerms)

func calibrate(cos float64, a, b *Item, window time.Duration) float64 {
	return calibrateWith(cos, min(lengthFactor(a), lengthFactor(b)), a, b, window)
}

// lengthFactor is the length factor of a pair of which it is the shorter
// item; for a pair it is the smaller of the two items' factors, since it
// grows with length.
func lengthFactor(it *Item) float64 {
	n := max(it.Vec.Len(), minTerms)
	return math.Pow(min(math.Log(1+float64(n))/logRef, 1), lengthExponent)
}

// calibrateWith is calibrate given the pair's length factor.
func calibrateWith(cos, f float64, a, b *Item, window time.Duration) float64 {
	if !a.Time.IsZero() && !b.Time.IsZero() && window > 0 {
		dt := math.Abs(float64(a.Time.Sub(b.Time))) / float64(window)
		f *= sameTimeFactor + (1-sameTimeFactor)*timePower(min(dt, 1))
	}
	if f == 0 {
		return 0
	}
	return cos / f
}

// timePower returns x^timeExponent for x in [0, 1]. For an exponent
// between 0 and 0.5, math.Pow computes exactly exp(timeExponent × log x),
// after special cases and with steps that leave the result as it is, so
// done directly it gives the same bits for less, and the candidate search
// calibrates tens of pairs per article (BenchmarkCandidatesArticles10k).
// TestTimePower holds it to math.Pow.
func timePower(x float64) float64 {
	if x == 0 {
		return 0
	}
	return math.Exp(timeExponent * math.Log(x))
}
