// Package snapshot publishes versions of a directory's contents as a
// whole. Each version is written in full under DIR/.snapshots/RUN;
// DIR/.current, a symbolic link, names the published one and is replaced by
// a rename, which is atomic: a reader that opens paths through .current
// sees one version or the next, never a mix, and a writer killed at any
// moment leaves the published version as it was. Links DIR/NAME →
// .current/NAME give readers stable paths. The version before the
// published one is kept for readers still reading it; Prune removes the
// rest. A Dir is used by one process at a time (see package dirlock).
package snapshot
