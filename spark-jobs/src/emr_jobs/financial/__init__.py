"""Cleansing, technical indicators, anomaly detection and market summaries for OHLCV bars."""
