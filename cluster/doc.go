// Package cluster groups article vectors into stories.
//
// Items come in canonical order: undated items first, then dated items by
// time (ties broken by the caller, by article id). Candidate pairs come from
// an inverted index over the items' terms, searched only within the time
// window (undated items are compared with all), so no all-pairs matrix is
// ever built: each item asks with its heaviest terms, scans at most
// MaxPostings of the most recent postings of each, and computes exact
// cosines for the MaxCandidates earlier items that share the most weight
// with it.
//
// Each candidate pair's cosine is calibrated for text length and for how far
// apart in time the two articles were published (see calibrate), so that one
// threshold serves headlines and full articles, dated and undated; a pair
// with a long article must also share two terms, since one word a long text
// uses in passing would be decisive for a headline (see longTerms). Stories
// are formed by average-linkage agglomeration over the sparse graph of
// calibrated similarities: two groups merge while the mean over all their
// cross pairs, counting pairs that are not candidates or lie outside the
// window as zero, is at least Threshold. Unlike single-link chaining this
// does not let a chain of near neighbours pull unrelated articles into one
// giant story. Two groups of one language also stay apart when they are far
// tighter within than between (see AverageLink), which keeps two events of
// one kind reported in the same hours apart. Merging is deterministic: ties
// go to the lower item indices.
//
// Items without a usable vector stay singletons. Summaries give each story
// its centroid, each member's cosine to it, and the story's top terms.
// WireCopies finds the articles of a story that republish another outlet's
// text, and Background.Distinctive the terms one outlet used more than the
// others (weighted log-odds with an informative Dirichlet prior).
package cluster
