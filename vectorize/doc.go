// Package vectorize turns article text into L2-normalised TF-IDF vectors.
//
// An Analyzer splits text into lower-cased tokens at Unicode word boundaries
// (letters, marks and digits; numbers such as "737" and "2024" are kept),
// reads Chinese, Japanese and Thai, which do not separate words, as
// overlapping character bigrams, reads Vietnamese, which separates
// syllables, as syllables and pairs of adjacent syllables, and removes the
// stop words of the article's language where a list is known. The language is the one the input gives or,
// failing that, the one DetectLanguage finds from script and stop words.
//
// Vectorize weighs each document's terms with sublinear term frequency, the
// title counting more than the body, and inverse document frequency from
// github.com/james-bowman/nlp, then normalises each vector to unit length so
// that cosine similarity is a dot product. Before counting, it removes the
// lines an outlet repeats across its articles (boilerplate) and the outlet's
// own name, so that articles do not resemble each other by outlet.
//
// Documents are analysed in parallel chunks, each with a local vocabulary;
// the chunk vocabularies are merged in order, so term ids are the order of
// first occurrence whatever the scheduling. Each document also gets a
// MinHash Sketch of its body's word 4-grams, for finding republished texts,
// and, on request, its raw term counts, for comparing word use.
//
// A Vector holds term ids in increasing order with float32 weights; the
// vectors returned by Vectorize are owned by the caller and never modified
// again by this package. A document with no usable token gets an empty
// vector, whose similarity to anything is zero.
package vectorize
