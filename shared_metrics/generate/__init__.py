"""Synthetic Salesforce landing zone with planted truth and injected defects."""
