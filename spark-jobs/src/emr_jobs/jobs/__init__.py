"""The jobs: each a module with main(argv) -> exit code, runnable with python -m and spark-submit."""
