"""Đoàn Tụ: the ward's system for the 500-day campaign to find, gather and identify fallen soldiers' remains."""
