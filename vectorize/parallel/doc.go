// Package parallel is the loop that vectorize and cluster spread over
// their workers: the indexes [0, n) cut into runs of consecutive indexes,
// which up to a given number of goroutines take in turn until none is
// left or the context is done.
package parallel
