#!/usr/bin/env bash
# `npm start`, the main job on its embedded default (no AWS account needed):
#   set-up → synthesize every environment (the policy guard runs inside synth and fails it on an insecure setting)
#   → plan summary (resources, instance groups, scaling range, hourly cost, guard result per environment)
#   → the financial pipeline on the bundled sample data on local Spark: its short summary (rows, rejects by reason,
#     anomalies, outputs, elapsed; the full record is in _metrics.json) and the picture's path
#   → the other workloads on their committed samples (arguments in emr_jobs.samples, as run-local.sh runs them):
#     fraud_detection, dedup, aggregate then compare (its gate's exit 2 stops npm start), in one process sharing one
#     local Spark session, each printing only its short summary (the progress lines are for a cluster's step log)
#   → financial_stream: the sample replayed as ticks through the file source (spark-jobs/run-local.sh stream), its
#     short summary and the picture of the bars by the micro-batch that wrote them.
set -euo pipefail
cd "$(dirname "$0")/.."
OUTPUT="${EMR_START_OUTPUT:-spark-jobs/output/financial}"

# A job's summary is its "<job>: <status> in <seconds> s" line and the indented lines under it
# (emr_jobs.framework.metrics.summary); a blank line after each.
summary_only() {
  awk '/^[a-z_]+: [a-z_]+ in [0-9.]+ s$/ { shown = 1; print; next }
       shown && /^  / { print; next }
       shown { shown = 0; print "" }
       END { if (shown) print "" }'
}

bash scripts/ensure-setup.sh
echo
echo "=== [1/5] synthesize every environment (offline: no terraform, no AWS)"
npm run -s synth
ls -d cdktf.out/stacks/emr-* | sed 's/^/  /'
echo
echo "=== [2/5] plan summary and policy guard"
npm run -s summary
echo
echo "=== [3/5] financial pipeline on the sample data (local Spark)"
.venv/bin/python -m emr_jobs.jobs.financial_data_processor \
  --input spark-jobs/data/sample/ohlcv.csv --input-format csv --output "$OUTPUT"
echo
echo "Picture (per symbol: close, Bollinger bands, anomalies marked): $OUTPUT/overview.png"
echo
echo "=== [4/5] fraud detection, dedup, aggregate + compare on their samples (local Spark)"
.venv/bin/python -m emr_jobs.samples --samples spark-jobs/data/sample --outputs spark-jobs/output \
  fraud dedup aggregate compare | summary_only
echo "Pictures: spark-jobs/output/fraud_detection/fraud_summary.png (score distribution, top providers by flagged share),"
echo "          spark-jobs/output/compare/deltas_by_state.png (cases and deaths deltas by state over time)"
echo
echo "=== [5/5] financial_stream: the sample replayed as ticks, micro-batch by micro-batch (local Spark, file source)"
bash spark-jobs/run-local.sh stream
