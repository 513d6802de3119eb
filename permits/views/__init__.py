"""The contractor's pages (company, permits, pass) and the access-checked document downloads."""
