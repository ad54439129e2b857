// Package synth generates realistic, labelled news corpora of any size, to
// measure speed, memory and quality at scale.
//
// A corpus is a stream of events, each covered by a few of hundreds of
// outlets over hours to days. Its words follow the frequencies of a real
// vocabulary (learned from real articles: the embedded sample by default),
// extended with rarer made-up words and names so that the tail is as long as
// in a large corpus. Each event has its own key terms and named entities;
// some are follow-ups that share key terms with an earlier event; some
// articles are wire copies republished nearly verbatim by other outlets.
// Outlets have their own datelines and boilerplate lines. Text lengths range
// from a headline alone to about 2,000 words. The gold label of each article
// is its event. Generation is deterministic for a seed.
package synth
