// Package report renders a run's tables, as table.Read reads them back,
// as one self-contained HTML page: no external assets, so that it opens
// offline and can be mailed as it is. Write reads its Output and does not
// keep it.
package report
