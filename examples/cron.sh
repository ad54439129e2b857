#!/bin/sh
# Scheduled storyclust: cluster whatever arrived in an inbox folder into one
# growing dataset. Run it from cron, for example every hour:
#
#   15 * * * *  /opt/storyclust/examples/cron.sh /data/news/inbox /data/news/storyclust >>/var/log/storyclust.log 2>&1
#
# Files dropped into INBOX (JSONL, CSV, Parquet, .txt, gzipped or not) are
# moved into a batch folder, and the batch is clustered together with the
# stories still open from earlier runs. The dataset is ROOT/out (read it with
# pd.read_parquet('ROOT/out/articles') or DuckDB), the state ROOT/state.
#
# Nothing is lost or counted twice: a batch stays in ROOT/batches until a
# run over it succeeds, and is then moved to ROOT/done. A batch left by a
# failed or killed run is clustered again by the next one; its articles that
# were already written are skipped (same id, same content). Two runs cannot
# overlap: the second stops at once because the state is locked.
#
# STORYCLUST names the binary (default: storyclust on PATH).
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 INBOX ROOT" >&2
	exit 2
fi
inbox=$1
root=$2
storyclust=${STORYCLUST:-storyclust}
mkdir -p "$root/batches" "$root/done"

# Move what has arrived into a new batch. A file still being written should
# be written elsewhere and moved into the inbox when complete.
batch="$root/batches/$(date -u +%Y%m%dT%H%M%SZ)-$$"
mkdir "$batch"
find "$inbox" -mindepth 1 -maxdepth 1 -type f ! -name '.*' -exec mv {} "$batch/" \;

# Every batch not yet done, oldest first (the names sort by time).
for b in "$root"/batches/*/; do
	b=${b%/}
	if [ -z "$(ls -A "$b")" ]; then
		rmdir "$b"
		continue
	fi
	"$storyclust" run --quiet --state "$root/state" --out "$root/out" "$b"
	mv "$b" "$root/done/"
done
