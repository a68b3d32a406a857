#!/usr/bin/env bash
# Runs a job locally with the project's Python environment (.venv, made by scripts/setup-python.sh),
# on the committed sample data, writing under spark-jobs/output/<job>/ (gitignored).
#   spark-jobs/run-local.sh financial|quality|smoke|fraud|dedup|aggregate|compare|stream|datagen [extra args, appended and overriding]
# stream: the sample's daily bars replayed as ticks (emr_jobs.streaming.tick_replay) through the file source, from
# a fresh checkpoint, stopping after the last micro-batch (--available-now); then the picture of the bars by the
# micro-batch that wrote them (emr_jobs.streaming.arrival_picture: output/financial_stream/bars_by_batch.png).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PYTHON="$(dirname "$HERE")/.venv/bin/python"
if [[ ! -x "$PYTHON" ]]; then
  echo "run-local: $PYTHON not found; run: bash scripts/setup-python.sh" >&2
  exit 1
fi
SAMPLE="$HERE/data/sample"
OUTPUT="$HERE/output"
job="${1:-}"
shift || true
case "$job" in
  financial)
    exec "$PYTHON" "$HERE/entrypoints/financial_data_processor.py" --input "$SAMPLE/ohlcv.csv" --input-format csv \
      --output "$OUTPUT/financial_data_processor" "$@" ;;
  quality)
    exec "$PYTHON" "$HERE/entrypoints/data_quality.py" --input "$SAMPLE/ohlcv.csv" --input-format csv \
      --rules "$HERE/rules/ohlcv.json" --report "$OUTPUT/data_quality/report.json" --failure-threshold 0.05 "$@" ;;
  smoke)
    exec "$PYTHON" "$HERE/entrypoints/smoke_test.py" --output "$OUTPUT/smoke_test" "$@" ;;
  fraud|dedup|aggregate|compare)  # their sample arguments live in emr_jobs.samples (also npm start's job stage)
    exec "$PYTHON" -m emr_jobs.samples --samples "$SAMPLE" --outputs "$OUTPUT" "$job" -- "$@" ;;
  stream)
    rm -rf "$OUTPUT/financial_stream" "$OUTPUT/financial_stream_ticks"
    "$PYTHON" -m emr_jobs.streaming.tick_replay --bars "$SAMPLE/ohlcv.csv" --output "$OUTPUT/financial_stream_ticks" \
      --bar-seconds 86400
    "$PYTHON" "$HERE/entrypoints/financial_stream.py" --source files --input "$OUTPUT/financial_stream_ticks" \
      --output "$OUTPUT/financial_stream" --checkpoint "$OUTPUT/financial_stream/_checkpoint" \
      --bar-seconds 86400 --watermark-seconds 172800 --available-now "$@"
    exec "$PYTHON" -m emr_jobs.streaming.arrival_picture --output "$OUTPUT/financial_stream" ;;
  datagen)
    exec "$PYTHON" -m emr_jobs.datagen --output "$OUTPUT/datagen/ohlcv.csv" --rows 10000 "$@" ;;
  *)
    echo "usage: $0 financial|quality|smoke|fraud|dedup|aggregate|compare|stream|datagen [args]" >&2
    exit 1 ;;
esac
