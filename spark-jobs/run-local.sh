#!/usr/bin/env bash
# Runs a job locally with the project's Python environment (.venv, made by scripts/setup-python.sh),
# on the committed sample data, writing under spark-jobs/output/<job>/ (gitignored).
#   spark-jobs/run-local.sh financial|quality|smoke|fraud|dedup|aggregate|compare|datagen [extra args, appended and overriding]
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
      --rules "$SAMPLE/quality_rules.json" --report "$OUTPUT/data_quality/report.json" --failure-threshold 0.05 "$@" ;;
  smoke)
    exec "$PYTHON" "$HERE/entrypoints/smoke_test.py" --output "$OUTPUT/smoke_test" "$@" ;;
  fraud)
    exec "$PYTHON" "$HERE/entrypoints/fraud_detection.py" --input "$SAMPLE/claims.csv" --input-format csv \
      --output "$OUTPUT/fraud_detection" "$@" ;;
  dedup)
    exec "$PYTHON" "$HERE/entrypoints/dedup.py" --input "$SAMPLE/dedup_events.csv" --input-format csv \
      --keys customer_id,region --order-by updated_at --tie-break source --id-column event_id \
      --output "$OUTPUT/dedup" "$@" ;;
  aggregate)
    exec "$PYTHON" "$HERE/entrypoints/aggregate.py" --input "$SAMPLE/city_daily.csv" --input-format csv \
      --output "$OUTPUT/aggregate" "$@" ;;
  compare)  # compares the aggregate job's output: run `aggregate` first
    exec "$PYTHON" "$HERE/entrypoints/compare.py" --ours "$OUTPUT/aggregate/state_daily" \
      --theirs "$SAMPLE/state_official.csv" --fail-above 0.1 --output "$OUTPUT/compare" "$@" ;;
  datagen)
    exec "$PYTHON" -m emr_jobs.datagen --output "$OUTPUT/datagen/ohlcv.csv" --rows 10000 "$@" ;;
  *)
    echo "usage: $0 financial|quality|smoke|fraud|dedup|aggregate|compare|datagen [args]" >&2
    exit 1 ;;
esac
