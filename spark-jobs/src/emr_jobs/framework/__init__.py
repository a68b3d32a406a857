"""What every job shares: arguments, session, intake (reading and validating input), run_output (every dataset,
file and picture a run writes, taken back when it fails), metrics and the run lifecycle, exit codes."""
