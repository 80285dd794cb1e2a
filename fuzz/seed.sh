#!/usr/bin/env bash
# Seeds each fuzz target's corpus with what smguard reads in real life: every fixture event (as
# itself and gzipped) and the fixtures' env file. Corpora live in target/fuzz/corpus (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=target/fuzz/corpus
mkdir -p "$corpus"/{event,batch,gzip_input,settings}
while IFS= read -r -d '' file; do
  name=$(echo "${file#events/}" | tr '/' '_')
  cp "$file" "$corpus/event/$name"
  cp "$file" "$corpus/batch/$name"
  gzip -c "$file" > "$corpus/gzip_input/$name.gz"
done < <(find events -name '*.json' -print0)
cp events/fixtures.env "$corpus/settings/fixtures.env"
echo "seeded $(ls "$corpus/event" | wc -l) events into $corpus"
