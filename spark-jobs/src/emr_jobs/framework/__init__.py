"""What every job shares: arguments, session, readers, writers, metrics, quarantine, exit codes."""
