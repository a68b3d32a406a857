"""spark-submit entry point; the emr_jobs package arrives with --py-files (a zip) or is installed locally."""

import sys

from emr_jobs.jobs.financial_stream import main

if __name__ == "__main__":
    sys.exit(main())
