#!/usr/bin/env bash
# `npm start`, the main job on its embedded default (no AWS account needed):
#   set-up → synthesize every environment (the policy guard runs inside synth and fails it on an insecure setting)
#   → plan summary (resources, instance groups, scaling range, hourly cost, guard result per environment)
#   → the financial pipeline on the bundled sample data on local Spark: its short summary (rows, rejects by reason,
#     anomalies, outputs, elapsed; the full record is in _metrics.json) and the picture's path.
set -euo pipefail
cd "$(dirname "$0")/.."
OUTPUT="${EMR_START_OUTPUT:-spark-jobs/output/financial}"

bash scripts/ensure-setup.sh
echo
echo "=== [1/3] synthesize every environment (offline: no terraform, no AWS)"
npm run -s synth
ls -d cdktf.out/stacks/emr-* | sed 's/^/  /'
echo
echo "=== [2/3] plan summary and policy guard"
npm run -s summary
echo
echo "=== [3/3] financial pipeline on the sample data (local Spark)"
.venv/bin/python -m emr_jobs.jobs.financial_data_processor \
  --input spark-jobs/data/sample/ohlcv.csv --input-format csv --output "$OUTPUT"
echo
echo "Picture (per symbol: close, Bollinger bands, anomalies marked): $OUTPUT/overview.png"
