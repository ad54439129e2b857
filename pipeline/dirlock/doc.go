// Package dirlock takes an exclusive lock on a directory for as long as a
// process works in it: an flock on a file in the directory (data.OutputLock,
// whose leading dot keeps readers of a dataset away from it). The lock goes
// with the process, also when it is killed, so a lock is never left behind.
// Where flock is not available, Lock does nothing.
package dirlock
