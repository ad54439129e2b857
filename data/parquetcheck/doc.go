// Package parquetcheck checks a Parquet file's column chunks before the
// Arrow Parquet reader (v15.0.2) reads them: Pages walks every chunk's
// page headers and refuses the shapes that make that reader allocate
// without bound, loop for ever or read past its pages, so that a damaged
// or hostile file is an error rather than a crash or a hang. It reads the
// headers only, not the pages. Open opens a file with these checks and an
// allocator bounded by the file's size.
package parquetcheck
