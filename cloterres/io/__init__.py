"""Writers and readers of the files the study needs (Excel, JSONL, CSV...)."""
