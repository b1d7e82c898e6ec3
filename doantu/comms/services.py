"""Every write of the communication work: one service per change, each checks access and writes the audit trail."""
