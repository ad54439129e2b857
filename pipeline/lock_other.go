//go:build !unix

package pipeline

// lockOutput does nothing where flock is not available.
func lockOutput(dir string) (unlock func(), err error) { return func() {}, nil }

// lockDir does nothing where flock is not available.
func lockDir(dir, busy string) (unlock func(), err error) { return func() {}, nil }
