"""The case tracker: city-level daily counts aggregated to states, and compared with an official state-level file."""
