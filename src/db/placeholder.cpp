// The SOCI-backed database layer arrives with issue 3.
