"""Insurance-claims fraud detection: parsing, statistical and rule-based detections, scoring, summaries."""
