#!/usr/bin/env bash
# `npm start`, the main job on its embedded default (no AWS account needed):
#   set-up → synthesize every environment (the policy guard runs inside synth and fails it on an insecure setting)
#   → plan summary (resources, instance groups, scaling range, hourly cost, guard result per environment)
#   → the financial pipeline on the bundled sample data on local Spark: its short summary (rows, rejects by reason,
#     anomalies, outputs, elapsed; the full record is in _metrics.json) and the picture's path
#   → the other workloads on their committed samples, through spark-jobs/run-local.sh (one place for their sample
#     arguments): fraud_detection, dedup, aggregate then compare (the gate: exit 2 stops npm start), each printing
#     only its short summary (its progress log lines are what a cluster's step log keeps).
set -euo pipefail
cd "$(dirname "$0")/.."
OUTPUT="${EMR_START_OUTPUT:-spark-jobs/output/financial}"

# A job's summary starts at its "<job>: <status> in <seconds> s" line (emr_jobs.framework.metrics.summary).
summary_only() { sed -n '/^[a-z_]*: [a-z_]* in [0-9.]* s$/,$p'; }

bash scripts/ensure-setup.sh
echo
echo "=== [1/4] synthesize every environment (offline: no terraform, no AWS)"
npm run -s synth
ls -d cdktf.out/stacks/emr-* | sed 's/^/  /'
echo
echo "=== [2/4] plan summary and policy guard"
npm run -s summary
echo
echo "=== [3/4] financial pipeline on the sample data (local Spark)"
.venv/bin/python -m emr_jobs.jobs.financial_data_processor \
  --input spark-jobs/data/sample/ohlcv.csv --input-format csv --output "$OUTPUT"
echo
echo "Picture (per symbol: close, Bollinger bands, anomalies marked): $OUTPUT/overview.png"
echo
echo "=== [4/4] fraud detection, dedup, aggregate + compare on their samples (local Spark)"
for job in fraud dedup aggregate compare; do
  bash spark-jobs/run-local.sh "$job" | summary_only
  echo
done
echo "Pictures: spark-jobs/output/fraud_detection/fraud_summary.png (score distribution, top providers by flagged share),"
echo "          spark-jobs/output/compare/deltas_by_state.png (cases and deaths deltas by state over time)"
